/** The app's compute backend setting: saved in the config folder, handed to the engine host as LORA_STUDIO_BACKEND, shown in the menu. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { BACKEND_PREFERENCES, backendSettingStore, effectiveBackend, engineEnvironment } from '../../../main/electron/backend-setting.js';
import { buildMenuTemplate } from '../../../main/electron/menu.js';

describe('compute backend setting', () => {
  it('round-trips through the config folder; a damaged or unknown value reads as no setting', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ls-backend-setting-'));
    const store = backendSettingStore(dir);
    expect(await store.read()).toEqual({});
    await store.update(() => ({ backend: 'webgpu' }));
    expect(await backendSettingStore(dir).read()).toEqual({ backend: 'webgpu' });
    writeFileSync(path.join(dir, 'compute-backend.json'), '{"backend":"cuda"}');
    expect(await store.read()).toEqual({});
  });

  it('reaches the engine host as LORA_STUDIO_BACKEND; without a setting the inherited env applies', () => {
    expect(engineEnvironment({ backend: 'wasm' }, { LORA_STUDIO_BACKEND: 'webgpu', PATH: '/bin' })).toEqual({ LORA_STUDIO_BACKEND: 'wasm', PATH: '/bin' });
    expect(engineEnvironment({}, { LORA_STUDIO_BACKEND: 'webgpu' })).toEqual({ LORA_STUDIO_BACKEND: 'webgpu' });
    expect(effectiveBackend({}, { LORA_STUDIO_BACKEND: 'cpu' })).toBe('cpu');
    expect(effectiveBackend({}, { LORA_STUDIO_BACKEND: 'nonsense' })).toBe('auto');
    expect(effectiveBackend({ backend: 'webgpu' }, { LORA_STUDIO_BACKEND: 'cpu' })).toBe('webgpu');
  });

  it('Graph ▸ Compute Backend lists every choice, checks the one in effect, and chooses', () => {
    const chosen: string[] = [];
    const template = buildMenuTemplate({ appName: 'LoRA Studio', platform: 'linux', dev: false, recent: [], send: () => undefined, clearRecent: () => undefined, backend: { choices: BACKEND_PREFERENCES, current: 'wasm', choose: (n) => chosen.push(n) } });
    const graph = template.find((m) => m.label === '&Graph')!.submenu as MenuItemConstructorOptions[];
    const items = (graph.find((m) => m.label === 'Compute Backend')!.submenu as MenuItemConstructorOptions[]);
    expect(items.map((i) => [i.label, i.type, i.checked])).toEqual(BACKEND_PREFERENCES.map((n) => [n, 'radio', n === 'wasm']));
    (items.find((i) => i.label === 'webgpu')!.click as () => void)();
    expect(chosen).toEqual(['webgpu']);
  });
});
