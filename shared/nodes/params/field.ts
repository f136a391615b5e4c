import type { z } from 'zod';
import type { NumericRange, ParamWidget, ShowIf } from './widgets.js';

/**
 * One param of a node (or of an edge into a multi-input port): its zod schema (with the default filled
 * in), the default, and how to present it. Built with the helpers in builders.ts.
 */
export interface ParamField<T = unknown> {
  readonly schema: z.ZodType<T>;
  readonly default: T;
  readonly label: string;
  /** One or two sentences for the inspector and tooltips. */
  readonly description: string;
  readonly widget: ParamWidget;
  readonly range?: NumericRange;
  /** Shown on the node body, not only in the inspector (the main knobs: strengths, weights, paths). */
  readonly inline: boolean;
  /** Listed under "Advanced" in the inspector. */
  readonly advanced: boolean;
  readonly showIf?: ShowIf;
}

export type ParamFields = Readonly<Record<string, ParamField>>;

/** The parsed params of a node: every key present, defaults filled. */
export type ParamsOf<F extends ParamFields> = { -readonly [K in keyof F]: F[K] extends ParamField<infer T> ? T : never };

/** Whether a field is visible given the node's current (parsed or raw) params. */
export function isParamVisible(field: ParamField, params: Readonly<Record<string, unknown>>): boolean {
  if (!field.showIf) return true;
  const v = params[field.showIf.param];
  return field.showIf.oneOf.some((o) => o === v);
}
