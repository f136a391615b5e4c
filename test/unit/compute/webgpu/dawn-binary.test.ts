/**
 * Dawn's binary in the packaged app, without running electron-builder (packaging.test.ts runs it for linux):
 * every target's dawn.node is installed, electron-builder.yml unpacks each one (asarUnpack) and each platform's
 * build keeps its own and drops the others; the resolution finds this platform's binary and maps a path inside
 * app.asar to the unpacked copy.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// electron-builder matches asarUnpack globs with minimatch: the test uses the same matcher (pinned devDependency).
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DAWN_TARGETS, dawnBinary, dawnTarget } from '../../../../main/engine/compute/webgpu/dawn-binary.js';
import { unpackedFromAsar } from '../../../../main/engine/compute/wasm-paths.js';
import { repoRoot } from '../../../helpers/cli.js';


interface BuilderConfig {
  asarUnpack: string[];
  linux: { files?: string[] };
  win: { files?: string[] };
  mac: { files?: string[] };
}
const config = parseYaml(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

describe("Dawn's binary", () => {
  it('is installed for every target the app is packaged for', () => {
    for (const target of DAWN_TARGETS) expect(existsSync(path.join(repoRoot, 'node_modules', 'webgpu', 'dist', target, 'dawn.node')), target).toBe(true);
    expect(existsSync(path.join(repoRoot, 'node_modules', 'webgpu', 'dist', 'win32-x64', 'dxcompiler.dll'))).toBe(true);
  });

  it('names targets as the package loader does (one universal build for macOS)', () => {
    expect(dawnTarget('linux', 'x64')).toBe('linux-x64');
    expect(dawnTarget('win32', 'arm64')).toBe('win32-arm64');
    expect(dawnTarget('darwin', 'arm64')).toBe('darwin-universal');
    expect(dawnTarget('darwin', 'x64')).toBe('darwin-universal');
    expect(dawnBinary()).toEqual({ file: path.join(repoRoot, 'node_modules', 'webgpu', 'dist', dawnTarget(), 'dawn.node'), exists: true });
  });

  it('electron-builder.yml unpacks every file of every target from the asar', () => {
    for (const target of DAWN_TARGETS) {
      for (const file of ['dawn.node', ...(target.startsWith('win32') ? ['d3dcompiler_47.dll', 'dxcompiler.dll'] : [])]) {
        const p = `node_modules/webgpu/dist/${target}/${file}`;
        expect(config.asarUnpack.some((g) => minimatch(p, g, { dot: true })), p).toBe(true);
      }
    }
  });

  it("each platform's build keeps its own binaries and excludes the other platforms'", () => {
    const excluded = (files: string[] | undefined, p: string): boolean => (files ?? []).some((g) => g.startsWith('!') && minimatch(p, g.slice(1), { dot: true }));
    const own: Record<'linux' | 'win' | 'mac', string> = { linux: 'linux-', win: 'win32-', mac: 'darwin-' };
    for (const platform of ['linux', 'win', 'mac'] as const) {
      for (const target of DAWN_TARGETS) {
        const p = `node_modules/webgpu/dist/${target}/dawn.node`;
        expect(excluded(config[platform].files, p), `${platform}: ${p}`).toBe(!target.startsWith(own[platform]));
      }
    }
  });

  it('a path inside app.asar resolves to the unpacked copy when it is there', () => {
    const app = mkdtempSync(path.join(tmpdir(), 'ls-asar-'));
    const unpacked = path.join(app, 'resources', 'app.asar.unpacked', 'node_modules', 'webgpu', 'dist', 'linux-x64');
    mkdirSync(unpacked, { recursive: true });
    writeFileSync(path.join(unpacked, 'dawn.node'), '');
    expect(unpackedFromAsar(path.join(app, 'resources', 'app.asar', 'node_modules', 'webgpu', 'dist', 'linux-x64'))).toBe(unpacked);
  });
});
