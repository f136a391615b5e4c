/** The committed icons are exactly what assets/icons/make-icons.mjs draws (deterministic, no downloads). */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

describe('app icons', () => {
  it('match their generator byte for byte, in every format electron-builder uses', async () => {
    for (const f of ['icon.png', 'icon.ico', 'icon.icns', 'png/16x16.png', 'png/256x256.png', 'png/1024x1024.png']) expect(existsSync(path.join(repoRoot, 'assets', 'icons', f)), f).toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'assets', 'icons', 'make-icons.mjs'), '--check']);
    expect(stdout).toContain('up to date');
  }, 60_000);
});
