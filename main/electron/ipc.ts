/**
 * One ipcMain.handle per contract channel. Each call: sender check first, then createApiDispatcher
 * (zod validation of the arguments, results and errors as ApiEnvelopes).
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_CONTRACT, API_METHOD_NAMES } from '../../shared/ipc/contract.js';
import type { ApiDispatcher } from '../../shared/ipc/dispatch.js';
import type { ApiEnvelope } from '../../shared/ipc/errors.js';

export function registerIpcHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, dispatch: ApiDispatcher, isTrusted: (event: IpcMainInvokeEvent) => boolean): () => void {
  for (const method of API_METHOD_NAMES) {
    ipcMain.handle(API_CONTRACT[method].channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<ApiEnvelope> => {
      if (!isTrusted(event)) {
        return { ok: false, error: { code: 'forbidden-sender', message: `${method} was refused: the message did not come from the LoRA Studio window.` } };
      }
      return dispatch(method, args);
    });
  }
  return () => {
    for (const method of API_METHOD_NAMES) ipcMain.removeHandler(API_CONTRACT[method].channel);
  };
}
