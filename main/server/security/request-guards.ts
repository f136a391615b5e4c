/** Host (DNS rebinding) and Origin (cross-site pages) checks, applied before anything else is looked at. */
import type { IncomingMessage } from 'node:http';
import { hostAllowed, parseHostHeader } from './bind-address.js';

export interface BindInfo {
  host: string;
  port: number;
}

/** How many Host headers the request carried (node keeps only the first in `req.headers`). */
function hostHeaderCount(req: IncomingMessage): number {
  let n = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') n++;
  return n;
}

/** Exactly one Host header, naming the address we are bound to: a second one is what a smuggling proxy or rebinding trick sends. */
export function requestHostAllowed(req: IncomingMessage, bind: BindInfo): boolean {
  if (hostHeaderCount(req) !== 1) return false;
  const host = parseHostHeader(req.headers.host);
  return host !== null && hostAllowed(host, bind.host, bind.port);
}

/**
 * A browser sends Origin on WebSockets and on cross-origin or non-GET fetches; it must be this server as
 * reached through an allowed Host. Absent Origin (curl, Node clients) is accepted: they hold the token.
 */
export function requestOriginAllowed(req: IncomingMessage, bind: BindInfo): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || url.username || url.password || url.pathname !== '/' ) return false;
  const host = parseHostHeader(url.host);
  if (host === null || !hostAllowed(host, bind.host, bind.port)) return false;
  // Same origin as the page: the Origin's host is the Host this request came in on.
  return url.host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
}
