/**
 * Browser mode assembled: shell files under the config folder, the browser handlers behind
 * createApiDispatcher, the HTTP + WebSocket server, and engine events fanned out to every socket.
 * Used by `lora-studio serve`, by `npm start` when Electron cannot start, and by the tests.
 */
import { createApiDispatcher } from '../../shared/ipc/dispatch.js';
import { removeStaleTempFiles } from '../engine/tensor-io/temp-files.js';
import { createBrowserHandlers } from './browser-handlers.js';
import { startBrowserServer, type BrowserServer } from './browser-server.js';
import type { EngineApi } from '../shell/engine-api.js';
import { appPaths, type AppPaths } from '../shell/platform/app-paths.js';
import { defaultConfigDir } from '../shell/platform/config-dir.js';
import { createShellFiles } from '../shell/platform/shell-files.js';

export interface ServeOptions {
  engine: EngineApi;
  host?: string;
  port?: number;
  allowRemote?: boolean;
  /** Default: defaultConfigDir() (LORA_STUDIO_CONFIG_DIR, else the user's config folder). */
  configDir?: string;
  /** Every run's outputs go here (file names kept). */
  outputDir?: string;
  paths?: AppPaths;
  ensureDemoFiles?: () => Promise<void>;
  token?: string;
}

export interface RunningServe {
  readonly server: BrowserServer;
  /** Closes the sockets and the server, then disposes of the engine. */
  stop(): Promise<void>;
}

export async function startServe(options: ServeOptions): Promise<RunningServe> {
  const paths = options.paths ?? appPaths();
  const configDir = options.configDir ?? defaultConfigDir();
  // Leftovers of an earlier run killed while writing (SIGKILL, power loss): its own files only.
  await Promise.all([configDir, ...(options.outputDir !== undefined ? [options.outputDir] : [])].map((d) => removeStaleTempFiles(d)));
  const files = createShellFiles({
    configDir,
    paths,
    ...(options.ensureDemoFiles ? { ensureDemoFiles: options.ensureDemoFiles } : {}),
  });
  const handlers = createBrowserHandlers(options.engine, files, options.outputDir !== undefined ? { outputDir: options.outputDir } : {});
  const server = await startBrowserServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    allowRemote: options.allowRemote === true,
    rendererDir: paths.rendererDir,
    dispatch: createApiDispatcher(handlers),
    ...(options.token !== undefined ? { token: options.token } : {}),
  });
  const unsubscribe = options.engine.onEvent((event) => server.sockets.broadcastEngineEvent(event));
  let stopping: Promise<void> | undefined;
  return {
    server,
    stop() {
      stopping ??= (async () => {
        unsubscribe();
        await server.close();
        await options.engine.dispose();
      })();
      return stopping;
    },
  };
}
