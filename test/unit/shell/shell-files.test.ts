import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument } from '../../../shared/graph/document.js';
import { createShellFiles, type ShellFiles } from '../../../main/shell/platform/shell-files.js';
import { RecentFiles } from '../../../main/shell/platform/recent-files.js';

const doc = (name = 'g'): GraphDocument => ({ format: GRAPH_FORMAT, version: GRAPH_VERSION, metadata: { name }, nodes: [], edges: [] });

let dir: string;
let files: ShellFiles;
let configDir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-files-'));
  configDir = path.join(dir, 'config');
  await mkdir(path.join(dir, 'examples'));
  files = createShellFiles({ configDir, paths: { root: dir, rendererDir: path.join(dir, 'r'), examplesDir: path.join(dir, 'examples'), demoDir: path.join(dir, 'demo') } });
});

afterEach(() => rm(dir, { recursive: true, force: true }));

describe('graph files', () => {
  it('saves atomically (no temporary file left), stamps the app, and opens it back', async () => {
    const file = path.join(dir, 'a.json');
    const saved = await files.saveGraphAt({ path: file, document: doc('first') });
    expect(saved.path).toBe(file);
    expect(await readdir(dir)).toEqual(['a.json', 'config', 'examples']);
    const text = await readFile(file, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: GRAPH_FORMAT, metadata: { name: 'first', createdWith: expect.stringMatching(/^LoRA Studio \d/) } });
    const opened = await files.openGraphAt(file);
    expect(opened.document.metadata?.name).toBe('first');
    expect(files.documentPath()).toBe(file);
    expect(files.baseDir()).toBe(dir);
    files.setDocumentPath(null);
    expect(files.documentPath()).toBeNull();
    expect(files.baseDir()).toBe(dir);
    await files.saveGraphAt({ path: file, document: doc('second') });
    expect((await files.openGraphAt(file)).document.metadata?.name).toBe('second');
  });

  it('never replaces a file that is not a graph', async () => {
    const model = path.join(dir, 'model.safetensors');
    await writeFile(model, Buffer.from([1, 2, 3, 4]));
    await expect(files.saveGraphAt({ path: model, document: doc() })).rejects.toMatchObject({ code: 'overwrite-refused' });
    expect(await readFile(model)).toEqual(Buffer.from([1, 2, 3, 4]));
    const otherJson = path.join(dir, 'package.json');
    await writeFile(otherJson, '{"name":"x"}');
    await expect(files.saveGraphAt({ path: otherJson, document: doc() })).rejects.toMatchObject({ code: 'overwrite-refused' });
    await expect(files.saveGraphAt({ path: dir, document: doc() })).rejects.toMatchObject({ code: 'overwrite-refused' });
    await expect(files.saveGraphAt({ path: path.join(dir, 'no', 'such', 'dir.json'), document: doc() })).rejects.toMatchObject({ code: 'file-not-found' });
  });

  it('reports open errors with codes', async () => {
    await expect(files.openGraphAt(path.join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'file-not-found' });
    await expect(files.openGraphAt(dir)).rejects.toMatchObject({ code: 'not-a-file' });
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"format": "lora-studio-graph", ');
    await expect(files.openGraphAt(bad)).rejects.toMatchObject({ code: 'invalid-json' });
    const newer = path.join(dir, 'newer.json');
    await writeFile(newer, JSON.stringify({ ...doc(), version: GRAPH_VERSION + 1 }));
    await expect(files.openGraphAt(newer)).rejects.toMatchObject({ code: 'newer-version' });
  });
});

describe('recent files', () => {
  it('keeps the newest first, once each, at most the limit, without vanished files', async () => {
    const recent = new RecentFiles(configDir, 3);
    const paths = await Promise.all(['a', 'b', 'c', 'd'].map(async (n) => {
      const p = path.join(dir, `${n}.json`);
      await writeFile(p, '{}');
      return p;
    }));
    for (const [i, p] of paths.entries()) await recent.add(p, i);
    await recent.add(paths[1]!, 10);
    expect((await recent.list()).map((f) => f.name)).toEqual(['b.json', 'd.json', 'c.json']);
    await rm(paths[3]!);
    expect((await recent.list()).map((f) => f.name)).toEqual(['b.json', 'c.json']);
    await recent.clear();
    expect(await recent.list()).toEqual([]);
  });

  it('survives concurrent additions and a damaged file', async () => {
    const recent = new RecentFiles(configDir);
    const paths = Array.from({ length: 8 }, (_, i) => path.join(dir, `f${i}.json`));
    await Promise.all(paths.map((p) => writeFile(p, '{}')));
    await Promise.all(paths.map((p, i) => recent.add(p, i)));
    expect(await recent.list()).toHaveLength(8);
    await writeFile(path.join(configDir, 'recent-files.json'), '{ damaged');
    expect(await recent.list()).toEqual([]);
  });

  it('records opened and saved graphs, but not the bundled examples', async () => {
    const example = path.join(dir, 'examples', 'ex.json');
    await writeFile(example, JSON.stringify(doc('Example')));
    await files.openGraphAt(example);
    await files.saveGraphAt({ path: path.join(dir, 'mine.json'), document: doc() });
    expect((await files.getRecentFiles()).map((f) => f.name)).toEqual(['mine.json']);
  });
});

describe('autosave and recovery', () => {
  it('offers the newest autosave and forgets it on an explicit save', async () => {
    const file = path.join(dir, 'work.json');
    await files.saveGraphAt({ path: file, document: doc('saved') });
    expect(await files.getRecovery()).toBeNull();
    await files.saveAutosave({ path: null, document: doc('untitled') });
    await new Promise((r) => setTimeout(r, 5));
    await files.saveAutosave({ path: file, document: doc('edited') });
    const recovery = await files.getRecovery();
    expect(recovery).toMatchObject({ path: file, document: { metadata: { name: 'edited' } } });
    await files.saveGraphAt({ path: file, document: doc('edited') });
    expect(await files.getRecovery()).toBeNull();
  });

  it('drops an autosave older than its file (saved elsewhere since) and damaged ones', async () => {
    const file = path.join(dir, 'work.json');
    await files.saveGraphAt({ path: file, document: doc() });
    await files.saveAutosave({ path: file, document: doc('stale') });
    const later = new Date(Date.now() + 60_000);
    await utimes(file, later, later);
    await writeFile(path.join(configDir, 'autosave', 'junk.json'), 'not json');
    expect(await files.getRecovery()).toBeNull();
    expect(await readdir(path.join(configDir, 'autosave'))).toEqual([]);
  });

  it('keeps the autosave of a file that was deleted, and discards everything on request', async () => {
    const file = path.join(dir, 'gone.json');
    await files.saveAutosave({ path: file, document: doc('orphan') });
    expect(await files.getRecovery()).toMatchObject({ path: file });
    await files.discardRecovery();
    expect(await files.getRecovery()).toBeNull();
  });

  it('a clean close forgets that graph only', async () => {
    await files.saveAutosave({ path: null, document: doc('u') });
    await files.saveAutosave({ path: path.join(dir, 'x.json'), document: doc('x') });
    await files.closedCleanly(path.join(dir, 'x.json'));
    expect(await files.getRecovery()).toMatchObject({ path: null });
  });
});

describe('file browser', () => {
  beforeEach(async () => {
    const d = path.join(dir, 'browse');
    await mkdir(path.join(d, 'folder10'), { recursive: true });
    await mkdir(path.join(d, 'folder9'));
    await mkdir(path.join(d, '.hidden-dir'));
    await writeFile(path.join(d, 'b.safetensors'), 'x'.repeat(10));
    await writeFile(path.join(d, 'A.SAFETENSORS'), 'x');
    await writeFile(path.join(d, 'notes.txt'), 'x');
    await writeFile(path.join(d, '.secret'), 'x');
  });

  it('lists folders first in natural order, then files, with sizes', async () => {
    const listing = await files.listDirectory({ path: path.join(dir, 'browse') });
    expect(listing.path).toBe(path.join(dir, 'browse'));
    expect(listing.parent).toBe(dir);
    expect(listing.entries.map((e) => e.name)).toEqual(['folder9', 'folder10', 'A.SAFETENSORS', 'b.safetensors', 'notes.txt']);
    expect(listing.entries.find((e) => e.name === 'b.safetensors')).toMatchObject({ kind: 'file', bytes: 10 });
    expect(listing.places.map((p) => p.label)).toEqual(expect.arrayContaining(['Home', 'Examples', 'Demo files']));
  });

  it('applies filters (case-insensitive), shows hidden entries on request, lists the folder of a file', async () => {
    const filtered = await files.listDirectory({ path: path.join(dir, 'browse'), filters: [{ name: 'Safetensors', extensions: ['safetensors'] }] });
    expect(filtered.entries.map((e) => e.name)).toEqual(['folder9', 'folder10', 'A.SAFETENSORS', 'b.safetensors']);
    const hidden = await files.listDirectory({ path: path.join(dir, 'browse'), showHidden: true });
    expect(hidden.entries.map((e) => e.name)).toEqual(expect.arrayContaining(['.hidden-dir', '.secret']));
    const ofFile = await files.listDirectory({ path: path.join(dir, 'browse', 'notes.txt') });
    expect(ofFile.path).toBe(path.join(dir, 'browse'));
    expect((await files.listDirectory({ path: '/' })).parent).toBeNull();
  });

  it('starts in the folder of the last opened graph and reports missing folders', async () => {
    await files.saveGraphAt({ path: path.join(dir, 'browse', 'g.json'), document: doc() });
    expect((await files.listDirectory()).path).toBe(path.join(dir, 'browse'));
    await expect(files.listDirectory({ path: path.join(dir, 'nope') })).rejects.toMatchObject({ code: 'file-not-found' });
  });
});

describe('examples', () => {
  it('lists example graphs with their metadata, after making sure the demo files exist', async () => {
    let ensured = 0;
    const withDemo = createShellFiles({ configDir, paths: { root: dir, rendererDir: dir, examplesDir: path.join(dir, 'examples'), demoDir: dir }, ensureDemoFiles: async () => void ensured++ });
    await writeFile(path.join(dir, 'examples', 'b-second.json'), JSON.stringify(doc('Second')));
    await writeFile(path.join(dir, 'examples', 'a-first.json'), JSON.stringify({ ...doc('First'), metadata: { name: 'First', description: 'Combine two LoRAs.' } }));
    await writeFile(path.join(dir, 'examples', 'broken.json'), '{');
    const list = await withDemo.listExamples();
    expect(ensured).toBe(1);
    expect(list).toEqual([
      { id: 'a-first', title: 'First', description: 'Combine two LoRAs.', path: path.join(dir, 'examples', 'a-first.json') },
      { id: 'b-second', title: 'Second', description: '', path: path.join(dir, 'examples', 'b-second.json') },
    ]);
    expect((await stat(list[0]!.path)).isFile()).toBe(true);
  });
});
