/**
 * The app's compute backend setting (menu Graph ▸ Compute Backend), saved in the config folder. It reaches the
 * engine the way the CLI's --backend does: as LORA_STUDIO_BACKEND in the engine host's environment (its worker
 * threads inherit it). Without a saved choice the inherited env variable applies, else auto.
 */
import path from 'node:path';
import { z } from 'zod';
import { BACKEND_ORDER, type BackendPreference } from '../engine/compute/backend.js';
import { JsonStore } from '../shell/platform/json-store.js';

export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', ...BACKEND_ORDER];

export const backendSettingSchema = z.object({ backend: z.enum(['auto', ...BACKEND_ORDER]).optional() });
export type BackendSetting = z.infer<typeof backendSettingSchema>;

export function backendSettingStore(configDir: string): JsonStore<BackendSetting> {
  return new JsonStore(path.join(configDir, 'compute-backend.json'), backendSettingSchema, () => ({}));
}

/** The engine host's environment for a setting. */
export function engineEnvironment(setting: BackendSetting, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return setting.backend ? { ...env, LORA_STUDIO_BACKEND: setting.backend } : env;
}

/** What the menu shows as chosen: the saved setting, else the env variable when valid, else auto. */
export function effectiveBackend(setting: BackendSetting, env: NodeJS.ProcessEnv): BackendPreference {
  const fromEnv = env.LORA_STUDIO_BACKEND;
  if (setting.backend) return setting.backend;
  return fromEnv && (BACKEND_PREFERENCES as readonly string[]).includes(fromEnv) ? (fromEnv as BackendPreference) : 'auto';
}
