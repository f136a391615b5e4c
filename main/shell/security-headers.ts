/**
 * Security headers for every browser-mode response. The CSP allows only this server's own scripts (no
 * inline script, no eval), inline styles (React Flow positions nodes with style attributes), images from
 * data:/blob: (plots, icons), and connections back to this server (fetch + the events WebSocket).
 */
import type { ServerResponse } from 'node:http';

export function contentSecurityPolicy(wsOrigin: string | null): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${wsOrigin ? ` ${wsOrigin}` : ''}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=(), clipboard-read=(self), clipboard-write=(self)',
  'X-DNS-Prefetch-Control': 'off',
};

/** `wsOrigin` is "ws://<Host>" of the request (validated before), so the page may open its WebSocket. */
export function applySecurityHeaders(res: ServerResponse, wsOrigin: string | null): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(wsOrigin));
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}
