/**
 * electron-builder with electron-builder.yml, offline: Electron's real binary cannot be downloaded here, so
 * a stub Electron directory stands in (-c.electronDist). The stub carries Electron's fuse wire (sentinel,
 * version 1, eight fuses at Electron's defaults), so the configured fuses are really flipped and checked.
 * Target `dir` (the unpacked app that AppImage/deb/NSIS/dmg wrap), no signing.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoFiles } from '../../main/engine/demo/index.js';
import { repoRoot } from '../helpers/cli.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage(archive: string): string[]; extractFile(archive: string, file: string): Buffer };

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's defaults: RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar, BrowserV8Snapshot, FileProtocolPrivileges.
const DEFAULT_FUSES = '10110001';

let dir: string;
let appDir: string;
let archive: string;
let files: Set<string>;

async function stubElectron(at: string): Promise<void> {
  await mkdir(at, { recursive: true });
  const binary = Buffer.concat([Buffer.from('#!/bin/sh\necho "stub Electron for packaging tests"\nexit 1\n'), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from(DEFAULT_FUSES)]);
  await writeFile(path.join(at, 'electron'), binary);
  await chmod(path.join(at, 'electron'), 0o755);
  await writeFile(path.join(at, 'LICENSE'), 'Electron license (stub)');
  await writeFile(path.join(at, 'LICENSES.chromium.html'), '<html></html>');
  await writeFile(path.join(at, 'version'), '39.8.10');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-packaging-'));
  if (existsSync(path.join(repoRoot, 'renderer', 'index.html')) && !existsSync(path.join(repoRoot, 'dist', 'renderer', 'index.html'))) {
    await run(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs'), 'renderer', '--quiet'], { cwd: repoRoot });
  }
  await ensureDemoFiles(path.join(repoRoot, 'assets', 'demo'));
  await stubElectron(path.join(dir, 'electron-dist'));
  const cli = path.join(repoRoot, 'node_modules', 'electron-builder', 'cli.js');
  const args = [cli, '--linux', 'dir', '--x64', `-c.electronDist=${path.join(dir, 'electron-dist')}`, `-c.directories.output=${path.join(dir, 'release')}`, '--publish', 'never'];
  await run(process.execPath, args, { cwd: repoRoot, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' }, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
  appDir = path.join(dir, 'release', 'linux-unpacked');
  archive = path.join(appDir, 'resources', 'app.asar');
  files = new Set(asar.listPackage(archive).map((p) => p.replace(/\\/g, '/').replace(/^\//, '')));
}, 240_000);

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('packaged app (linux dir target, stub Electron)', () => {
  it('has the executable and an app.asar', () => {
    expect(existsSync(path.join(appDir, 'lora-studio'))).toBe(true);
    expect(existsSync(archive)).toBe(true);
  });

  it('app.asar holds the built main, preload, engine host, engine worker and renderer, without sources or maps', () => {
    for (const f of ['package.json', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/electron/engine-host.cjs', 'dist/engine-worker.js', 'assets/icons/icon.png']) expect(files.has(f), f).toBe(true);
    if (existsSync(path.join(repoRoot, 'renderer', 'index.html'))) {
      expect(files.has('dist/renderer/index.html')).toBe(true);
      expect([...files].some((f) => /^dist\/renderer\/assets\/.+\.js$/.test(f))).toBe(true);
    }
    expect([...files].filter((f) => /^(main|shared|renderer|test|scripts)\//.test(f))).toEqual([]);
    expect([...files].filter((f) => f.endsWith('.map') && f.startsWith('dist/'))).toEqual([]);
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string };
    expect(files.has(pkg.main)).toBe(true);
  });

  it('packs every package the bundles require, and not the renderer-only ones', () => {
    const required = new Set<string>();
    for (const bundle of ['dist/electron/main.cjs', 'dist/electron/engine-host.cjs', 'dist/engine-worker.js']) {
      const text = readFileSync(path.join(repoRoot, bundle), 'utf8');
      for (const m of text.matchAll(/(?:require\(|from |import\()["']((?:@[^/"']+\/)?[^./"'][^/"']*)/g)) if (!m[1]!.startsWith('node:') && m[1] !== 'electron') required.add(m[1]!);
    }
    expect(required.size).toBeGreaterThan(0);
    for (const name of required) expect(files.has(`node_modules/${name}/package.json`), name).toBe(true);
    for (const name of ['react', 'react-dom', '@xyflow/react', 'electron', 'vite', 'vitest', 'typescript']) expect(files.has(`node_modules/${name}/package.json`), name).toBe(false);
  });

  it('unpacks the tfjs WebAssembly binaries, the engine\'s own kernels, the examples and the demo files', () => {
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked');
    const wasmDir = path.join(unpacked, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
    const expected = readdirSync(path.join(repoRoot, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist')).filter((f) => f.endsWith('.wasm'));
    expect(expected.length).toBeGreaterThan(0);
    for (const f of expected) expect(existsSync(path.join(wasmDir, f)), f).toBe(true);
    const nodeImpls = readdirSync(path.join(repoRoot, 'dist', 'kernels')).filter((f) => f.endsWith('.wasm'));
    expect(nodeImpls.length).toBeGreaterThan(0);
    for (const f of nodeImpls) expect(existsSync(path.join(unpacked, 'dist', 'kernels', f)), f).toBe(true);
    const examples = readdirSync(path.join(repoRoot, 'assets', 'examples')).filter((f) => f.endsWith('.json'));
    for (const f of examples) expect(existsSync(path.join(unpacked, 'assets', 'examples', f)), f).toBe(true);
    expect(existsSync(path.join(unpacked, 'assets', 'demo', 'sd15-tiny.safetensors'))).toBe(true);
    expect(existsSync(path.join(unpacked, 'assets', 'demo', 'output'))).toBe(false);
  });

  it("unpacks Dawn's linux binary (WebGPU backend), leaves the other platforms' out, and the unpacked binary loads", async () => {
    const dist = path.join(appDir, 'resources', 'app.asar.unpacked', 'node_modules', 'webgpu', 'dist');
    expect(readdirSync(dist)).toEqual(['linux-arm64', 'linux-x64']);
    expect([...files].filter((f) => /^node_modules\/webgpu\/dist\/(darwin|win32)-/.test(f))).toEqual([]);
    const binary = path.join(dist, 'linux-x64', 'dawn.node');
    expect(readFileSync(binary).equals(readFileSync(path.join(repoRoot, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node')))).toBe(true);
    // In its own process (two copies of Dawn in one process are not a thing to test): it loads and makes a GPU object.
    const { stdout } = await run(process.execPath, ['-e', `const d = require(${JSON.stringify(binary)}); const g = d.create([]); process.stdout.write(typeof g.requestAdapter);`]);
    expect(stdout).toBe('function');
  });

  it('flips the fuses: no RunAsNode, cookie encryption, no NODE_OPTIONS or --inspect, asar integrity, app only from asar', () => {
    const binary = readFileSync(path.join(appDir, 'lora-studio'));
    const at = binary.indexOf(SENTINEL) + SENTINEL.length;
    expect(binary[at]).toBe(1);
    expect(binary[at + 1]).toBe(8);
    const wire = binary.subarray(at + 2, at + 10).toString('ascii');
    expect(wire).toBe('01001100');
  });
});
