/**
 * The renderer is served from app://lora-studio/, a privileged standard + secure scheme (so it is a
 * proper origin, with fetch, and no file:// ambient authority). The handler serves only files inside the
 * built renderer (the same traversal refusal as browser mode), with the strict CSP and nosniff.
 */
import { readFile } from 'node:fs/promises';
import type { CustomScheme } from 'electron';
import { mimeType } from '../shell/static/mime.js';
import { resolveStaticFile } from '../shell/static/static-path.js';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../shell/security-headers.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'lora-studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** Must be registered before the app is ready. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

/** The CSP of every page: only our own scripts, no connections anywhere (IPC needs none). */
export const ELECTRON_CSP = contentSecurityPolicy(null);

function refusal(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });
}

export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return refusal(400, 'Bad URL.');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refusal(404, 'Not found.');
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405, 'Method not allowed.');
    const found = await resolveStaticFile(rendererDir, url.pathname);
    if (!found.ok) return refusal(found.status, found.status === 404 ? 'Not found.' : 'Refused.');
    const body = request.method === 'HEAD' ? null : await readFile(found.file);
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': mimeType(found.file), 'Content-Security-Policy': ELECTRON_CSP, 'Cache-Control': 'no-cache', ...SECURITY_HEADERS },
    });
  };
}
