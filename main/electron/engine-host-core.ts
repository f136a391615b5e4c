/**
 * The engine host's logic, independent of how messages travel: serves EngineApi calls from the main
 * process, forwards engine events, and reports live temporary output files while they change.
 */
import { toApiError } from '../../shared/ipc/errors.js';
import { liveTempFiles } from '../engine/tensor-io/temp-files.js';
import type { EngineApi } from '../shell/engine-api.js';
import { isToEngineHost, type FromEngineHost } from './engine-protocol.js';

export interface HostPort {
  post(message: FromEngineHost): void;
  onMessage(handler: (message: unknown) => void): void;
}

const TEMP_POLL_MS = 200;

export function serveEngine(engine: EngineApi, port: HostPort, exit: (code: number) => void): void {
  let lastTemp = '';
  const reportTempFiles = (): void => {
    const files = [...liveTempFiles()];
    const key = files.join('\n');
    if (key === lastTemp) return;
    lastTemp = key;
    port.post({ type: 'temp-files', files });
  };
  const poll = setInterval(reportTempFiles, TEMP_POLL_MS);
  poll.unref();

  engine.onEvent((event) => {
    port.post({ type: 'event', event });
    if (event.type === 'run-finished') reportTempFiles();
  });

  port.onMessage((message) => {
    if (!isToEngineHost(message)) return;
    if (message.type === 'dispose') {
      clearInterval(poll);
      void engine
        .dispose()
        .catch(() => undefined)
        .finally(() => {
          port.post({ type: 'disposed' });
          exit(0);
        });
      return;
    }
    const { id, method, args } = message;
    const fn = engine[method] as (...a: unknown[]) => Promise<unknown>;
    fn.apply(engine, args).then(
      (value) => port.post({ type: 'result', id, ok: true, value }),
      (e: unknown) => port.post({ type: 'result', id, ok: false, error: toApiError(e) }),
    );
  });
  port.post({ type: 'ready', pid: process.pid });
}
