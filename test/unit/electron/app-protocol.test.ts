import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, ELECTRON_CSP } from '../../../main/electron/app-protocol.js';

let dir: string;
let handler: (r: Request) => Promise<Response>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ls-app-protocol-'));
  await mkdir(path.join(dir, 'renderer', 'assets'), { recursive: true });
  await writeFile(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>LoRA Studio</title>');
  await writeFile(path.join(dir, 'renderer', 'assets', 'index-abc.js'), 'export {}');
  await writeFile(path.join(dir, 'renderer', 'assets', 'index-abc.css'), 'body{}');
  await writeFile(path.join(dir, 'renderer', 'assets', 'logo.svg'), '<svg/>');
  await writeFile(path.join(dir, 'secret.txt'), 'TOP SECRET');
  handler = createAppProtocolHandler(path.join(dir, 'renderer'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('app:// scheme', () => {
  it('is registered as a privileged standard, secure scheme with fetch', () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) });
    expect(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP).toBeUndefined();
  });

  it('serves the renderer with MIME types, the CSP and nosniff', async () => {
    for (const [p, type] of [
      ['/index.html', 'text/html; charset=utf-8'],
      ['/', 'text/html; charset=utf-8'],
      ['/assets/index-abc.js', 'text/javascript; charset=utf-8'],
      ['/assets/index-abc.css', 'text/css; charset=utf-8'],
      ['/assets/logo.svg', 'image/svg+xml'],
    ] as const) {
      const res = await handler(new Request(`app://lora-studio${p}`));
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('content-security-policy')).toBe(ELECTRON_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(await (await handler(new Request('app://lora-studio/index.html'))).text()).toContain('LoRA Studio');
    expect(ELECTRON_CSP).toContain("script-src 'self'");
    expect(ELECTRON_CSP).toContain("connect-src 'self'");
    expect(ELECTRON_CSP).not.toContain('ws:');
  });

  it.each(['app://lora-studio/..%2fsecret.txt', 'app://lora-studio/assets/..%2F..%2Fsecret.txt', 'app://lora-studio/%2e%2e/secret.txt', 'app://lora-studio/..%5csecret.txt', 'app://lora-studio/assets/%00x.js'])(
    'refuses traversal: %s',
    async (url) => {
      const res = await handler(new Request(url));
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await res.text()).not.toContain('TOP SECRET');
    },
  );

  it('refuses other hosts, other methods and missing files', async () => {
    expect((await handler(new Request('app://evil/index.html'))).status).toBe(404);
    expect((await handler(new Request('app://lora-studio/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    expect((await handler(new Request('app://lora-studio/nothing.js'))).status).toBe(404);
  });
});
