/** Starting the engine host: as an Electron utilityProcess in the app, as a Node child process in tests and tools. */
import { fork } from 'node:child_process';
import type { UtilityProcess } from 'electron';
import type { EngineProcessHandle } from './engine-client.js';

export function nodeEngineProcess(hostScript: string, env: NodeJS.ProcessEnv = process.env): EngineProcessHandle {
  const child = fork(hostScript, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env });
  return {
    post: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (handler) => child.on('message', handler),
    onExit: (handler) => child.on('exit', (code) => handler(code)),
    kill: () => child.kill('SIGKILL'),
  };
}

export interface UtilityProcessFactory {
  fork(modulePath: string, args?: string[], options?: { serviceName?: string; env?: NodeJS.ProcessEnv; stdio?: 'inherit' | 'pipe' | 'ignore' }): UtilityProcess;
}

export function utilityEngineProcess(factory: UtilityProcessFactory, hostScript: string, env: NodeJS.ProcessEnv): EngineProcessHandle {
  const child = factory.fork(hostScript, [], { serviceName: 'LoRA Studio engine', env, stdio: 'inherit' });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  return {
    post: (message) => {
      if (!exited) child.postMessage(message);
    },
    onMessage: (handler) => child.on('message', handler),
    onExit: (handler) => child.on('exit', (code) => handler(code)),
    kill: () => {
      if (!exited) child.kill();
    },
  };
}
