/**
 * The app setting for the ComfyUI import: ComfyUI's models folder and extra_model_paths.yaml, kept in
 * <config>/import-settings.json. Both are checked before they are stored (a folder that is not there, or a
 * YAML file ComfyUI could not read either, is refused with the reason).
 */
import path from 'node:path';
import { importSettingsSchema, type ImportSettings } from '../../../shared/ipc/files.js';
import type { WorkflowImportOptions } from '../../engine/comfyui/import-workflow.js';
import { extraModelPathsFolders, modelsDirFolders } from '../../engine/comfyui/model-folders.js';
import { JsonStore } from './json-store.js';

export const NO_IMPORT_SETTINGS: ImportSettings = { modelsDir: null, extraModelPaths: null };

const cleaned = (p: string | null): string | null => (p === null || p.trim() === '' ? null : path.resolve(p.trim()));

export class ImportSettingsStore {
  private readonly store: JsonStore<ImportSettings>;

  constructor(configDir: string) {
    this.store = new JsonStore(path.join(configDir, 'import-settings.json'), importSettingsSchema, () => NO_IMPORT_SETTINGS);
  }

  read(): Promise<ImportSettings> {
    return this.store.read();
  }

  async write(settings: ImportSettings): Promise<ImportSettings> {
    const next: ImportSettings = { modelsDir: cleaned(settings.modelsDir), extraModelPaths: cleaned(settings.extraModelPaths) };
    if (next.modelsDir !== null) await modelsDirFolders(next.modelsDir);
    if (next.extraModelPaths !== null) await extraModelPathsFolders(next.extraModelPaths);
    return this.store.update(() => next);
  }

  /** What the import uses: the folders, and merged models go to ComfyUI's checkpoints folder once one is known. */
  async importOptions(): Promise<WorkflowImportOptions> {
    const s = await this.read();
    return { ...s, outputsToCheckpoints: s.modelsDir !== null || s.extraModelPaths !== null };
  }
}
