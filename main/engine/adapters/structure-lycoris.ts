/**
 * LyCORIS shapes, as LyCORIS writes them and ComfyUI reads them:
 * - LoHa: w1a [out, r], w1b [r, in·k·k]; Tucker: t [r, r, kh, kw], wa [r, out], wb [r, in]. Scale divisor: w1b rows.
 * - LoKr: ΔW = kron(w1, w2); w1 [a, b] or w1a [a, r]·w1b [r, b]; w2 [c, d(, kh, kw)] or w2a [c, r]·w2b [r, d·k·k],
 *   or Tucker t2 [r, r, kh, kw], w2a [r, c], w2b [r, d]. Scale divisor (ComfyUI's `dim`): w2b rows when w2 is
 *   low-rank, else w1b rows, else none (full w1 and w2 → scale 1 whatever alpha says).
 * - Full: `.diff` is ΔW, `.diff_b` the bias delta.
 */
import { fmt, flatSize, type ModuleStructure, type ModuleTensors } from './module-tensors.js';
import type { ParamRole } from './key-parser.js';

export function lohaStructure(t: ModuleTensors): ModuleStructure {
  for (const role of ['w1a', 'w1b', 'w2a', 'w2b'] as const) {
    if (!t.has(role)) throw t.error('missing-factor', `is a LoHa module without its hada_${role[0]}${role[1]}_${role[2]} tensor.`, undefined, 'A LoHa module needs hada_w1_a, hada_w1_b, hada_w2_a and hada_w2_b.');
  }
  if (t.has('t1') !== t.has('t2')) {
    const present = t.has('t1') ? 't1' : 't2';
    throw t.error('missing-factor', `has hada_${present} but not hada_${present === 't1' ? 't2' : 't1'}; Tucker LoHa needs both.`, t.key(present));
  }
  const w1b = t.shapeAtLeast('w1b', 2);
  const rank = w1b[0]!;
  const params = { kind: 'loha' as const, w1a: t.key('w1a'), w1b: t.key('w1b'), w2a: t.key('w2a'), w2b: t.key('w2b') };
  if (t.has('t1')) {
    const h1 = tuckerHalf(t, 't1', 'w1a', 'w1b');
    const h2 = tuckerHalf(t, 't2', 'w2a', 'w2b');
    if (h1.out !== h2.out || h1.inCh !== h2.inCh || fmt(h1.kernel) !== fmt(h2.kernel)) {
      throw t.error('shape-mismatch', `its two Tucker halves disagree: [${h1.out}, ${h1.inCh}, ${h1.kernel.join(', ')}] vs [${h2.out}, ${h2.inCh}, ${h2.kernel.join(', ')}].`);
    }
    return { params: { ...params, t1: t.key('t1'), t2: t.key('t2') }, deltaShape: [h1.out, h1.inCh, ...h1.kernel], rankForScale: rank, embedding: false };
  }
  const p1 = lowRankPair(t, 'w1a', 'w1b');
  const p2 = lowRankPair(t, 'w2a', 'w2b');
  if (p1.out !== p2.out || p1.inFlat !== p2.inFlat) {
    throw t.error('shape-mismatch', `w1a·w1b is [${p1.out}, ${p1.inFlat}] but w2a·w2b is [${p2.out}, ${p2.inFlat}]; the Hadamard product needs equal shapes.`, t.key('w2b'));
  }
  return { params, deltaShape: [p1.out, ...t.shape('w1b').slice(1)], rankForScale: rank, embedding: false };
}

export function lokrStructure(t: ModuleTensors): ModuleStructure {
  const w1 = lokrW1(t);
  const w2 = lokrW2(t);
  const params = {
    kind: 'lokr' as const,
    ...(w1.full ? { w1: t.key('lokrW1') } : { w1a: t.key('lokrW1a'), w1b: t.key('lokrW1b') }),
    ...(w2.kind === 'full' ? { w2: t.key('lokrW2') } : { w2a: t.key('lokrW2a'), w2b: t.key('lokrW2b') }),
    ...(w2.kind === 'tucker' ? { t2: t.key('lokrT2') } : {}),
  };
  const rankForScale = w2.kind !== 'full' ? t.shape('lokrW2b')[0] : !w1.full ? t.shape('lokrW1b')[0] : undefined;
  const deltaShape = [w1.rows * w2.shape[0]!, w1.cols * w2.shape[1]!, ...w2.shape.slice(2)];
  return { params, deltaShape, rankForScale, embedding: false };
}

export function fullStructure(t: ModuleTensors): ModuleStructure {
  const diff = t.has('diff') ? t.shape('diff') : undefined;
  const bias = t.has('diffBias') ? t.shape('diffBias') : undefined;
  if (diff && bias && bias.length === 1 && bias[0] !== diff[0]) {
    throw t.error('shape-mismatch', `diff_b has ${bias[0]} elements but diff has ${diff[0]} output rows.`, t.key('diffBias'));
  }
  return {
    params: { kind: 'full', ...(diff ? { diff: t.key('diff') } : {}), ...(bias ? { diffBias: t.key('diffBias') } : {}) },
    deltaShape: [...(diff ?? bias ?? [])],
    rankForScale: undefined,
    embedding: false,
  };
}

function lowRankPair(t: ModuleTensors, aRole: ParamRole, bRole: ParamRole): { out: number; inFlat: number } {
  const a = t.shape(aRole);
  const b = t.shapeAtLeast(bRole, 2);
  if (a.length !== 2) throw t.error('shape-mismatch', `${aRole} "${t.key(aRole)}" has shape ${fmt(a)}; expected 2-D [out, r].`, t.key(aRole));
  if (a[1] !== b[0]) {
    throw t.error('rank-mismatch', `${aRole} "${t.key(aRole)}" ${fmt(a)} and ${bRole} "${t.key(bRole)}" ${fmt(b)} disagree on the rank.`, t.key(bRole));
  }
  return { out: a[0]!, inFlat: flatSize(b, 1) };
}

/** einsum('i j k l, j r, i p -> p r k l', t, wb, wa): t [r, r, k…], wa [r, out], wb [r, in]. */
function tuckerHalf(t: ModuleTensors, tRole: ParamRole, aRole: ParamRole, bRole: ParamRole): { out: number; inCh: number; kernel: number[] } {
  const core = t.shapeAtLeast(tRole, 3);
  const a = t.shape(aRole);
  const b = t.shape(bRole);
  if (a.length !== 2 || b.length !== 2) {
    throw t.error('shape-mismatch', `with a Tucker core, ${aRole} ${fmt(a)} and ${bRole} ${fmt(b)} must be 2-D [r, out] and [r, in].`, t.key(a.length !== 2 ? aRole : bRole));
  }
  if (core[0] !== a[0] || core[1] !== b[0]) {
    throw t.error('rank-mismatch', `Tucker core "${t.key(tRole)}" ${fmt(core)} does not fit ${aRole} ${fmt(a)} and ${bRole} ${fmt(b)} (needs [${a[0]}, ${b[0]}, …]).`, t.key(tRole));
  }
  return { out: a[1]!, inCh: b[1]!, kernel: core.slice(2) };
}

function lokrW1(t: ModuleTensors): { full: boolean; rows: number; cols: number } {
  if (t.has('lokrW1')) {
    if (t.has('lokrW1a') || t.has('lokrW1b')) throw t.error('mixed-kinds', 'has both lokr_w1 and lokr_w1_a/lokr_w1_b.', t.key('lokrW1'));
    const s = t.shape('lokrW1');
    if (s.length !== 2) throw t.error('shape-mismatch', `lokr_w1 has shape ${fmt(s)}; expected 2-D.`, t.key('lokrW1'));
    return { full: true, rows: s[0]!, cols: s[1]! };
  }
  if (!t.has('lokrW1a') || !t.has('lokrW1b')) {
    throw t.error('missing-factor', 'is a LoKr module without lokr_w1 (or the pair lokr_w1_a, lokr_w1_b).', t.has('lokrW1a') ? t.key('lokrW1a') : t.has('lokrW1b') ? t.key('lokrW1b') : undefined);
  }
  const p = lowRankPair(t, 'lokrW1a', 'lokrW1b');
  return { full: false, rows: p.out, cols: p.inFlat };
}

function lokrW2(t: ModuleTensors): { kind: 'full' | 'lowrank' | 'tucker'; shape: number[] } {
  if (t.has('lokrW2')) {
    if (t.has('lokrW2a') || t.has('lokrW2b') || t.has('lokrT2')) throw t.error('mixed-kinds', 'has both lokr_w2 and low-rank lokr_w2_a/lokr_w2_b/lokr_t2.', t.key('lokrW2'));
    return { kind: 'full', shape: [...t.shapeAtLeast('lokrW2', 2)] };
  }
  if (!t.has('lokrW2a') || !t.has('lokrW2b')) {
    throw t.error('missing-factor', 'is a LoKr module without lokr_w2 (or the pair lokr_w2_a, lokr_w2_b).', t.has('lokrW2a') ? t.key('lokrW2a') : t.has('lokrW2b') ? t.key('lokrW2b') : undefined);
  }
  if (t.has('lokrT2')) {
    const h = tuckerHalf(t, 'lokrT2', 'lokrW2a', 'lokrW2b');
    return { kind: 'tucker', shape: [h.out, h.inCh, ...h.kernel] };
  }
  const p = lowRankPair(t, 'lokrW2a', 'lokrW2b');
  return { kind: 'lowrank', shape: [p.out, ...t.shape('lokrW2b').slice(1)] };
}
