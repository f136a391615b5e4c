/** JSON replies: every API answer, refusals included, is an ApiEnvelope. */
import type { ServerResponse } from 'node:http';
import type { ApiEnvelope, ApiError } from '../../../shared/ipc/errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: ApiError, headers: Record<string, string> = {}): void {
  const envelope: ApiEnvelope = { ok: false, error };
  sendJson(res, status, envelope, headers);
}

export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
