/**
 * Starts `lora-studio serve --port 0` (the bundled CLI, dist/cli.js) with its own temporary config and
 * output folders, reads the URL from its first stdout line, and stops it (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cliPath, repoRoot } from '../../helpers/cli.js';

export interface ServeProcess {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** The temporary folders this server uses (removed by stop()). */
  readonly configDir: string;
  readonly outputDir: string;
  readonly process: ChildProcess;
  stderr(): string;
  /** SIGTERM, waits for the exit (SIGKILL after `graceMs`), removes the temporary folders; resolves to the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface ServeProcessOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Outputs go here (default: a new temporary folder); pass null to let graphs write where they say. */
  outputDir?: string | null;
  startTimeoutMs?: number;
}

export async function startServeProcess(options: ServeProcessOptions = {}): Promise<ServeProcess> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'lora-studio-serve-'));
  const configDir = path.join(tmp, 'config');
  const outputDir = options.outputDir === undefined ? path.join(tmp, 'outputs') : (options.outputDir ?? '');
  const args = [cliPath, 'serve', '--port', '0', ...(outputDir ? ['--output-dir', outputDir] : []), ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, LORA_STUDIO_CONFIG_DIR: configDir, LORA_STUDIO_WORKERS: process.env.LORA_STUDIO_WORKERS ?? '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in time. stderr:\n${stderr}`)), options.startTimeoutMs ?? 30_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const nl = stdout.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(stdout.slice(0, nl).trim());
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before printing its URL. stderr:\n${stderr}`));
    });
  });
  const parsed = new URL(url);
  let stopping: Promise<number | null> | undefined;
  return {
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    token: parsed.searchParams.get('token') ?? '',
    configDir,
    outputDir,
    process: child,
    stderr: () => stderr,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        await rm(tmp, { recursive: true, force: true });
        return code;
      })();
      return stopping;
    },
  };
}

/** A PlatformApi call over HTTP as the browser client makes it; resolves to the parsed ApiEnvelope. */
export async function callApi(server: Pick<ServeProcess, 'origin' | 'token'>, method: string, args: unknown[] = []): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
    body: JSON.stringify({ args }),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}
