import { describe, expect, it } from 'vitest';
import { IdAllocator, idAllocatorFor, isValidId, slugOfType } from '../../../shared/graph/index.js';
import { combineGraph } from './builder.js';

describe('ids', () => {
  it('are readable, per type, and never reused by one allocator', () => {
    const ids = new IdAllocator(['load-lora-3', 'e7']);
    expect(ids.nodeId('lora-studio/load-lora')).toBe('load-lora-4');
    expect(ids.nodeId('lora-studio/save-model')).toBe('save-model-1');
    expect(ids.nodeId('lora-studio/load-lora')).toBe('load-lora-5');
    expect(ids.edgeId()).toBe('e8');
    expect(ids.edgeId()).toBe('e9');
  });

  it('skip ids already taken and know a document', () => {
    const { b } = combineGraph();
    const ids = idAllocatorFor(b.doc);
    const fresh = ids.nodeId('lora-studio/load-lora');
    expect(b.doc.nodes.map((n) => n.id)).not.toContain(fresh);
    expect(b.doc.edges.map((e) => e.id)).not.toContain(ids.edgeId());
    const odd = new IdAllocator(['x-1']);
    odd.reserve('x-2');
    expect(odd.nodeId('a/x')).toBe('x-3');
  });

  it('slugs and validity', () => {
    expect(slugOfType('lora-studio/combine-loras')).toBe('combine-loras');
    expect(slugOfType('weird type!')).toBe('weird-type');
    expect(slugOfType('///')).toBe('node');
    expect(isValidId('load-lora-1')).toBe(true);
    expect(isValidId('a.b')).toBe(false);
    expect(isValidId('')).toBe(false);
    expect(isValidId('x'.repeat(65))).toBe(false);
  });
});
