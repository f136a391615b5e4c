/** The app, its shell and the machine the engine runs on (shown in the run panel, printed by the CLI). */
import { z } from 'zod';

export const COMPUTE_BACKENDS = ['webgpu', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type ComputeBackend = (typeof COMPUTE_BACKENDS)[number];

export const backendInfoSchema = z.object({
  active: z.enum(COMPUTE_BACKENDS),
  /** "WebAssembly SIMD, 1 thread per worker". */
  detail: z.string(),
  /** The WebGPU adapter when the active backend is webgpu: who made it, what it is, software or a real GPU. */
  adapter: z.object({ vendor: z.string(), device: z.string(), software: z.boolean() }).optional(),
  /** Every backend in preference order, with why it is not the active one. */
  candidates: z.array(z.object({ backend: z.enum(COMPUTE_BACKENDS), status: z.enum(['active', 'skipped', 'available']), reason: z.string().optional() })),
  workers: z.number().int().nonnegative(),
  cpu: z.object({ model: z.string(), cores: z.number().int().positive() }),
  memory: z.object({ totalBytes: z.number().nonnegative(), freeBytes: z.number().nonnegative() }),
  /** "linux-x64". */
  platform: z.string(),
  nodeVersion: z.string(),
});
export type BackendInfo = z.infer<typeof backendInfoSchema>;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** Which PlatformApi implementation serves the renderer. */
  shell: z.enum(['electron', 'browser']),
  capabilities: z.object({
    /** Native open/save dialogs: pickFile/openGraph/saveGraphAs without a path. Otherwise use listDirectory. */
    nativeDialogs: z.boolean(),
    revealInFolder: z.boolean(),
    /** The window title and close prompt follow setDocumentState. */
    windowState: z.boolean(),
  }),
});
export type AppInfo = z.infer<typeof appInfoSchema>;
