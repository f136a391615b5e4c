/**
 * Entry of the engine host process (bundled to dist/electron/engine-host.cjs). In the app it runs as an
 * Electron utilityProcess (messages on process.parentPort); under plain Node (tests, tools) it is a forked
 * child (process.send). It never imports electron.
 */
import { createEngineService } from '../engine/service/index.js';
import { serveEngine, type HostPort } from './engine-host-core.js';

interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

function hostPort(): HostPort {
  const parentPort = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) return { post: (m) => parentPort.postMessage(m), onMessage: (h) => parentPort.on('message', (e) => h(e.data)) };
  const send = process.send?.bind(process);
  if (send) {
    process.on('disconnect', () => process.exit(0));
    return { post: (m) => void send(m), onMessage: (h) => process.on('message', h) };
  }
  throw new Error('The engine host must be started by LoRA Studio (utilityProcess or a forked child process).');
}

serveEngine(createEngineService(), hostPort(), (code) => process.exit(code));
