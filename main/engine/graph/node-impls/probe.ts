/**
 * Probe: one layer through base, unfused branch and fused weight (ops/probe). The layer is the first LoRA
 * module that matches the pattern and maps onto the model; its weight is the model's as patched so far.
 */
import { probe } from '../../../../shared/nodes/catalogue/inspect.js';
import type { Report } from '../../../../shared/ipc/reports.js';
import { compilePattern } from '../../../../shared/nodes/patterns.js';
import { EngineError } from '../../errors.js';
import { mapLora } from '../../ops/apply/apply-lora.js';
import { planBake } from '../../ops/apply/plan-bake.js';
import { defineNodeImpl } from '../node-impl.js';

export const probeImpl = defineNodeImpl(probe, async ({ node, inputs, params, run, pool }) => {
  const model = inputs.one('model', 'model');
  const lora = inputs.one('lora', 'lora');
  const mapping = mapLora(model.base, lora, { acceptArchitectureMismatch: true });
  const byName = new Map(lora.modules.map((m) => [m.name, m]));
  const pattern = params.layer.trim() === '' ? undefined : compilePattern(params.layer);
  if (pattern && !pattern.ok) throw new EngineError('bad-pattern', `${node.title}: layer "${params.layer}": ${pattern.message}.`, { node: node.id });
  const candidates = mapping.matched.filter((m) => {
    const mod = byName.get(m.module);
    if (!mod || mod.kind === 'replace' || mod.dora) return false;
    if (!pattern?.ok) return true;
    return [m.module, mod.canonical ?? '', m.target.baseKey].some((n) => n !== '' && pattern.test(n));
  });
  const chosen = candidates[0];
  if (!chosen) {
    throw new EngineError('probe-no-layer', `${node.title}: no module of ${lora.label}${pattern ? ` matching "${params.layer}"` : ''} maps onto ${model.label} (DoRA and modules_to_save cannot be probed).`, {
      node: node.id,
      hint: mapping.matched.length === 0 ? 'The LoRA does not fit this model.' : `Try one of: ${mapping.matched.slice(0, 3).map((m) => m.module).join(', ')}.`,
    });
  }
  const module = byName.get(chosen.module)!;
  const weightJob = planBake(model, { dtype: 'F32' }).find((j) => j.entry.name === chosen.target.baseKey);
  if (!weightJob) throw new EngineError('probe-no-layer', `${node.title}: ${chosen.target.baseKey} is not part of ${model.label} (dropped by a selection).`, { node: node.id });
  run.onProgress?.({ fraction: 0.1, message: chosen.module });
  const r = await (await pool()).run(
    'probe.layer',
    {
      module: module.name,
      weightJob,
      ...(chosen.target.slice ? { slice: chosen.target.slice } : {}),
      transpose: chosen.target.transpose !== module.embedding,
      source: module.source,
      kind: module.kind,
      strength: params.strength * module.strength,
      batch: params.batch,
      seed: params.seed,
    },
    { signal: run.signal },
  );
  const fusedVsUnfused = r.comparisons.find((c) => c.a === 'fused' && c.b === 'unfused')!;
  const change = r.comparisons.find((c) => c.a === 'unfused' && c.b === 'base')!;
  const report: Report = {
    nodeId: node.id,
    nodeType: node.type,
    title: node.title,
    createdAt: Date.now(),
    sections: [
      {
        kind: 'probe',
        title: `${module.canonical ?? module.name}`,
        layer: module.name,
        baseKey: chosen.target.baseKey,
        shape: [r.out, r.inFlat],
        batch: params.batch,
        seed: params.seed,
        strength: params.strength,
        outputs: r.outputs.map((o) => ({ name: o.name, norm: fin(o.norm) })),
        comparisons: r.comparisons.map((c) => ({ ...c, maxAbsDiff: fin(c.maxAbsDiff), relativeL2: fin(c.relativeL2) })),
      },
      ...(r.usedFactors ? [] : [{ kind: 'notes' as const, title: 'Note', lines: [{ level: 'info' as const, text: `${module.kind} module: the branch is its dense ΔW (it has no A/B factors).` }] }]),
    ],
  };
  return {
    outputs: { report: { kind: 'report', report } },
    summary: `${module.name}: fused vs unfused rel. ${fusedVsUnfused.relativeL2.toExponential(1)}, LoRA changes the output by ${(change.relativeL2 * 100).toPrecision(3)}%`,
    report,
  };
});

const fin = (v: number): number => (Number.isFinite(v) ? v : 0);
