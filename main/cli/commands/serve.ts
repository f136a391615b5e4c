/**
 * `lora-studio serve`: the app in a browser. Serves the built renderer and the PlatformApi over HTTP +
 * WebSocket (main/server), with the engine in this process. The first line on stdout is the URL with its
 * access token; everything else goes to stderr. Runs until Ctrl-C / SIGTERM.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ensureDemoFiles } from '../../engine/demo/index.js';
import { EngineError } from '../../engine/errors.js';
import { createEngineService } from '../../engine/service/index.js';
import { checkBindHost } from '../../server/browser-server.js';
import { appPaths } from '../../shell/platform/app-paths.js';
import { defaultConfigDir } from '../../shell/platform/config-dir.js';
import { isLoopbackHost } from '../../server/security/bind-address.js';
import { openInBrowser } from '../../server/open-browser.js';
import { startServe } from '../../server/serve.js';
import { UsageError } from '../errors.js';

interface ServeFlags {
  port: string;
  host: string;
  open?: boolean;
  allowRemote?: boolean;
  outputDir?: string;
  workers?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve the app to a browser: the same UI and API over HTTP + WebSocket, on this machine only unless told otherwise.')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--open', 'open the URL in the default browser')
    .option('--allow-remote', 'allow a non-loopback --host: anyone who can reach it and has the URL can read and write files as you')
    .option('--output-dir <dir>', "write every run's outputs into this folder (file names kept)")
    .option('--workers <n>', 'engine worker threads (default: number of cores)')
    .action(async (flags: ServeFlags) => runServe(flags));
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`--port ${raw}: a whole number from 0 to 65535 (0 picks a free port).`);
  return port;
}

function parseWorkers(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--workers ${raw}: a whole number from 1 to 256.`);
  return n;
}

async function runServe(flags: ServeFlags): Promise<void> {
  const port = parsePort(flags.port);
  const workers = parseWorkers(flags.workers);
  try {
    checkBindHost(flags.host, flags.allowRemote === true);
  } catch (e) {
    if (e instanceof EngineError) throw new UsageError(`${e.message}\n  ${e.hint ?? ''}`.trimEnd());
    throw e;
  }
  const paths = appPaths();
  const engine = createEngineService(workers !== undefined ? { workers } : {});
  const running = await startServe({
    engine,
    host: flags.host,
    port,
    allowRemote: flags.allowRemote === true,
    configDir: defaultConfigDir(),
    paths,
    ...(flags.outputDir !== undefined ? { outputDir: path.resolve(flags.outputDir) } : {}),
    ensureDemoFiles: async () => void (await ensureDemoFiles(paths.demoDir)),
  });
  process.stdout.write(`${running.server.url}\n`);
  if (!isLoopbackHost(flags.host)) {
    process.stderr.write(
      `lora-studio: WARNING: listening on ${flags.host}, not only on this machine. Anyone who can reach port ${running.server.port} and has the URL can run graphs and read and write files as you.\n`,
    );
  }
  if (!existsSync(path.join(paths.rendererDir, 'index.html'))) {
    process.stderr.write(`lora-studio: the user interface is not built (${paths.rendererDir} has no index.html): run \`npm run build\`. The API works without it.\n`);
  }
  process.stderr.write(`lora-studio: serving LoRA Studio at the URL above (open it in a browser; Ctrl-C stops).\n`);
  if (flags.open && !openInBrowser(running.server.url)) process.stderr.write('lora-studio: could not open a browser; open the URL yourself.\n');

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.stderr.write(`\nlora-studio: ${signal} received, stopping the server...\n`);
      process.once(signal, () => process.exit(130));
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.stop();
}
