/**
 * Where the heavy operations ran, on the CLI's stderr (llvmpipe on CI): `combine --method svd --backend webgpu`
 * with one LoRA whose up factor has a column spanning 2^43 (test/helpers/wide-gram-loras.ts): that Gram goes
 * to the CPU and the last stderr line counts it with the reason, the others on the GPU; under --backend wasm
 * there is no such line. `--json` carries the same record (`gpuRoutes`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli.js';
import { devicePattern, testGpu } from '../helpers/webgpu.js';
import { wideGramCombineArgs, writeWideGramLoras } from '../helpers/wide-gram-loras.js';

const found = await testGpu();
const dir = mkdtempSync(path.join(tmpdir(), 'ls-webgpu-routes-'));
const loras = writeWideGramLoras(dir);

const combine = (backend: string): ReturnType<typeof runCliProcess> => runCliProcess([...wideGramCombineArgs(loras, path.join(dir, `${backend}.safetensors`)), '--no-hash', '--workers', '2', '--backend', backend, '--json']);

describe.skipIf(!found.gpu)(`the GPU-route line of the CLI (${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  it('combine --method svd --backend webgpu: the Gram the GPU refuses is counted on the CPU with its reason; wasm prints no such line', { timeout: 120_000 }, async () => {
    const g = await combine('webgpu');
    expect(g.code, g.stderr).toBe(0);
    const line = g.stderr.split('\n').find((l) => l.startsWith('gpu: '));
    // Two modules, two Grams each (upᵀ·up, down·downᵀ): three on the GPU, the wide up's on the CPU.
    expect(line).toMatch(new RegExp(`^gpu: (.+, )?3 Gram matrices(, .+)? on ${devicePattern(found.gpu!)} \\((software|hardware)\\); cpu fallback: 1 Gram matrix \\(a column spans more than 2\\^40\\)$`));
    // --json has the same record, with the first refusal's detail.
    const json = JSON.parse(g.stdout) as { gpuRoutes?: unknown };
    expect(json.gpuRoutes).toContainEqual({ op: 'gram', gpu: 3, cpu: [{ reason: 'a column spans more than 2^40', count: 1, detail: expect.stringMatching(/^column 1 spans more than 2\^40 .*1\.00e-13/) }] });
    const w = await combine('wasm');
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/compute: wasm /);
    expect(w.stderr).not.toMatch(/^gpu: /m);
    expect(JSON.parse(w.stdout)).not.toHaveProperty('gpuRoutes');
  });
});
