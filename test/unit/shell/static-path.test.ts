import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mimeType } from '../../../main/shell/static/mime.js';
import { resolveStaticFile, safeRelativePath } from '../../../main/shell/static/static-path.js';

let dir: string;
let root: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-static-'));
  root = path.join(dir, 'renderer');
  await mkdir(path.join(root, 'assets', 'sub'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), 'page');
  await writeFile(path.join(root, 'assets', 'app.js'), 'js');
  await writeFile(path.join(root, 'assets', 'sub', 'index.html'), 'sub page');
  await writeFile(path.join(dir, 'secret.txt'), 'secret');
  await symlink(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
  await symlink(dir, path.join(root, 'outside'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('safeRelativePath', () => {
  it.each([
    ['/', ''],
    ['/index.html', 'index.html'],
    ['/assets//app.js', 'assets/app.js'],
    ['/assets/a%20b.js', 'assets/a b.js'],
  ])('%s -> %s', (input, expected) => expect(safeRelativePath(input)).toBe(expected));

  it.each(['/../secret.txt', '/assets/../../x', '/%2e%2e/x', '/a/%2E%2E/%2e%2e/x', '/..%2fx', '/..%2Fx', '/..%5cx', '/a\\..\\x', '/x%00.js', '/C:/Windows', '/c:', '/%E0%A4%A', '/./x'])('refuses %s', (input) => {
    expect(safeRelativePath(input)).toBeNull();
  });
});

describe('resolveStaticFile', () => {
  it('finds files and directory index pages', async () => {
    expect(await resolveStaticFile(root, '/')).toEqual({ ok: true, file: path.join(await realRoot(), 'index.html') });
    expect(await resolveStaticFile(root, '/assets/app.js')).toMatchObject({ ok: true });
    expect(await resolveStaticFile(root, '/assets/sub')).toEqual({ ok: true, file: path.join(await realRoot(), 'assets', 'sub', 'index.html') });
    expect(await resolveStaticFile(root, '/assets/none.js')).toEqual({ ok: false, status: 404 });
    expect(await resolveStaticFile(path.join(dir, 'missing'), '/')).toEqual({ ok: false, status: 404 });
  });

  it('refuses traversal and symlinks that leave the folder', async () => {
    expect(await resolveStaticFile(root, '/../secret.txt')).toEqual({ ok: false, status: 400 });
    expect(await resolveStaticFile(root, '/assets/link.txt')).toEqual({ ok: false, status: 403 });
    expect(await resolveStaticFile(root, '/outside/secret.txt')).toEqual({ ok: false, status: 403 });
    expect(await resolveStaticFile(root, '/outside')).toEqual({ ok: false, status: 404 });
  });
});

describe('mimeType', () => {
  it.each([
    ['a.html', 'text/html; charset=utf-8'],
    ['a.JS', 'text/javascript; charset=utf-8'],
    ['a.css', 'text/css; charset=utf-8'],
    ['a.svg', 'image/svg+xml'],
    ['a.wasm', 'application/wasm'],
    ['a.woff2', 'font/woff2'],
    ['a.exe', 'application/octet-stream'],
    ['noext', 'application/octet-stream'],
  ])('%s is %s', (file, type) => expect(mimeType(file)).toBe(type));
});

async function realRoot(): Promise<string> {
  const { realpath } = await import('node:fs/promises');
  return realpath(root);
}
