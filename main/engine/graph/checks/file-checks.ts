/**
 * Files before a run: every input file exists and is not a pickle; no output resolves to an input; an output
 * that must not be overwritten does not exist yet.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { outputExtension, withExtension } from '../../../../shared/nodes/output-names.js';
import { PROBLEM_CODES, type Problem } from '../../../../shared/graph/problems.js';
import { PICKLE_EXTENSIONS } from '../../tensor-io/file-kind.js';
import { fileParams, resolveFilePath, resolveOutputPath } from '../plan-paths.js';
import { nodeProblem, titleOf, type CheckContext } from './check-context.js';

const realOrResolved = (p: string): string => {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

export function checkFiles(ctx: CheckContext): Problem[] {
  const problems: Problem[] = [];
  const inputs = new Map<string, string>();
  const outputs: { node: (typeof ctx.doc.nodes)[number]; param: string; file: string; ifExists: unknown }[] = [];
  for (const node of ctx.doc.nodes) {
    const def = ctx.registry.get(node.type);
    const params = ctx.analysis.params.get(node.id);
    if (!def || !params) continue;
    const title = titleOf(ctx, node);
    for (const { name, mode } of fileParams(def)) {
      const raw = params[name];
      if (typeof raw !== 'string' || raw === '') continue;
      if (mode === 'save') {
        outputs.push({ node, param: name, file: withExtension(resolveOutputPath(raw, ctx.paths), outputExtension(node.type, params)), ifExists: params.ifExists });
        continue;
      }
      const file = resolveFilePath(raw, ctx.paths);
      if (PICKLE_EXTENSIONS.some((ext) => file.toLowerCase().endsWith(ext))) {
        problems.push(
          nodeProblem(ctx, node, {
            code: PROBLEM_CODES.pickleRefused,
            param: name,
            message: `${title}: “${file}” is a PyTorch pickle file; pickles are refused because loading one can run arbitrary code.`,
            hint: 'Convert it to .safetensors first (e.g. with the safetensors convert script), then choose the converted file.',
          }),
        );
        continue;
      }
      if (!existsSync(file)) {
        problems.push(
          nodeProblem(ctx, node, {
            code: PROBLEM_CODES.fileNotFound,
            param: name,
            message: `${title}: the file “${file}” does not exist.`,
            hint: raw === file ? 'Choose the file again.' : `Choose the file again (relative paths are read from ${ctx.paths.baseDir ?? 'the current folder'}).`,
          }),
        );
        continue;
      }
      inputs.set(realOrResolved(file), title);
      if (statSync(file).isDirectory()) for (const f of safetensorsIn(file)) inputs.set(realOrResolved(f), title);
    }
  }
  const writers = new Map<string, string>();
  for (const o of outputs) {
    const title = titleOf(ctx, o.node);
    const file = realOrResolved(o.file);
    const other = writers.get(file);
    if (other && ctx.analysis.active.has(o.node.id)) {
      problems.push(
        nodeProblem(ctx, o.node, {
          code: 'output-conflict',
          param: o.param,
          message: `${title}: “${o.file}” is also written by ${other}; one output would replace the other.`,
          hint: 'Give each output node its own file name.',
        }),
      );
    }
    if (ctx.analysis.active.has(o.node.id)) writers.set(file, title);
    const reader = inputs.get(file);
    if (reader) {
      problems.push(
        nodeProblem(ctx, o.node, {
          code: PROBLEM_CODES.outputIsInput,
          param: o.param,
          message: `${title}: the output “${o.file}” is also an input (read by ${reader}); inputs are never overwritten.`,
          hint: 'Choose another output file name.',
        }),
      );
    } else if (o.ifExists === 'error' && existsSync(o.file)) {
      problems.push(
        nodeProblem(ctx, o.node, {
          code: PROBLEM_CODES.outputExists,
          param: o.param,
          message: `${title}: “${o.file}” already exists and this node is set to stop rather than overwrite it.`,
          hint: 'Choose another name, delete the file, or set “If the file exists” to Overwrite.',
        }),
      );
    } else if (o.ifExists === 'ask' && existsSync(o.file)) {
      // A warning, not an error: the app asks before Run, a headless run stops.
      problems.push(
        nodeProblem(ctx, o.node, {
          severity: 'warning',
          code: PROBLEM_CODES.outputExists,
          param: o.param,
          message: `${title}: “${o.file}” already exists; Run asks before writing over it.`,
          hint: 'Or set “If the file exists” to Overwrite or Number the file.',
        }),
      );
    }
  }
  return problems;
}

function safetensorsIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.safetensors')).map((n) => path.join(dir, n));
  } catch {
    return [];
  }
}
