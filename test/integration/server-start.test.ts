/**
 * `npm start` (scripts/start.mjs) where Electron cannot start (no display here, and no Electron binary):
 * it says why in one line, starts browser mode, and the URL it prints serves the app and the API with the
 * example graphs ready (demo files generated).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { callApi } from '../e2e/helpers/serve-process.js';

let dir: string;
let child: ChildProcess;
let stderr = '';
let url: URL;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-start-'));
  const env: NodeJS.ProcessEnv = { ...process.env, LORA_STUDIO_CONFIG_DIR: path.join(dir, 'config'), LORA_STUDIO_NO_ELECTRON_DOWNLOAD: '1', LORA_STUDIO_WORKERS: '1' };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  delete env.LORA_STUDIO_BROWSER;
  child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.mjs'), '--output-dir', path.join(dir, 'out')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}) before printing a URL:\n${stderr}`)));
  });
  url = new URL(first);
}, 240_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await rm(dir, { recursive: true, force: true });
});

describe('npm start without a usable Electron', () => {
  it('says in one line why Electron cannot start, then prints the browser-mode URL', () => {
    const lines = stderr.split('\n').filter((l) => l.includes('Electron cannot start'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no display|never downloaded|missing/);
    expect(url.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('serves the page and the API, with the examples ready to run', async () => {
    const page = await fetch(url);
    expect(page.status).toBe(existsSync(path.join(repoRoot, 'renderer', 'index.html')) ? 200 : 503);
    const server = { origin: url.origin, token: url.searchParams.get('token')! };
    const examples = (await callApi(server, 'listExamples')).body as { ok: true; value: { id: string }[] };
    expect(examples.value.length).toBeGreaterThan(0);
    expect(existsSync(path.join(repoRoot, 'assets', 'demo', 'demo-manifest.json'))).toBe(true);
  });

  it('stops with its server on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
