import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultWritebackStep, WRITEBACK_STEP_BYTES, WritebackPacer } from '../../../main/engine/tensor-io/writeback.js';
import { tempDir } from './helpers.js';

const dir = tempDir('writeback');

describe('WritebackPacer', () => {
  it('requests writeback once a step is written, one request per file at a time, and closes cleanly', async () => {
    const a = path.join(dir, 'a.bin');
    const b = path.join(dir, 'b.bin');
    writeFileSync(a, new Uint8Array(4096).fill(1));
    writeFileSync(b, new Uint8Array(4096).fill(2));
    const pacer = new WritebackPacer(1000);
    pacer.wrote(a, 999);
    expect(pacer.requests).toBe(0);
    pacer.wrote(a, 1);
    expect(pacer.requests).toBe(1);
    // A request is in flight for a: more bytes wait for it instead of starting a second one now.
    pacer.wrote(a, 5000);
    expect(pacer.requests).toBe(1);
    pacer.wrote(b, 1000);
    expect(pacer.requests).toBe(2);
    for (let waited = 0; pacer.requests < 3 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    // The pending 5000 bytes of a were requested once the first request ended.
    expect(pacer.requests).toBe(3);
    await pacer.close();
    pacer.wrote(a, 10_000);
    expect(pacer.requests).toBe(3);
    expect(readFileSync(a)).toEqual(Buffer.alloc(4096, 1));
  });

  it('a step of 0 never requests; a file that cannot be opened is ignored (commit reports disk errors)', async () => {
    const off = new WritebackPacer(0);
    off.wrote(path.join(dir, 'a.bin'), 1 << 30);
    expect(off.requests).toBe(0);
    const gone = path.join(dir, 'gone.bin');
    const pacer = new WritebackPacer(1);
    pacer.wrote(gone, 10);
    await pacer.close();
    expect(existsSync(gone)).toBe(false);
  });

  it('LORA_STUDIO_WRITEBACK_STEP_MB sets the step; unset or not a number: the default, 64 MiB', () => {
    expect(defaultWritebackStep({ LORA_STUDIO_WRITEBACK_STEP_MB: '8' })).toBe(8 * 1024 * 1024);
    expect(defaultWritebackStep({ LORA_STUDIO_WRITEBACK_STEP_MB: '0' })).toBe(0);
    expect(defaultWritebackStep({ LORA_STUDIO_WRITEBACK_STEP_MB: 'x' })).toBe(WRITEBACK_STEP_BYTES);
    expect(defaultWritebackStep({})).toBe(64 * 1024 * 1024);
  });
});
