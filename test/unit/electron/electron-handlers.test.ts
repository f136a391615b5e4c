import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createElectronHandlers, type NativeDialogs } from '../../../main/electron/electron-handlers.js';
import { FileAccess } from '../../../main/electron/file-access.js';
import { createShellFiles } from '../../../main/shell/platform/shell-files.js';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../shared/graph/document.js';
import type { ApiHandlers } from '../../../shared/ipc/api.js';
import type { DocumentState } from '../../../shared/ipc/files.js';
import { createEngineDouble, type EngineDouble } from '../server/engine-double.js';

const doc = (name = 'g'): GraphDocument => ({ format: GRAPH_FORMAT, version: GRAPH_VERSION, metadata: { name }, nodes: [], edges: [] });

let dir: string;
let handlers: ApiHandlers;
let engine: EngineDouble;
let nextOpen: string[];
let nextSave: string | null;
let dialogCalls: { kind: string; options: unknown }[];
let recentDocs: string[];
let states: DocumentState[];
let closed: number;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-electron-handlers-'));
  await mkdir(path.join(dir, 'examples'));
  await writeFile(path.join(dir, 'examples', 'ex.json'), JSON.stringify(doc('Example')));
  nextOpen = [];
  nextSave = null;
  dialogCalls = [];
  recentDocs = [];
  states = [];
  closed = 0;
  engine = createEngineDouble();
  const dialogs: NativeDialogs = {
    open: async (options) => {
      dialogCalls.push({ kind: 'open', options });
      return nextOpen;
    },
    save: async (options) => {
      dialogCalls.push({ kind: 'save', options });
      return nextSave;
    },
  };
  const examplesDir = path.join(dir, 'examples');
  handlers = createElectronHandlers({
    engine,
    files: createShellFiles({ configDir: path.join(dir, 'config'), paths: { root: dir, rendererDir: dir, examplesDir, demoDir: dir } }),
    access: new FileAccess(),
    dialogs,
    os: { addRecentDocument: (f) => recentDocs.push(f), showItemInFolder: () => undefined, platform: 'linux' },
    window: { documentStateChanged: (s) => states.push(s), closeWithoutPrompt: () => void closed++ },
    context: { examplesDir, exampleOutputDir: path.join(dir, 'outputs') },
  });
});

afterEach(() => rm(dir, { recursive: true, force: true }));

describe('Electron handlers: file access', () => {
  it('says it has native dialogs', async () => {
    expect(await handlers.getAppInfo()).toMatchObject({ shell: 'electron', capabilities: { nativeDialogs: true } });
  });

  it('refuses to save to a path that was never opened or chosen', async () => {
    const target = path.join(dir, 'sneaky.json');
    await expect(handlers.saveGraph({ path: target, document: doc() })).rejects.toMatchObject({ code: 'not-allowed' });
    await handlers.setDocumentState({ path: target, name: 'sneaky', dirty: true });
    await expect(handlers.saveGraph({ path: target, document: doc() })).rejects.toMatchObject({ code: 'not-allowed' });
    await expect(readFile(target)).rejects.toThrow();
  });

  it('saves where the save dialog chose (adding .json), then Save goes there without asking', async () => {
    nextSave = path.join(dir, 'mine');
    const saved = await handlers.saveGraphAs({ document: doc('Mine') });
    expect(saved?.path).toBe(path.join(dir, 'mine.json'));
    expect(dialogCalls[0]).toMatchObject({ kind: 'save', options: { defaultPath: 'Mine.json', filters: [{ extensions: ['json'] }] } });
    await handlers.saveGraph({ path: path.join(dir, 'mine.json'), document: doc('Mine 2') });
    expect(JSON.parse(await readFile(path.join(dir, 'mine.json'), 'utf8'))).toMatchObject({ metadata: { name: 'Mine 2' } });
    expect(recentDocs).toEqual([path.join(dir, 'mine.json'), path.join(dir, 'mine.json')]);
    nextSave = null;
    expect(await handlers.saveGraphAs({ document: doc() })).toBeNull();
  });

  it('opens by path only what was chosen, a recent file or an example', async () => {
    const elsewhere = path.join(dir, 'elsewhere.json');
    await writeFile(elsewhere, JSON.stringify(doc('Elsewhere')));
    await expect(handlers.openGraph({ path: elsewhere })).rejects.toMatchObject({ code: 'not-allowed' });
    expect((await handlers.openGraph({ path: path.join(dir, 'examples', 'ex.json') }))?.document.metadata?.name).toBe('Example');
    nextOpen = [elsewhere];
    expect((await handlers.openGraph())?.path).toBe(elsewhere);
    // Now it is a recent file, and a chosen one: both let it open by path again.
    expect((await handlers.openGraph({ path: elsewhere }))?.path).toBe(elsewhere);
    nextOpen = [];
    expect(await handlers.openGraph()).toBeNull();
  });

  it('maps pickFile modes onto the native dialogs', async () => {
    nextOpen = ['/models/a.safetensors'];
    expect(await handlers.pickFile({ mode: 'open', filters: [{ name: 'Safetensors', extensions: ['safetensors'] }] })).toBe('/models/a.safetensors');
    expect(await handlers.pickFile({ mode: 'directory' })).toBe('/models/a.safetensors');
    nextSave = '/out/merged.safetensors';
    expect(await handlers.pickFile({ mode: 'save', title: 'Output' })).toBe('/out/merged.safetensors');
    nextOpen = [];
    expect(await handlers.pickFile({ mode: 'open', allowDirectory: true })).toBeNull();
    expect(dialogCalls.map((c) => [c.kind, (c.options as { files?: boolean }).files, (c.options as { directories?: boolean }).directories])).toEqual([
      ['open', true, false],
      ['open', false, true],
      ['save', undefined, undefined],
      ['open', true, false],
    ]);
  });
});

describe('Electron handlers: document and engine', () => {
  it('passes the document state to the window and closes without prompt on request', async () => {
    await handlers.setDocumentState({ path: null, name: 'Untitled', dirty: true });
    expect(states).toEqual([{ path: null, name: 'Untitled', dirty: true }]);
    await handlers.closeWindow();
    expect(closed).toBe(1);
  });

  it('runs with the open graph folder as base, and example outputs redirected', async () => {
    const example = path.join(dir, 'examples', 'ex.json');
    await handlers.openGraph({ path: example });
    // The renderer keeps an example as an untitled copy: its relative files still resolve from the examples folder.
    await handlers.setDocumentState({ path: null, name: 'Example', dirty: false });
    await handlers.runGraph(doc());
    expect(engine.calls.at(-1)).toEqual({ method: 'runGraph', args: [doc(), undefined, { baseDir: path.join(dir, 'examples'), outputDir: path.join(dir, 'outputs') }] });
    nextSave = path.join(dir, 'mine.json');
    await handlers.saveGraphAs({ document: doc() });
    await handlers.validateGraph(doc());
    expect(engine.calls.at(-1)).toEqual({ method: 'validateGraph', args: [doc(), { baseDir: dir }] });
  });
});
