/**
 * The renderer's files. The page itself (`/`, `/index.html`) needs the token: in the query (then a
 * SameSite=Strict, HttpOnly cookie remembers it for this port), or from that cookie (then we redirect to
 * the URL with the token, which the renderer reads). The hashed build assets carry no user data and load
 * without it. Without a valid token the page explains how to get in.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TOKEN_QUERY_PARAM } from '../../../shared/ipc/transport.js';
import { tokenMatches } from '../security/token.js';
import { mimeType } from '../../shell/static/mime.js';
import { sendText } from './replies.js';
import { resolveStaticFile } from '../../shell/static/static-path.js';

export interface StaticRouteOptions {
  rendererDir: string;
  token: string;
  port: number;
}

const PAGE_PATHS = new Set(['/', '/index.html']);

export const tokenCookieName = (port: number): string => `lora_studio_token_${port}`;

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

const NO_TOKEN_PAGE = `<!doctype html><meta charset="utf-8"><title>LoRA Studio: access token needed</title>
<body style="font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;line-height:1.5">
<h1>Access token needed</h1>
<p>This LoRA Studio server only answers the link it printed when it started, which ends in <code>?token=…</code>.
Copy that whole line from the terminal where <code>lora-studio serve</code> (or <code>npm start</code>) runs.</p>`;

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>LoRA Studio: UI not built</title>
<body style="font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;line-height:1.5">
<h1>The user interface is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>) in the LoRA Studio folder, then reload.</p>`;

export async function handleStaticRequest(req: IncomingMessage, res: ServerResponse, url: URL, options: StaticRouteOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(res, 405, 'Method not allowed.\n');
    return;
  }
  const cookieName = tokenCookieName(options.port);
  const headers: Record<string, string> = { 'Cache-Control': 'no-cache' };
  if (PAGE_PATHS.has(url.pathname)) {
    const fromQuery = url.searchParams.get(TOKEN_QUERY_PARAM);
    if (fromQuery !== null && tokenMatches(options.token, fromQuery)) {
      headers['Set-Cookie'] = `${cookieName}=${options.token}; Path=/; HttpOnly; SameSite=Strict`;
      headers['Cache-Control'] = 'no-store';
    } else if (fromQuery === null && tokenMatches(options.token, cookieValue(req.headers.cookie, cookieName))) {
      res.writeHead(302, { Location: `/?${TOKEN_QUERY_PARAM}=${encodeURIComponent(options.token)}`, 'Cache-Control': 'no-store' });
      res.end();
      return;
    } else {
      sendText(res, 401, NO_TOKEN_PAGE, 'text/html; charset=utf-8');
      return;
    }
  }
  const found = await resolveStaticFile(options.rendererDir, url.pathname);
  if (!found.ok) {
    if (PAGE_PATHS.has(url.pathname)) sendText(res, 503, NOT_BUILT_PAGE, 'text/html; charset=utf-8');
    else sendText(res, found.status, found.status === 404 ? 'Not found.\n' : 'Refused.\n');
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': mimeType(found.file) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(found.file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
