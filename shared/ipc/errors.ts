/**
 * Errors across the platform boundary. Electron's invoke() keeps only an Error's message, so handlers'
 * results travel in an envelope and the client rethrows a PlatformApiError with the code and hint intact.
 */
import { z } from 'zod';
import { GraphFileError } from '../graph/errors.js';

export const apiErrorSchema = z.object({
  /** Stable: EngineError / GraphFileError codes, or "invalid-arguments", "invalid-response", "unknown-method", "unsupported", "cancelled", "internal". */
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  /** Located problems (invalid arguments, invalid graph files). */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export const apiEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: apiErrorSchema }),
]);
export type ApiEnvelope = z.infer<typeof apiEnvelopeSchema>;

export class PlatformApiError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly issues: readonly { path: string; message: string }[];

  constructor(error: ApiError) {
    super(error.message);
    this.name = 'PlatformApiError';
    this.code = error.code;
    if (error.hint !== undefined) this.hint = error.hint;
    this.issues = error.issues ?? [];
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Any thrown value as an ApiError: keeps code and hint of EngineError-like errors, hides nothing else. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof GraphFileError) {
    return { code: e.code, message: e.message, ...(e.hint !== undefined ? { hint: e.hint } : {}), ...(e.issues.length > 0 ? { issues: [...e.issues] } : {}) };
  }
  if (e instanceof Error) {
    const rec = e as Error & Record<string, unknown>;
    if (e.name === 'CancelledError') return { code: 'cancelled', message: e.message };
    const code = str(rec.code);
    const hint = str(rec.hint);
    const issues = Array.isArray(rec.issues) ? z.array(z.object({ path: z.string(), message: z.string() })).safeParse(rec.issues) : undefined;
    return {
      code: code ?? 'internal',
      message: e.message,
      ...(hint !== undefined ? { hint } : {}),
      ...(issues?.success && issues.data.length > 0 ? { issues: issues.data } : {}),
    };
  }
  return { code: 'internal', message: String(e) };
}
