/**
 * The per-user folder for recent files, autosaves and window state. LORA_STUDIO_CONFIG_DIR overrides it
 * (tests, portable installs); Electron passes app.getPath('userData') instead of the default.
 */
import os from 'node:os';
import path from 'node:path';

export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  if (env.LORA_STUDIO_CONFIG_DIR) return path.resolve(env.LORA_STUDIO_CONFIG_DIR);
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'LoRA Studio');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'LoRA Studio');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'lora-studio');
}
