import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './helpers.js';

const writerModule = path.join(repoRoot, 'main/engine/tensor-io/safetensors-writer.ts');

/**
 * Runs a script in a child Node process that starts writing `out`, prints the temporary path, then does
 * `then` (wait for a signal, or exit). Resolves with how the child ended.
 */
function runChild(dir: string, then: string, signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; temp: string; stdout: string }> {
  const script = path.join(dir, 'child.mts');
  writeFileSync(
    script,
    `import { createSafetensorsWriter } from ${JSON.stringify(writerModule)};
const w = await createSafetensorsWriter(${JSON.stringify(path.join(dir, 'out.safetensors'))}, [{ name: 'a', dtype: 'F32', shape: [1024] }, { name: 'b', dtype: 'F32', shape: [1] }]);
await w.write('a', new Uint8Array(4096));
console.log('TEMP ' + w.tempPath);
${then}
`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let temp = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /TEMP (.+)\n/.exec(stdout);
      if (m && !temp) {
        temp = m[1]!;
        if (signal) {
          expect(existsSync(temp)).toBe(true);
          child.kill(signal);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      if (!temp) reject(new Error(`child never started writing: ${stderr}`));
      else resolve({ code, signal: sig, temp, stdout });
    });
  });
}

describe('temporary files never outlive the process', () => {
  it('Ctrl-C (SIGINT) removes the partial file and the process still dies of SIGINT', async () => {
    const dir = tempDir('sigint');
    const r = await runChild(dir, 'setInterval(() => {}, 1000);', 'SIGINT');
    expect(r.signal).toBe('SIGINT');
    expect(existsSync(r.temp)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
    expect(existsSync(path.join(dir, 'out.safetensors'))).toBe(false);
  }, 30_000);

  it('SIGTERM too', async () => {
    const dir = tempDir('sigterm');
    const r = await runChild(dir, 'setInterval(() => {}, 1000);', 'SIGTERM');
    expect(r.signal).toBe('SIGTERM');
    expect(existsSync(r.temp)).toBe(false);
  }, 30_000);

  it('an application with its own SIGINT handler keeps control; the exit hook still cleans up', async () => {
    const dir = tempDir('handler');
    const r = await runChild(dir, "process.on('SIGINT', () => { console.log('APP STOPPING'); process.exit(130); });\nsetInterval(() => {}, 1000);", 'SIGINT');
    expect(r.stdout).toContain('APP STOPPING');
    expect(r.code).toBe(130);
    expect(existsSync(r.temp)).toBe(false);
  }, 30_000);

  it('process.exit in the middle of a write removes the partial file', async () => {
    const dir = tempDir('exit');
    const r = await runChild(dir, 'process.exit(3);');
    expect(r.code).toBe(3);
    expect(existsSync(r.temp)).toBe(false);
  }, 30_000);
});
