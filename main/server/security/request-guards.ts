/** Host (DNS rebinding) and Origin (cross-site pages) checks, applied before anything else is looked at. */
import type { IncomingMessage } from 'node:http';
import { hostAllowed, parseHostHeader } from './bind-address.js';

export interface BindInfo {
  host: string;
  port: number;
}

export function requestHostAllowed(req: IncomingMessage, bind: BindInfo): boolean {
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
