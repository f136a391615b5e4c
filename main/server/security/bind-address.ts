/**
 * Which address the server binds to and which Host headers it answers. A loopback bind answers only the
 * loopback names; binding anywhere else needs an explicit --allow-remote. Host names other than the bound
 * one are refused even with the token: a DNS-rebinding page reaches us under its own name.
 */
import net from 'node:net';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host).toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

export function isWildcardHost(host: string): boolean {
  const h = stripBrackets(host);
  return h === '0.0.0.0' || h === '::' || h === '0:0:0:0:0:0:0:0';
}

export const stripBrackets = (h: string): string => (h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h);

/** "::1" → "[::1]" for URLs and Host headers. */
export const urlHost = (h: string): string => (net.isIPv6(stripBrackets(h)) ? `[${stripBrackets(h)}]` : h);

export interface HostHeader {
  hostname: string;
  port: number;
}

/** Parses a Host header ("127.0.0.1:8080", "[::1]:80", "localhost"); null when malformed. */
export function parseHostHeader(value: string | undefined): HostHeader | null {
  if (!value || value.length > 300) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m || m[1] === undefined) return null;
  const port = m[2] === undefined ? 80 : Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { hostname: stripBrackets(m[1]).toLowerCase(), port };
}

/**
 * The Host names a server bound to `boundHost` answers: the bound name itself; on loopback every loopback
 * spelling; on a wildcard bind (0.0.0.0, ::) any IP literal (a rebinding attack needs a DNS name).
 */
export function hostAllowed(host: HostHeader, boundHost: string, port: number): boolean {
  if (host.port !== port) return false;
  const bound = stripBrackets(boundHost).toLowerCase();
  if (host.hostname === bound) return true;
  if (isLoopbackHost(bound)) return isLoopbackHost(host.hostname);
  if (isWildcardHost(bound)) return net.isIP(host.hostname) !== 0 || host.hostname === 'localhost';
  return false;
}
