/**
 * The shells' side of the ComfyUI import (main/shell/platform + main/engine/comfyui), on real folders: the
 * models-folder setting is checked and kept, Open of a workflow imports it (untitled, outputs beside the
 * workflow or in ComfyUI's checkpoints folder), a dropped workflow's text imports the same way, and
 * extra_model_paths.yaml sections resolve names (first folder that has the file wins, names that leave the
 * folder are not looked up).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createModelResolver, extraModelPathsFolders, modelsDirFolders } from '../../../main/engine/comfyui/model-folders.js';
import { createShellFiles, type ShellFiles } from '../../../main/shell/platform/shell-files.js';
import { NODE_TYPES } from '../../../shared/nodes/catalogue/index.js';
import { repoRoot } from '../../helpers/cli.js';

let dir: string;
let files: ShellFiles;
let models: string;
const workflowText = () => readFile(path.join(repoRoot, 'test', 'fixtures', 'comfyui', 'txt2img-two-loras.json'), 'utf8');

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-comfy-'));
  await mkdir(path.join(dir, 'examples'));
  models = path.join(dir, 'ComfyUI', 'models');
  await mkdir(path.join(models, 'checkpoints'), { recursive: true });
  await mkdir(path.join(models, 'loras', 'style'), { recursive: true });
  await writeFile(path.join(models, 'checkpoints', 'sd15-tiny.safetensors'), 'x');
  await writeFile(path.join(models, 'loras', 'style', 'style-lora.safetensors'), 'x');
  files = createShellFiles({ configDir: path.join(dir, 'config'), paths: { root: dir, rendererDir: path.join(dir, 'r'), examplesDir: path.join(dir, 'examples'), demoDir: path.join(dir, 'demo') } });
});

afterEach(() => rm(dir, { recursive: true, force: true }));

const savePath = (doc: { nodes: { type: string; params: Record<string, unknown> }[] }) => doc.nodes.find((n) => n.type === NODE_TYPES.saveModel)?.params.path;

describe('ComfyUI import in the shells', () => {
  it('Open of a workflow imports it as an untitled graph; without a models folder, names stay unresolved and the output sits beside the workflow', async () => {
    const wf = path.join(dir, 'flows', 'txt2img.json');
    await mkdir(path.dirname(wf));
    await writeFile(wf, await workflowText());
    const opened = await files.openGraphAt(wf);
    expect(opened.imported?.outputs).toHaveLength(1);
    expect(opened.imported?.unresolved.map((u) => u.name)).toEqual(['sd15-tiny.safetensors', 'style/style-lora.safetensors', 'character-lora.safetensors']);
    expect(savePath(opened.document)).toBe('txt2img-merged.safetensors');
    expect(files.documentPath()).toBeNull();
    expect(files.baseDir()).toBe(path.dirname(wf));
    expect(await files.getRecentFiles()).toEqual([]);
  });

  it('the models-folder setting is checked, kept, and used: names resolve, merged models go to its checkpoints folder', async () => {
    await expect(files.setImportSettings({ modelsDir: path.join(dir, 'nope'), extraModelPaths: null })).rejects.toMatchObject({ code: 'file-not-found' });
    expect(await files.getImportSettings()).toEqual({ modelsDir: null, extraModelPaths: null });
    expect(await files.setImportSettings({ modelsDir: path.join(dir, 'ComfyUI'), extraModelPaths: '  ' })).toEqual({ modelsDir: path.join(dir, 'ComfyUI'), extraModelPaths: null });
    const imported = await files.importWorkflow({ text: await workflowText(), name: 'dropped.json' });
    expect(imported.report.unresolved.map((u) => u.name)).toEqual(['character-lora.safetensors']);
    expect(imported.report.outputs[0]!.base.path).toBe(path.join(models, 'checkpoints', 'sd15-tiny.safetensors'));
    expect(savePath(imported.document)).toBe(`${path.join(models, 'checkpoints')}/dropped-merged.safetensors`);
    await expect(files.importWorkflow({ text: '{"nodes": [{"id": 1}]}', name: 'bad.json' })).rejects.toMatchObject({ code: 'invalid-workflow', message: expect.stringContaining('"bad.json"') as string });
  });

  it('extra_model_paths.yaml: base_path relative to the file, several folders per key, unet = diffusion_models; the first folder with the file wins', async () => {
    const other = path.join(dir, 'other-loras');
    await mkdir(other);
    await writeFile(path.join(other, 'style-lora.safetensors'), 'y');
    const yaml = path.join(dir, 'extra_model_paths.yaml');
    await writeFile(yaml, ['comfyui:', '  base_path: ComfyUI', '  checkpoints: models/checkpoints', '  loras: |', '    models/loras', '    ../other-loras', '  unet: models/unet', 'empty_section:', ''].join('\n'));
    const folders = await extraModelPathsFolders(yaml);
    expect(folders).toEqual({ checkpoints: [path.join(models, 'checkpoints')], loras: [path.join(models, 'loras'), other], diffusion_models: [path.join(models, 'unet')] });
    const resolve = await createModelResolver(folders, [
      { folder: 'loras', name: 'style\\style-lora.safetensors' },
      { folder: 'loras', name: 'style-lora.safetensors' },
      { folder: 'loras', name: '../../secret.safetensors' },
      { folder: 'diffusion_models', name: 'flux.safetensors' },
    ]);
    expect(resolve('loras', 'style\\style-lora.safetensors')).toEqual({ path: path.join(models, 'loras', 'style', 'style-lora.safetensors'), found: true });
    expect(resolve('loras', 'style-lora.safetensors')).toEqual({ path: path.join(other, 'style-lora.safetensors'), found: true });
    expect(resolve('loras', '../../secret.safetensors')).toEqual({ path: '../../secret.safetensors', found: false });
    expect(resolve('diffusion_models', 'flux.safetensors')).toEqual({ path: path.join(models, 'unet', 'flux.safetensors'), found: false });
    await writeFile(yaml, 'comfyui: [unclosed');
    await expect(extraModelPathsFolders(yaml)).rejects.toMatchObject({ code: 'invalid-yaml' });
  });

  it('a models folder is its ComfyUI layout: diffusion_models before unet', async () => {
    expect(await modelsDirFolders(models)).toEqual({
      checkpoints: [path.join(models, 'checkpoints')],
      loras: [path.join(models, 'loras')],
      diffusion_models: [path.join(models, 'diffusion_models'), path.join(models, 'unet')],
    });
  });
});
