/** Electron: the preload's bridge (window.loraStudio), one method per API method plus subscribe. */
import type { ApiTransport } from '../../../shared/ipc/client.js';
import { PUSH_CHANNELS, type PushChannel } from '../../../shared/ipc/contract.js';
import type { PreloadBridge } from '../../../shared/ipc/transport.js';

const isPushChannel = (c: string): c is PushChannel => (Object.values(PUSH_CHANNELS) as string[]).includes(c);

export function createElectronTransport(bridge: PreloadBridge): ApiTransport {
  return {
    invoke: (method, _channel, args) => bridge[method](...args),
    subscribe(channel, handler) {
      if (!isPushChannel(channel)) return () => undefined;
      return bridge.subscribe(channel, handler);
    },
  };
}
