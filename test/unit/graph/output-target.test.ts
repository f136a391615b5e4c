import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputTarget } from '../../../main/engine/graph/output-target.js';
import { numberedPath, withExtension } from '../../../shared/nodes/output-names.js';

const saveModel = { id: 'save-model-1', title: 'Save Model', type: 'lora-studio/save-model', params: {} };
const peft = { id: 'save-lora-1', title: 'Save LoRA', type: 'lora-studio/save-lora', params: { format: 'peft' } };
const report = { id: 'save-report-1', title: 'Save Report', type: 'lora-studio/save-report', params: {} };

describe('output names', () => {
  it('adds the format’s extension when it is missing, never twice', () => {
    expect(withExtension('/o/merged', '.safetensors')).toBe('/o/merged.safetensors');
    expect(withExtension('/o/merged.SAFETENSORS', '.safetensors')).toBe('/o/merged.SAFETENSORS');
    expect(withExtension('/o/adapter', '')).toBe('/o/adapter');
    expect(numberedPath('/o/m.safetensors', '.safetensors', 12)).toBe('/o/m_00012.safetensors');
    expect(numberedPath('/o/adapter', '', 1)).toBe('/o/adapter_00001');
  });

  it('ask: a new file is written; an existing one only after a yes; number: the first free name; error: stops', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ls-out-'));
    const out = path.join(dir, 'merged');
    expect(outputTarget(saveModel, out, 'ask', {})).toBe(`${out}.safetensors`);
    expect(outputTarget(report, out, 'ask', {})).toBe(`${out}.json`);
    expect(outputTarget(peft, out, 'ask', {})).toBe(out);
    writeFileSync(`${out}.safetensors`, 'old');
    expect(() => outputTarget(saveModel, out, 'ask', {})).toThrow(/already exists; writing over it needs a yes first/);
    expect(outputTarget(saveModel, out, 'ask', { overwriteConfirmed: true })).toBe(`${out}.safetensors`);
    expect(outputTarget(saveModel, out, 'overwrite', {})).toBe(`${out}.safetensors`);
    expect(() => outputTarget(saveModel, out, 'error', { overwriteConfirmed: true })).toThrow(/set to stop rather than overwrite/);
    expect(outputTarget(saveModel, out, 'number', {})).toBe(`${out}_00001.safetensors`);
    writeFileSync(`${out}_00001.safetensors`, 'old');
    expect(outputTarget(saveModel, `${out}.safetensors`, 'number', {})).toBe(`${out}_00002.safetensors`);
  });
});
