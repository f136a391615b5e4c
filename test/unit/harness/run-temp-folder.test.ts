/** The global setup puts every temp folder of a test run under one folder it removes at the end (test/helpers/global-setup.ts). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the test run temp folder', () => {
  it('holds this file\'s temp folders and a child process\'s, under a path short enough for Unix sockets', () => {
    const runDir = process.env.LORA_STUDIO_TEST_TMPDIR;
    expect(runDir).toBeDefined();
    expect(path.dirname(mkdtempSync(path.join(os.tmpdir(), 'x-')))).toBe(runDir);
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], { encoding: 'utf8' });
    expect(child.stdout).toBe(runDir);
    // Chromium's singleton socket lies two levels down with a ~40-byte tail: 108 bytes is the limit.
    expect(runDir!.length).toBeLessThan(40);
  });
});
