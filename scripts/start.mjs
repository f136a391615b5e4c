#!/usr/bin/env node
// `npm start`: builds what is out of date (main bundles, renderer), makes sure the example graphs' demo
// files exist, then starts the desktop app. Where Electron cannot start (its binary was never downloaded,
// no display, it exits at once) it says why in one line and starts browser mode (`lora-studio serve`)
// instead, whose first stdout line is the URL to open. The app opens with an example graph either way.
//   npm start                      desktop app, or browser mode as a fallback
//   npm start -- --browser         browser mode only
//   npm start -- --port 8080 ...   flags after -- other than --browser go to `lora-studio serve`
// Environment: LORA_STUDIO_BROWSER=1 (browser mode), LORA_STUDIO_NO_ELECTRON_DOWNLOAD=1 (never try to
// fetch Electron's binary).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_IMPLS } from './wasm-kernels.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser') || process.env.LORA_STUDIO_BROWSER === '1';
const serveArgs = args.filter((a) => a !== '--browser');
const say = (line) => process.stderr.write(`LoRA Studio: ${line}\n`);

/** Newest modification time of the files under `dirs` (ms), ignoring build output and dependencies. */
function newest(dirs) {
  let latest = 0;
  const walk = (p) => {
    let info;
    try {
      info = statSync(p);
    } catch {
      return;
    }
    if (info.isDirectory()) {
      if (/(^|[\\/])(node_modules|dist|\.tsbuild)$/.test(p)) return;
      for (const name of readdirSync(p)) walk(path.join(p, name));
    } else if (info.mtimeMs > latest) latest = info.mtimeMs;
  };
  for (const d of dirs) walk(path.join(root, d));
  return latest;
}

const builtAt = (file) => (existsSync(path.join(root, file)) ? statSync(path.join(root, file)).mtimeMs : 0);

function run(label, command, commandArgs) {
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    say(`${label} failed (exit code ${r.status ?? r.signal}); see the messages above.`);
    process.exit(1);
  }
}

function build() {
  const sources = newest(['main', 'shared', 'scripts/build.mjs', 'scripts/wasm-kernels.mjs', 'package.json']);
  const mainOutputs = ['dist/cli.js', 'dist/engine-worker.js', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/electron/engine-host.cjs'];
  // A kernel is compiled again only when its own sources change (build.mjs decides): here only a missing one counts.
  const kernelMissing = NODE_IMPLS.some((k) => !existsSync(path.join(root, 'dist', 'kernels', k.binary)));
  if (kernelMissing || mainOutputs.some((f) => builtAt(f) < sources)) {
    say('building the app and engine bundles...');
    run('building the main bundles', process.execPath, [path.join(root, 'scripts', 'build.mjs'), 'main', '--quiet']);
  }
  if (existsSync(path.join(root, 'renderer', 'index.html'))) {
    if (builtAt('dist/renderer/index.html') < newest(['renderer', 'shared'])) {
      say('building the user interface...');
      run('building the user interface', process.execPath, [path.join(root, 'scripts', 'build.mjs'), 'renderer', '--quiet']);
    }
  } else {
    say('the user interface (renderer/) is not part of this checkout yet; only the API will be served.');
  }
}

function ensureDemo() {
  if (!existsSync(path.join(root, 'scripts', 'make-demo.mjs'))) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'make-demo.mjs')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stderr ?? '');
    say('the demo files for the example graphs could not be generated; the examples will report missing files.');
  }
}

/** Where a desktop window can appear at all. */
function displayProblem() {
  if (process.platform !== 'linux') return null;
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return null;
  return 'there is no display (neither $DISPLAY nor $WAYLAND_DISPLAY is set)';
}

function electronBinary() {
  try {
    const binary = require('electron');
    if (typeof binary === 'string' && existsSync(binary)) return { binary };
    return { problem: `Electron's binary is missing (${binary})` };
  } catch {
    return { problem: "Electron's binary was never downloaded (node_modules/electron has no dist/ folder)" };
  }
}

const downloadMarker = path.join(root, 'node_modules', '.cache', 'lora-studio', 'electron-download-failed');

/** One try of Electron's own install script, at most once an hour, with a time limit. */
function tryDownloadElectron() {
  if (process.env.LORA_STUDIO_NO_ELECTRON_DOWNLOAD === '1') return false;
  const installer = path.join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return false;
  if (existsSync(downloadMarker) && Date.now() - statSync(downloadMarker).mtimeMs < 3600_000) return false;
  say("downloading Electron's binary (once, about 100 MB; npm ci leaves it out, see .npmrc)...");
  const r = spawnSync(process.execPath, [installer], { cwd: path.dirname(installer), stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000, encoding: 'utf8' });
  if (r.status === 0) return true;
  const why = r.error ? r.error.message : (r.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? `exit code ${r.status}`;
  say(`the download failed (${why.trim()}); it is tried again in an hour.`);
  mkdirSync(path.dirname(downloadMarker), { recursive: true });
  writeFileSync(downloadMarker, new Date().toISOString());
  return false;
}

function serve(reason) {
  if (reason) say(`Electron cannot start: ${reason}. Starting browser mode instead; open the URL below.`);
  const open = displayProblem() === null && !serveArgs.includes('--open') ? ['--open'] : [];
  const child = spawn(process.execPath, [path.join(root, 'bin', 'lora-studio.js'), 'serve', ...open, ...serveArgs], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
}

function startElectron(binary) {
  const t0 = Date.now();
  const child = spawn(binary, [root], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (e) => serve(`Electron could not be run (${e.message})`));
  child.on('exit', (code, signal) => {
    // A window the user closed exits 0; an Electron that dies at once (missing libraries, no GPU, sandbox) does not.
    if (code !== 0 && Date.now() - t0 < 15_000) serve(`Electron exited at start (${signal ?? `exit code ${code}`})`);
    else process.exit(code ?? 0);
  });
}

build();
ensureDemo();
if (forceBrowser) {
  serve(null);
} else {
  const noDisplay = displayProblem();
  let electron = electronBinary();
  if (noDisplay === null && electron.problem && tryDownloadElectron()) electron = electronBinary();
  if (noDisplay) serve(noDisplay);
  else if (electron.problem) serve(electron.problem);
  else startElectron(electron.binary);
}
