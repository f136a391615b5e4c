/**
 * Outputs and faults in the streaming writer: an output path that is not a regular file (FIFO, socket,
 * device) is refused; a parent that is a file says so; temporary files carry their writer's pid, and the
 * temp of a writer that is gone (SIGKILL) is removed by the next writer of the same output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSafetensorsWriter } from '../../../main/engine/tensor-io/safetensors-writer.js';
import { removeStaleTempFiles, temporaryPathFor } from '../../../main/engine/tensor-io/temp-files.js';
import { expectIOError, tempDir } from '../tensor-io/helpers.js';

const root = tempDir('outputs');
let n = 0;
const freshDir = (): string => {
  const d = path.join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};
const plan = [{ name: 'a', dtype: 'F32' as const, shape: [2] }];

/** The pid of a process that has exited (so no live writer can own it). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('output path checks', () => {
  it.skipIf(process.platform === 'win32')('refuses a FIFO as output and leaves it a FIFO', async () => {
    const dir = freshDir();
    const fifo = path.join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    await expectIOError(createSafetensorsWriter(fifo, plan), 'not-a-file', [fifo, 'FIFO']);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(['pipe']);
  });

  it.skipIf(process.platform === 'win32')('refuses a socket as output', async () => {
    const dir = freshDir();
    const sock = path.join(dir, 'sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      await expectIOError(createSafetensorsWriter(sock, plan), 'not-a-file', [sock, 'socket']);
      expect(lstatSync(sock).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });

  it.skipIf(!existsSync('/dev/null'))('refuses a device (through a symlink to /dev/null, so a failure cannot harm the system)', async () => {
    const dir = freshDir();
    const link = path.join(dir, 'null.safetensors');
    symlinkSync('/dev/null', link);
    await expectIOError(createSafetensorsWriter(link, plan), 'not-a-file', [link, 'device']);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a parent that is a file: says that it is a file', async () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'afile'), 'x');
    const out = path.join(dir, 'afile', 'out.safetensors');
    await expectIOError(createSafetensorsWriter(out, plan), 'write-failed', [out, 'is a file, not a directory']);
  });
});

describe('temporary files of a writer that is gone', () => {
  it('names temporaries with the pid and a marker', () => {
    const t = temporaryPathFor('/x/out.safetensors');
    expect(path.basename(t)).toMatch(new RegExp(`^\\.out\\.safetensors\\.lora-studio-tmp-${process.pid}-[0-9a-f]{12}$`));
  });

  it('the next writer of the same output removes a temp whose writer died, keeps live and unrelated ones', async () => {
    const dir = freshDir();
    const out = path.join(dir, 'out.safetensors');
    const dead = deadPid();
    const stale = path.join(dir, `.out.safetensors.lora-studio-tmp-${dead}-0123456789ab`);
    const staleDir = path.join(dir, `.out.safetensors.lora-studio-tmp-${dead}-ba9876543210`);
    const live = path.join(dir, `.out.safetensors.lora-studio-tmp-${process.pid}-aaaaaaaaaaaa`);
    const otherTarget = path.join(dir, `.other.safetensors.lora-studio-tmp-${dead}-0123456789ab`);
    const lookalike = path.join(dir, `.out.safetensors.lora-studio-tmp-${dead}-notours`);
    for (const f of [stale, live, otherTarget, lookalike]) writeFileSync(f, 'partial');
    mkdirSync(staleDir);
    writeFileSync(path.join(staleDir, 'adapter_model.safetensors'), 'partial');
    const w = await createSafetensorsWriter(out, plan);
    await w.write('a', new Uint8Array(8));
    await w.commit();
    const left = readdirSync(dir).sort();
    expect(left).toEqual([path.basename(live), path.basename(lookalike), path.basename(otherTarget), 'out.safetensors'].sort());
  });

  it('removeStaleTempFiles(dir) sweeps every dead writer’s temp in a folder (what the app does at start)', async () => {
    const dir = freshDir();
    const dead = deadPid();
    writeFileSync(path.join(dir, `.a.safetensors.lora-studio-tmp-${dead}-0123456789ab`), 'x');
    writeFileSync(path.join(dir, `.b.json.lora-studio-tmp-${dead}-0123456789ab`), 'x');
    writeFileSync(path.join(dir, 'keep.safetensors'), 'x');
    expect((await removeStaleTempFiles(dir)).length).toBe(2);
    expect(readdirSync(dir)).toEqual(['keep.safetensors']);
    expect(await removeStaleTempFiles(path.join(dir, 'missing'))).toEqual([]);
  });
});

describe('a parent of the output that is a file, for every writer', () => {
  it('directory outputs (PEFT format), report files and the directory a save creates say so clearly', async () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'afile'), 'x');
    const { writeDirectoryAtomically } = await import('../../../main/engine/export/lora-format/atomic-directory.js');
    const { writeFileAtomic } = await import('../../../main/engine/graph/atomic-write.js');
    const { ensureOutputDirectory } = await import('../../../main/engine/tensor-io/output-guard.js');
    for (const attempt of [
      () => writeDirectoryAtomically(path.join(dir, 'afile', 'adapter'), [], async () => 1),
      () => writeFileAtomic(path.join(dir, 'afile', 'report.json'), '{}'),
      () => ensureOutputDirectory(path.join(dir, 'afile', 'sub', 'out.safetensors')),
    ]) {
      const e = await attempt().then(() => undefined, (err: unknown) => err as Error & { code?: string });
      expect(e?.message).toMatch(/is a file, not a directory/);
      expect(e?.message).toContain('afile');
    }
    expect(readdirSync(dir)).toEqual(['afile']);
  });
});
