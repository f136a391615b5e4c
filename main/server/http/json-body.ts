/** Reads a request body with a size limit and parses it as JSON, saying precisely what was wrong. */
import type { IncomingMessage } from 'node:http';
import { jsonDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../../../shared/json/index.js';

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; code: string; message: string };

/** Graph documents of a few thousand nodes stay far below this; anything bigger is a mistake or an attack. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json';
}

export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  if (!isJsonContentType(req.headers['content-type'])) {
    return { ok: false, status: 415, code: 'unsupported-media-type', message: 'The request body must be JSON (Content-Type: application/json).' };
  }
  const tooLarge: BodyResult = { ok: false, status: 413, code: 'body-too-large', message: `The request body is larger than ${limit} bytes.` };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) return tooLarge;
      chunks.push(chunk);
    }
  } catch {
    return { ok: false, status: 400, code: 'bad-request', message: 'The request body could not be read.' };
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, status: 400, code: 'invalid-json', message: `The request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) return { ok: false, status: 400, code: 'too-deep', message: tooDeepMessage('The request body') };
  return { ok: true, value };
}
