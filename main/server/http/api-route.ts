/**
 * `POST /api/<method>` with `Authorization: Bearer <token>` and a JSON body `{ "args": [...] }`: the
 * transport checks (token, method, media type, size, JSON), then createApiDispatcher (zod validation of
 * the arguments, error envelopes). Host and Origin were checked by the caller.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpRequestBodySchema } from '../../../shared/ipc/contract.js';
import type { ApiDispatcher } from '../../../shared/ipc/dispatch.js';
import { bearerToken, tokenMatches } from '../security/token.js';
import { readJsonBody } from './json-body.js';
import { sendError, sendJson } from './replies.js';

export interface ApiRouteOptions {
  token: string;
  dispatch: ApiDispatcher;
  maxBodyBytes?: number;
}

export async function handleApiRequest(req: IncomingMessage, res: ServerResponse, method: string, options: ApiRouteOptions): Promise<void> {
  if (!tokenMatches(options.token, bearerToken(req.headers.authorization))) {
    sendError(res, 401, { code: 'unauthorized', message: 'This request has no valid access token.', hint: 'Open the URL that `lora-studio serve` printed (it carries ?token=…).' }, { 'WWW-Authenticate': 'Bearer' });
    return;
  }
  if (req.method !== 'POST') {
    sendError(res, 405, { code: 'method-not-allowed', message: `API calls use POST, not ${req.method ?? '?'}.` }, { Allow: 'POST' });
    return;
  }
  const body = await readJsonBody(req, options.maxBodyBytes);
  if (!body.ok) {
    sendError(res, body.status, { code: body.code, message: body.message }, body.status === 413 ? { Connection: 'close' } : {});
    return;
  }
  const parsed = httpRequestBodySchema.safeParse(body.value);
  if (!parsed.success) {
    sendError(res, 400, { code: 'invalid-request', message: 'The request body must be an object { "args": [...] }.' });
    return;
  }
  const envelope = await options.dispatch(method, parsed.data.args);
  const status = !envelope.ok && envelope.error.code === 'unknown-method' ? 404 : 200;
  sendJson(res, status, envelope);
}
