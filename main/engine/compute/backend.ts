/**
 * Compute backend selection (DESIGN.md §6): WebGPU (Dawn), native TensorFlow with CUDA, native TensorFlow,
 * WebAssembly (SIMD), then plain JS, the first that loads. Each step may fail (no GPU adapter, optional
 * packages absent); a failure is recorded as a reason, never thrown. `auto` takes a WebGPU adapter only when
 * it is a hardware GPU; `webgpu` takes whatever adapter Dawn finds (the tests use the software llvmpipe).
 */
import os from 'node:os';
import { EngineError } from '../errors.js';
import { loadTfjs, type Tfjs } from './tfjs-core.js';
import { missingWasmBinaries, resolveWasmDir } from './wasm-paths.js';
import type { GpuAdapterSummary } from './webgpu/adapter-summary.js';
import { openGpu, probeGpuAdapter, setActiveGpu, WEBGPU_PACKAGE } from './webgpu/gpu-device.js';
import { hardwareGpuPresence } from './webgpu/gpu-presence.js';

export type BackendName = 'webgpu' | 'node-gpu' | 'node' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'node-gpu', 'node', 'wasm', 'cpu'];

export interface SkippedBackend {
  name: BackendName;
  reason: string;
}

export interface BackendInfo {
  /** Which of ours is active. */
  name: BackendName;
  /** The tfjs backend name behind it ('tensorflow', 'wasm', 'cpu'); under webgpu, the one for tfjs's own ops. */
  tfBackend: string;
  /** The WebGPU adapter, when the backend is webgpu. */
  adapter?: GpuAdapterSummary;
  /** One line for people: what runs and from where. */
  detail: string;
  simd: boolean;
  threads: number;
  /** Backends tried before this one, each with why it was not used. */
  skipped: SkippedBackend[];
}

export interface BackendOptions {
  /** Start the chain here ('auto' = from the top). Default: env LORA_STUDIO_BACKEND, else 'auto'. */
  prefer?: BackendPreference;
  /** Folder holding the tfjs wasm binaries (default: env LORA_STUDIO_WASM_DIR, else node_modules). */
  wasmDir?: string;
  /** Module specifiers of the native packages; tests and vendored installs point these elsewhere. */
  nativeModules?: Partial<Record<'node-gpu' | 'node' | 'webgpu', string>>;
}

const NATIVE_PACKAGES: Record<'node-gpu' | 'node', string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
};

let active: Promise<BackendInfo> | undefined;
let activeInfo: BackendInfo | undefined;

/**
 * Selects and initialises the backend once per thread; later calls return the same result whatever they
 * ask for (a worker or the CLI calls it freely before computing).
 */
export function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  active ??= selectBackend(opts);
  return active;
}

/** The backend in effect: the last one selectBackend (or initBackend) chose, or undefined before any. */
export function currentBackend(): BackendInfo | undefined {
  return activeInfo;
}

/**
 * Walks the chain from the preferred backend and activates the first that works. Unlike initBackend it
 * is not memoised: each call switches tfjs to what it finds (tests use it to try configurations).
 */
export async function selectBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  const prefer = parsePreference(opts.prefer ?? process.env.LORA_STUDIO_BACKEND ?? 'auto');
  const tf = await loadTfjs();
  // tfjs's console nags (the "install tfjs-node" banner, platform overrides) would land in CLI output.
  tf.enableProdMode();
  setActiveGpu(undefined);
  const skipped: SkippedBackend[] = [];
  const start = prefer === 'auto' ? 0 : BACKEND_ORDER.indexOf(prefer);
  for (const name of BACKEND_ORDER.slice(0, start)) skipped.push({ name, reason: `not tried: ${prefer} was preferred` });
  for (const name of BACKEND_ORDER.slice(start)) {
    const attempt = await tryBackend(tf, name, opts, prefer);
    if ('reason' in attempt) skipped.push({ name, reason: attempt.reason });
    else return (activeInfo = { ...attempt, skipped });
  }
  throw new EngineError('no-backend', 'No compute backend could be initialised.', {
    hint: `Tried: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}. Reinstall the dependencies with npm ci.`,
  });
}

function parsePreference(value: string): BackendPreference {
  if (value === 'auto' || (BACKEND_ORDER as readonly string[]).includes(value)) return value as BackendPreference;
  throw new EngineError('bad-backend', `Unknown compute backend "${value}".`, {
    hint: `Use one of: auto, ${BACKEND_ORDER.join(', ')} (option --backend or env LORA_STUDIO_BACKEND).`,
  });
}

type Attempt = Omit<BackendInfo, 'skipped'> | { reason: string };

async function tryBackend(tf: Tfjs, name: BackendName, opts: BackendOptions, prefer: BackendPreference): Promise<Attempt> {
  try {
    if (name === 'webgpu') return await tryWebGpu(tf, opts, prefer === 'auto');
    if (name === 'node-gpu' || name === 'node') return await tryNative(tf, name, opts.nativeModules?.[name] ?? NATIVE_PACKAGES[name]);
    if (name === 'wasm') return await tryWasm(tf, opts.wasmDir);
    return await tryCpu(tf);
  } catch (err) {
    return { reason: `failed: ${errorText(err)}` };
  }
}

async function tryNative(tf: Tfjs, name: 'node-gpu' | 'node', specifier: string): Promise<Attempt> {
  try {
    // A computed specifier: bundlers and tsc must not try to resolve an optional package at build time.
    await import(/* @vite-ignore */ specifier);
  } catch (err) {
    if (isModuleNotFound(err, specifier)) return { reason: `not installed (optional: npm install ${NATIVE_PACKAGES[name]})` };
    return { reason: `installed but failed to load: ${errorText(err)}` };
  }
  if (!tf.findBackendFactory('tensorflow')) {
    return { reason: `${specifier} loaded but registered no 'tensorflow' backend with this @tensorflow/tfjs-core (version mismatch?)` };
  }
  if (!(await tf.setBackend('tensorflow'))) return { reason: 'the native TensorFlow binding failed to initialise' };
  const threads = os.availableParallelism();
  const where = name === 'node-gpu' ? 'with CUDA' : 'on the CPU';
  return { name, tfBackend: 'tensorflow', detail: `native TensorFlow ${where} (${specifier})`, simd: true, threads };
}

/**
 * Our heavy kernels (fused bake, matmul) run on the GPU device; tfjs's own small ops keep the WebAssembly (or
 * plain JS) backend. Under `auto` a software adapter is refused: llvmpipe is slower than the WebAssembly kernels.
 */
async function tryWebGpu(tf: Tfjs, opts: BackendOptions, auto: boolean): Promise<Attempt> {
  if (auto) {
    const presence = hardwareGpuPresence();
    if (!presence.likely) return { reason: presence.reason! };
  }
  const specifier = opts.nativeModules?.webgpu ?? WEBGPU_PACKAGE;
  const probe = await probeGpuAdapter(specifier);
  if (!probe.ok) return { reason: probe.reason };
  if (auto && probe.adapter.software) return { reason: `only a software adapter (${probe.adapter.label}); auto never takes one, --backend webgpu does` };
  const opened = await openGpu(specifier);
  if (!opened.ok) return { reason: opened.reason };
  const adapter = opened.gpu.adapter;
  const host = await tryWasm(tf, opts.wasmDir);
  const tfjs = 'reason' in host ? await tryCpu(tf) : host;
  if ('reason' in tfjs) return { reason: `the tfjs backend beside it failed: ${tfjs.reason}` };
  setActiveGpu(opened.gpu);
  return { name: 'webgpu', tfBackend: tfjs.tfBackend, adapter, detail: `WebGPU on ${adapter.label}; tfjs ops on ${tfjs.tfBackend}`, simd: tfjs.simd, threads: tfjs.threads };
}

async function tryWasm(tf: Tfjs, explicitDir: string | undefined): Promise<Attempt> {
  const { dir, source } = resolveWasmDir(explicitDir);
  const missing = missingWasmBinaries(dir);
  if (missing.length > 0) return { reason: `${missing.join(', ')} not found in ${dir} (from ${source})` };
  const before = processListeners();
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
  const ok = await tf.setBackend('wasm');
  removeListenersAddedSince(before);
  if (!ok) return { reason: `the WebAssembly module in ${dir} failed to initialise` };
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = wasm.getThreadsCount();
  const detail = `WebAssembly (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}) from ${dir}`;
  return { name: 'wasm', tfBackend: 'wasm', detail, simd, threads };
}

async function tryCpu(tf: Tfjs): Promise<Attempt> {
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) return { reason: 'the plain JavaScript backend failed to initialise' };
  return { name: 'cpu', tfBackend: 'cpu', detail: 'plain JavaScript (slow: no WebAssembly)', simd: false, threads: 1 };
}

interface ProcessListeners {
  exception: NodeJS.UncaughtExceptionListener[];
  rejection: NodeJS.UnhandledRejectionListener[];
}

function processListeners(): ProcessListeners {
  return { exception: process.listeners('uncaughtException'), rejection: process.listeners('unhandledRejection') };
}

/**
 * Emscripten's Node glue installs uncaughtException/unhandledRejection handlers that rethrow; Node then prints
 * the throwing source line, which is the whole minified wasm loader (kilobytes of text) under any crash.
 * tfjs does not need them, so they go.
 */
function removeListenersAddedSince(before: ProcessListeners): void {
  for (const l of process.listeners('uncaughtException')) if (!before.exception.includes(l)) process.removeListener('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection')) if (!before.rejection.includes(l)) process.removeListener('unhandledRejection', l);
}

function isModuleNotFound(err: unknown, specifier: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  const text = errorText(err);
  // Node says ERR_MODULE_NOT_FOUND; vite's module runner (vitest) says "Could not resolve" without a code.
  const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /cannot find (package|module)|could not resolve/i.test(text);
  // A missing *dependency* of an installed package is a broken install, not an absent one.
  return notFound && (text.includes(`'${specifier}'`) || text.includes(`"${specifier}"`));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}
