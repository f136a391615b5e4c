/**
 * LoRA-family shapes: kohya / diffusers / PEFT up·down (linear, LoCon conv, Tucker mid) and PEFT embeddings.
 */
import { fmt, trailingOnes, type ModuleStructure, type ModuleTensors } from './module-tensors.js';

export function loraStructure(t: ModuleTensors): ModuleStructure {
  if (t.has('embA') || t.has('embB')) return embeddingStructure(t);
  if (!t.has('down') || !t.has('up')) {
    const present = t.has('down') ? 'down' : t.has('up') ? 'up' : 'mid';
    const missing = t.has('down') ? 'up' : 'down';
    throw t.error('missing-factor', `has a ${present} tensor ("${t.key(present)}") but no ${missing} tensor.`, t.key(present), 'The file is truncated or was edited; re-export the LoRA.');
  }
  const down = t.shapeAtLeast('down', 2);
  const up = t.shapeAtLeast('up', 2);
  if (!trailingOnes(up, 2)) {
    throw t.error('shape-mismatch', `up tensor "${t.key('up')}" has shape ${fmt(up)}; a conv up must be [out, r, 1, 1].`, t.key('up'));
  }
  const rank = down[0]!;
  const params = { kind: 'lora' as const, down: t.key('down'), up: t.key('up') };
  if (t.has('mid')) {
    const mid = t.shapeAtLeast('mid', 3);
    if (mid[0] !== up[1] || mid[1] !== rank) {
      throw t.error('rank-mismatch', `Tucker mid "${t.key('mid')}" has shape ${fmt(mid)}; with up ${fmt(up)} and down ${fmt(down)} it must be [${up[1]}, ${rank}, kh, kw].`, t.key('mid'));
    }
    if (!trailingOnes(down, 2)) {
      throw t.error('shape-mismatch', `down tensor "${t.key('down')}" has shape ${fmt(down)}; with a Tucker mid it must be [r, in, 1, 1].`, t.key('down'));
    }
    return { params: { ...params, mid: t.key('mid') }, deltaShape: [up[0]!, down[1]!, ...mid.slice(2)], rankForScale: rank, embedding: false };
  }
  if (up[1] !== rank) {
    throw t.error('rank-mismatch', `down "${t.key('down')}" has rank ${rank} (shape ${fmt(down)}) but up "${t.key('up')}" has ${up[1]} columns (shape ${fmt(up)}).`, t.key('up'));
  }
  return { params, deltaShape: [up[0]!, ...down.slice(1)], rankForScale: rank, embedding: false };
}

/** PEFT embeddings: A [r, vocab], B [dim, r]; the module orientation is B·A [dim, vocab], applied transposed. */
function embeddingStructure(t: ModuleTensors): ModuleStructure {
  for (const role of ['down', 'up', 'mid'] as const) {
    if (t.has(role)) throw t.error('mixed-kinds', `mixes lora_embedding_A/B with a linear ${role} tensor ("${t.key(role)}").`, t.key(role));
  }
  if (!t.has('embA') || !t.has('embB')) {
    const present = t.has('embA') ? 'embA' : 'embB';
    throw t.error('missing-factor', `has ${present === 'embA' ? 'lora_embedding_A' : 'lora_embedding_B'} ("${t.key(present)}") but not its partner.`, t.key(present));
  }
  const a = t.shape('embA');
  const b = t.shape('embB');
  if (a.length !== 2 || b.length !== 2) {
    throw t.error('shape-mismatch', `lora_embedding_A ${fmt(a)} and lora_embedding_B ${fmt(b)} must both be 2-D.`, t.key(a.length !== 2 ? 'embA' : 'embB'));
  }
  if (a[0] !== b[1]) {
    throw t.error('rank-mismatch', `lora_embedding_A has rank ${a[0]} (shape ${fmt(a)}) but lora_embedding_B has ${b[1]} columns (shape ${fmt(b)}).`, t.key('embB'));
  }
  return { params: { kind: 'lora', down: t.key('embA'), up: t.key('embB') }, deltaShape: [b[0]!, a[1]!], rankForScale: a[0]!, embedding: true };
}
