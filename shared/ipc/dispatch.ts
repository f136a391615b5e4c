/**
 * The shell side of the contract: validates a call's arguments against API_CONTRACT, runs the handler and
 * wraps the outcome in an ApiEnvelope. Electron's ipcMain handlers and the HTTP server both call this after
 * their own checks (sender frame; token, Host, Origin).
 */
import type { z } from 'zod';
import { formatJsonPath } from '../graph/errors.js';
import { jsonDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../json/index.js';
import type { ApiHandlers } from './api.js';
import { API_CONTRACT, type ApiMethodName } from './contract.js';
import { toApiError, type ApiEnvelope } from './errors.js';

export type ApiDispatcher = (method: string, args: unknown) => Promise<ApiEnvelope>;

const isMethod = (name: string): name is ApiMethodName => Object.prototype.hasOwnProperty.call(API_CONTRACT, name);

export function createApiDispatcher(handlers: ApiHandlers): ApiDispatcher {
  return async (method, args) => {
    if (!isMethod(method)) return { ok: false, error: { code: 'unknown-method', message: `There is no API method "${method}".` } };
    // Validation recurses: arguments nested deeper than any real document are refused before it runs.
    if (jsonDepth(args) > MAX_JSON_DEPTH) return { ok: false, error: { code: 'too-deep', message: tooDeepMessage(`The arguments of ${method}`) } };
    const parsed = (API_CONTRACT[method].args as z.ZodType<unknown[]>).safeParse(args);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: formatJsonPath(i.path), message: i.message }));
      return {
        ok: false,
        error: { code: 'invalid-arguments', message: `Invalid arguments for ${method}: ${issues.map((i) => `${i.path || 'args'}: ${i.message}`).join('; ')}`, issues },
      };
    }
    try {
      const handler = handlers[method] as (...a: unknown[]) => Promise<unknown>;
      const value = await handler.apply(handlers, parsed.data);
      return value === undefined ? { ok: true } : { ok: true, value };
    } catch (e) {
      return { ok: false, error: toApiError(e) };
    }
  };
}
