/**
 * The run's peak-memory estimate (memory-estimate.ts) from the graph and the headers of the models and LoRAs it
 * reads: which phases run (Save Model, LoRA export, Extract LoRA), the largest tensor or module of each kind of
 * work, the ranks, dtypes and merge fan-in. Where the graph does not say (a LoRA that is not traced to a Load
 * LoRA, a model not traced to a Load Model), the largest tensor of the models read stands in, on the safe side.
 */
import type { GraphNode } from '../../../../shared/graph/document.js';
import { PROBLEM_CODES, type Problem } from '../../../../shared/graph/problems.js';
import { NODE_TYPES } from '../../../../shared/nodes/catalogue/index.js';
import { mapLora } from '../../ops/apply/apply-lora.js';
import { DTYPE_INFO, elementCount } from '../../tensor-io/dtypes.js';
import type { LoraValue } from '../../values/lora-value.js';
import type { BaseModel } from '../../values/model-value.js';
import type { MemoryCheck } from '../executor.js';
import {
  bakePhase,
  extractPhase,
  inspectPhase,
  loraExportPhase,
  memoryCheck,
  wholeBytesPerElement,
  type ExportModule,
  type KernelTensor,
  type MemoryInputs,
  type MemoryPart,
  type MemoryPhase,
  type WholeTensor,
  type WholeTensorWork,
} from '../memory-estimate.js';
import type { CheckContext } from './check-context.js';
import { loadPath } from './load-checks.js';
import type { OpenedInputs } from './opened-inputs.js';
import { loraOriginsOf, loraSourceOf, modelSourceOf } from './trace.js';

const F32 = 4;
const OUT_DTYPE_BYTES: Readonly<Record<string, number>> = { fp32: 4, fp16: 2, bf16: 2, fp8_e4m3: 1, fp8_e5m2: 1 };

/** [rows, cols] of a tensor as the bake and the SVDs see it (rows = first dimension). */
interface Dims {
  readonly rows: number;
  readonly cols: number;
  readonly bytes: number;
}

const dimsOf = (shape: readonly number[], bytes: number): Dims => {
  const rows = shape.length === 0 ? 1 : shape[0]!;
  return { rows, cols: rows === 0 ? 0 : elementCount(shape) / rows, bytes };
};

/** The models' largest tensor (by elements) and largest weight of two or more dimensions. */
function largestTensors(models: readonly BaseModel[]): { any: Dims | undefined; weight: Dims | undefined; inBytes: number } {
  let any: Dims | undefined;
  let weight: Dims | undefined;
  let inBytes = 0;
  for (const m of models) {
    for (const e of m.source.entries) {
      const d = dimsOf(e.shape, DTYPE_INFO[e.dtype].bytes);
      inBytes = Math.max(inBytes, d.bytes);
      if (!any || d.rows * d.cols > any.rows * any.cols) any = d;
      if (e.shape.length >= 2 && (!weight || d.rows * d.cols > weight.rows * weight.cols)) weight = d;
    }
  }
  return { any, weight, inBytes };
}

const maxRank = (lora: LoraValue): number => lora.modules.reduce((r, m) => Math.max(r, m.rank ?? 0), 0);
const isKernelModule = (m: LoraValue['modules'][number]): boolean => m.kind === 'lora' && !m.dora && !m.embedding;

class Collector {
  readonly models: BaseModel[] = [];
  readonly loras = new Map<string, LoraValue & { fileBytes: number }>();
  constructor(
    readonly ctx: CheckContext,
    readonly opened: OpenedInputs,
  ) {}

  active(type: string): GraphNode[] {
    return this.ctx.doc.nodes.filter((n) => n.type === type && this.ctx.analysis.active.has(n.id));
  }

  params(node: GraphNode): Readonly<Record<string, unknown>> {
    return this.ctx.analysis.params.get(node.id) ?? {};
  }

  async model(node: GraphNode | undefined): Promise<BaseModel | undefined> {
    const file = node && loadPath(this.ctx, node.id);
    if (!file) return undefined;
    const r = await this.opened.base(file);
    return r.ok ? r.value : undefined;
  }

  async lora(node: GraphNode | undefined): Promise<LoraValue | undefined> {
    const file = node && loadPath(this.ctx, node.id);
    if (!file) return undefined;
    const r = await this.opened.lora(file);
    if (!r.ok) return undefined;
    this.loras.set(file, r.value);
    return r.value;
  }

  async load(): Promise<void> {
    for (const n of this.active(NODE_TYPES.loadModel)) {
      const m = await this.model(n);
      if (m) this.models.push(m);
    }
    for (const n of this.active(NODE_TYPES.loadLora)) await this.lora(n);
  }
}

/** What baking one connected LoRA adds: tensors on the fused kernel (with its rank) and tensors held whole. */
interface BakedLora {
  readonly kernelTargets: Dims[];
  readonly rank: number;
  readonly whole: { elements: number; work: WholeTensorWork }[];
  /** Elements of the largest tensor it patches. */
  readonly largestTarget: number;
}

/** The base tensors a Load LoRA's modules patch, split by whether the fused kernel takes them (plan-bake.ts: plain LoRA modules). */
function mappedLora(lora: LoraValue, base: BaseModel, acceptArchitectureMismatch: boolean): BakedLora {
  const report = mapLora(base, lora, { acceptArchitectureMismatch });
  const byName = new Map(lora.modules.map((m) => [m.name, m]));
  const kernelTargets: Dims[] = [];
  const whole: BakedLora['whole'] = [];
  let largestTarget = 0;
  for (const matched of report.matched) {
    const target = dimsOf(matched.target.baseShape, 0);
    const elements = target.rows * target.cols;
    largestTarget = Math.max(largestTarget, elements);
    const m = byName.get(matched.module);
    if (m && isKernelModule(m)) kernelTargets.push(target);
    else whole.push({ elements, work: { type: 'dense' } });
  }
  return { kernelTargets, rank: maxRank(lora), whole, largestTarget };
}

/**
 * One LoRA reaching a bake, by the node it comes from: a Load LoRA is mapped onto the base; factors made in
 * memory (New LoRA, Resize Rank, Extract LoRA) take the fused kernel at the node's rank; a Combine LoRAs is
 * formed densely per tensor (its members' τ for the merge methods and SVD); anything else densely. Where the
 * patched tensors are not known, the base's largest weight stands in.
 */
async function bakedLora(c: Collector, origin: GraphNode | undefined, base: BaseModel | undefined, apply: GraphNode, weight: Dims | undefined): Promise<BakedLora> {
  const fallback = weight ? weight.rows * weight.cols : 0;
  const accept = c.params(apply).acceptArchitectureMismatch === true;
  const p = origin ? c.params(origin) : {};
  switch (origin?.type) {
    case NODE_TYPES.loadLora: {
      const lora = await c.lora(origin);
      if (lora && base) return mappedLora(lora, base, accept);
      if (lora && lora.modules.every(isKernelModule)) return { kernelTargets: weight ? [weight] : [], rank: maxRank(lora), whole: [], largestTarget: fallback };
      break;
    }
    case NODE_TYPES.newLora:
    case NODE_TYPES.resizeRank:
    case NODE_TYPES.extractLora:
      return { kernelTargets: weight ? [weight] : [], rank: Math.max(Number(p.rank) || 0, Number(p.convRank) || 0), whole: [], largestTarget: fallback };
    case NODE_TYPES.combineLoras: {
      const members = loraOriginsOf(c.ctx, origin.id, 'loras');
      let largestTarget = 0;
      for (const m of members) {
        const lora = m?.type === NODE_TYPES.loadLora ? await c.lora(m) : undefined;
        largestTarget = Math.max(largestTarget, lora && base ? mappedLora(lora, base, accept).largestTarget : fallback);
      }
      const method = String(p.method);
      const work: WholeTensorWork = method === 'concat' || method === 'kohya' ? { type: 'dense' } : { type: 'merge-method', members: members.length };
      return { kernelTargets: [], rank: 0, whole: [{ elements: largestTarget, work }], largestTarget };
    }
  }
  return { kernelTargets: [], rank: 0, whole: [{ elements: fallback, work: { type: 'dense' } }], largestTarget: fallback };
}

async function bakeOf(c: Collector, workers: number, windowBytes: number | undefined): Promise<MemoryPhase | undefined> {
  const saves = c.active(NODE_TYPES.saveModel);
  if (saves.length === 0) return undefined;
  const largest = largestTensors(c.models);
  const inBytes = largest.inBytes || 2;
  const outBytes = Math.max(...saves.map((s) => OUT_DTYPE_BYTES[String(c.params(s).dtype)] ?? inBytes));
  const wholes: WholeTensor[] = [];
  const whole = (elements: number, work: WholeTensorWork): void => void wholes.push({ elements, work, inBytes, outBytes });
  const kernelTargets: Dims[] = [];
  let rankSum = 0;

  for (const node of [...c.active(NODE_TYPES.applyLora), ...c.active(NODE_TYPES.bakeLoras)]) {
    const origins = loraOriginsOf(c.ctx, node.id, node.type === NODE_TYPES.applyLora ? 'lora' : 'loras');
    const base = await c.model(modelSourceOf(c.ctx, node.id, 'model'));
    const weight = largestTensors(base ? [base] : c.models).weight;
    let largestTarget = 0;
    for (const origin of origins) {
      const b = await bakedLora(c, origin, base, node, weight);
      kernelTargets.push(...b.kernelTargets);
      rankSum += b.rank;
      for (const w of b.whole) whole(w.elements, w.work);
      largestTarget = Math.max(largestTarget, b.largestTarget);
    }
    const method = node.type === NODE_TYPES.bakeLoras ? String(c.params(node).method ?? 'sum') : 'sum';
    if (method !== 'sum' && origins.length > 0) whole(largestTarget, { type: 'merge-method', members: origins.length });
  }
  // The fused kernel writes F16, BF16 and F32 (kernels/low-rank-job.ts); an fp8 output takes the JS path, whole.
  const fp8 = outBytes === 1;
  if (fp8) for (const t of kernelTargets) whole(t.rows * t.cols, { type: 'dense' });
  let kernel: KernelTensor | undefined;
  if (!fp8) for (const t of kernelTargets) if (!kernel || t.rows + t.cols > kernel.rows + kernel.cols) kernel = { rows: t.rows, cols: t.cols, rank: rankSum };
  // Merge Models merges every tensor, the largest of the models included.
  const anyLargest = largest.any ? largest.any.rows * largest.any.cols : 0;
  for (const node of c.active(NODE_TYPES.mergeModels)) {
    const withC = c.ctx.analysis.validEdges.some((e) => e.target === node.id && e.targetPort === 'c');
    whole(anyLargest, { type: 'merge-models', others: withC ? 2 : 1 });
  }
  if (fp8) whole(anyLargest, { type: 'cast' });
  let worst: WholeTensor | undefined;
  for (const w of wholes) if (!worst || w.elements * wholeBytesPerElement(w) > worst.elements * wholeBytesPerElement(worst)) worst = w;
  return bakePhase({ workers, ...(windowBytes ? { windowBytes } : {}), ...(kernel ? { kernel } : {}), ...(worst ? { whole: worst } : {}) });
}

interface Extraction {
  readonly phase: MemoryPhase;
  readonly held: MemoryPart;
  readonly module: ExportModule;
}

/** Extract LoRA: its largest weight pair, and the factors of every weight it may keep (held until Save LoRA). */
async function extractOf(c: Collector, node: GraphNode, workers: number): Promise<Extraction | undefined> {
  const base = await c.model(modelSourceOf(c.ctx, node.id, 'base'));
  if (!base) return undefined;
  const p = c.params(node);
  const k = Math.max(Number(p.rank) || 0, Number(p.convRank) || 0);
  const { weight, inBytes } = largestTensors([base]);
  if (!weight || k === 0) return undefined;
  let held = 0;
  for (const e of base.source.entries) {
    if (e.shape.length < 2) continue;
    const d = dimsOf(e.shape, 0);
    held += (d.rows + d.cols) * Math.min(k, d.rows, d.cols) * F32;
  }
  return {
    phase: extractPhase({ workers, tensor: { out: weight.rows, inFlat: weight.cols, inBytes, rank: k } }),
    held: { name: `${node.title ?? 'Extract LoRA'}: factors`, bytes: held },
    module: { out: weight.rows, inFlat: weight.cols, rank: k, outRank: k, denseMembers: 0 },
  };
}

/** The LoRA export's largest module: every LoRA read, combined as the Combine LoRAs nodes say, and extracted ones. */
function exportModuleOf(c: Collector, extracted: readonly ExportModule[]): ExportModule | undefined {
  let out = 0;
  let inFlat = 0;
  let rank = 0;
  let dense = false;
  for (const lora of c.loras.values()) {
    rank += maxRank(lora);
    for (const m of lora.modules) {
      const d = dimsOf(m.deltaShape, 0);
      if (d.rows + d.cols > out + inFlat) [out, inFlat] = [d.rows, d.cols];
      if (m.kind !== 'lora' && m.kind !== 'replace') dense = true;
    }
  }
  let outRank = rank;
  let denseMembers = 0;
  for (const node of c.active(NODE_TYPES.combineLoras)) {
    const p = c.params(node);
    const members = c.ctx.analysis.validEdges.filter((e) => e.target === node.id && e.targetPort === 'loras').length;
    const method = String(p.method);
    if (method !== 'concat' && method !== 'kohya') outRank = Math.max(outRank, Number(p.rank) || 0);
    if (method !== 'concat' && method !== 'svd' && method !== 'kohya') denseMembers = Math.max(denseMembers, members);
    else if (method === 'svd' && dense) denseMembers = Math.max(denseMembers, 1);
  }
  for (const node of c.active(NODE_TYPES.resizeRank)) {
    outRank = Math.max(outRank, Number(c.params(node).rank) || 0);
    if (dense) denseMembers = Math.max(denseMembers, 1);
  }
  for (const e of extracted) {
    if (e.out + e.inFlat > out + inFlat) [out, inFlat] = [e.out, e.inFlat];
    rank += e.rank;
    outRank = Math.max(outRank, e.outRank);
  }
  if (out === 0 || rank === 0) return undefined;
  return { out, inFlat, rank, outRank: Math.max(outRank, rank), denseMembers };
}

/** Resize Rank keeps its truncated factors in fp32 until a sink writes them. */
function resizeHeld(c: Collector, node: GraphNode, lora: LoraValue | undefined): MemoryPart | undefined {
  if (!lora) return undefined;
  const k = Number(c.params(node).rank) || 0;
  const bytes = lora.modules.reduce((s, m) => {
    const d = dimsOf(m.deltaShape, 0);
    return s + (d.rows + d.cols) * Math.min(k, m.rank ?? k) * F32;
  }, 0);
  return { name: `${node.title ?? 'Resize Rank'}: factors`, bytes };
}

export async function memoryInputs(ctx: CheckContext, opened: OpenedInputs, workers: number, windowBytes?: number): Promise<MemoryInputs> {
  const c = new Collector(ctx, opened);
  await c.load();
  const phases: MemoryPhase[] = [];
  const held: MemoryPart[] = [];
  const bake = await bakeOf(c, workers, windowBytes);
  if (bake) phases.push(bake);
  const extracted: ExportModule[] = [];
  for (const node of c.active(NODE_TYPES.extractLora)) {
    const x = await extractOf(c, node, workers);
    if (!x) continue;
    phases.push(x.phase);
    held.push(x.held);
    extracted.push(x.module);
  }
  for (const node of c.active(NODE_TYPES.resizeRank)) {
    const h = resizeHeld(c, node, await c.lora(loraSourceOf(ctx, node.id, 'lora')));
    if (h) held.push(h);
  }
  // Load LoRA reads every factor on this thread (the NaN / Inf scan, adapters/non-finite.ts), tensor by tensor;
  // their buffers go at V8's pace, into the phases after it (Llama-3-8B merge: +70 MB peak for an 84 MB adapter).
  const loraFiles = [...c.loras.values()].reduce((sum, l) => sum + l.fileBytes, 0);
  if (loraFiles > 0) held.push({ name: 'LoRA files scanned', bytes: loraFiles });
  const probing = [...c.active(NODE_TYPES.inspect), ...c.active(NODE_TYPES.probe)];
  const compared = Math.max(1, ...probing.map((n) => ctx.analysis.validEdges.filter((e) => e.target === n.id && (e.targetPort === 'loras' || e.targetPort === 'lora')).length));
  const probed = probing.length > 0 ? exportModuleOf(c, extracted) : undefined;
  if (probed) phases.push(inspectPhase({ workers, module: { ...probed, denseMembers: compared } }));
  if (c.active(NODE_TYPES.saveLora).length > 0 || c.active(NODE_TYPES.resizeRank).length > 0) {
    const module = exportModuleOf(c, extracted);
    if (module) phases.push(loraExportPhase({ workers, ...(windowBytes ? { windowBytes } : {}), module }));
  }
  return { workers, phases, held };
}

export function memoryProblem(check: MemoryCheck): Problem | undefined {
  if (check.estimatedPeakBytes <= check.availableBytes) return undefined;
  const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;
  return {
    severity: 'error',
    code: PROBLEM_CODES.insufficientMemory,
    message: `This run needs about ${gib(check.estimatedPeakBytes)} of memory but ${gib(check.availableBytes)} is available (${check.breakdown ?? 'estimate'}).`,
    hint: 'Close other programs, use fewer workers (LORA_STUDIO_WORKERS=1), or run on a machine with more memory.',
  };
}

export async function checkMemory(ctx: CheckContext, opened: OpenedInputs, workers: number, availableBytes: number, windowBytes?: number): Promise<MemoryCheck> {
  return memoryCheck(await memoryInputs(ctx, opened, workers, windowBytes), availableBytes);
}
