/**
 * Input files open as what their node says: a Load Model file is a readable checkpoint, a Load LoRA file a
 * LoRA in a known dialect. Reads headers only. Missing files are file-checks' business and are skipped here.
 */
import { existsSync } from 'node:fs';
import { PROBLEM_CODES, type Problem } from '../../../../shared/graph/problems.js';
import { NODE_TYPES } from '../../../../shared/nodes/catalogue/index.js';
import { EngineError } from '../../errors.js';
import { resolveFilePath } from '../plan-paths.js';
import { nodeProblem, titleOf, type CheckContext } from './check-context.js';
import type { OpenedInputs } from './opened-inputs.js';

export function loadPath(ctx: CheckContext, nodeId: string): string | undefined {
  const raw = ctx.analysis.params.get(nodeId)?.path;
  if (typeof raw !== 'string' || raw === '') return undefined;
  const file = resolveFilePath(raw, ctx.paths);
  return existsSync(file) ? file : undefined;
}

function problemCode(err: unknown): string {
  const raw = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  const code = typeof raw === 'string' ? raw : '';
  if (code === 'pickle-format') return PROBLEM_CODES.pickleRefused;
  if (code === 'unknown-format' || code.startsWith('header') || code === 'too-small') return PROBLEM_CODES.notSafetensors;
  return PROBLEM_CODES.fileUnreadable;
}

function describe(err: unknown): { message: string; hint?: string } {
  if (err instanceof EngineError) return { message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  return { message: err instanceof Error ? err.message : String(err) };
}

export async function checkLoads(ctx: CheckContext, opened: OpenedInputs): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const node of ctx.doc.nodes) {
    if (!ctx.analysis.active.has(node.id)) continue;
    if (node.type !== NODE_TYPES.loadModel && node.type !== NODE_TYPES.loadLora) continue;
    const file = loadPath(ctx, node.id);
    if (!file) continue;
    const r = node.type === NODE_TYPES.loadModel ? await opened.base(file) : await opened.lora(file);
    if (r.ok) continue;
    const d = describe(r.error);
    problems.push(nodeProblem(ctx, node, { code: problemCode(r.error), param: 'path', message: `${titleOf(ctx, node)}: ${d.message}`, ...(d.hint ? { hint: d.hint } : {}) }));
  }
  return problems;
}
