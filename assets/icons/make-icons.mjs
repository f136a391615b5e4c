#!/usr/bin/env node
// Draws LoRA Studio's icon (two LoRA nodes merging into one, on an indigo tile) and writes the files
// electron-builder needs: png/<size>x<size>.png (Linux), icon.png (1024), icon.ico (Windows), icon.icns
// (macOS). Deterministic: no downloads, no randomness, same bytes on every machine.
//   node assets/icons/make-icons.mjs [--check]   (--check: exit 1 if the files on disk differ)
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

// ---- drawing (signed distances in unit coordinates, 4×4 supersampling) ----
const A = [0.3, 0.34];
const B = [0.3, 0.66];
const C = [0.7, 0.5];
const mix = (a, b, t) => a + (b - a) * t;
const over = (dst, [r, g, b], alpha) => {
  dst[0] = mix(dst[0], r, alpha);
  dst[1] = mix(dst[1], g, alpha);
  dst[2] = mix(dst[2], b, alpha);
  dst[3] = alpha + dst[3] * (1 - alpha);
};
function roundedBox(x, y, lo, hi, r) {
  const cx = (lo + hi) / 2;
  const half = (hi - lo) / 2 - r;
  const dx = Math.abs(x - cx) - half;
  const dy = Math.abs(y - cx) - half;
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0) - r;
}
function segment(x, y, [ax, ay], [bx, by]) {
  const px = x - ax, py = y - ay, vx = bx - ax, vy = by - ay;
  const t = Math.max(0, Math.min(1, (px * vx + py * vy) / (vx * vx + vy * vy)));
  return Math.hypot(px - t * vx, py - t * vy);
}
const circle = (x, y, [cx, cy], r) => Math.hypot(x - cx, y - cy) - r;

function sample(x, y) {
  const px = [0, 0, 0, 0];
  if (roundedBox(x, y, 0.0625, 0.9375, 0.19) > 0) return px;
  over(px, [mix(0x2b, 0x4f, y), mix(0x36, 0x6b, y), mix(0x6b, 0xd8, y)], 1);
  if (Math.min(segment(x, y, A, C), segment(x, y, B, C)) < 0.026) over(px, [240, 244, 255], 0.9);
  for (const [c, r, color] of [[A, 0.085, [255, 209, 102]], [B, 0.085, [255, 209, 102]], [C, 0.105, [6, 214, 160]]]) {
    const d = circle(x, y, c, r);
    if (d < 0.022 && d >= 0) over(px, [250, 250, 255], 1);
    if (d < 0) over(px, color, 1);
  }
  return px;
}

function render(size) {
  const ss = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sj = 0; sj < ss; sj++) {
        for (let si = 0; si < ss; si++) {
          const p = sample((i + (si + 0.5) / ss) / size, (j + (sj + 0.5) / ss) / size);
          r += p[0] * p[3]; g += p[1] * p[3]; b += p[2] * p[3]; a += p[3];
        }
      }
      const o = (j * size + i) * 4;
      rgba[o] = a > 0 ? Math.round(r / a) : 0;
      rgba[o + 1] = a > 0 ? Math.round(g / a) : 0;
      rgba[o + 2] = a > 0 ? Math.round(b / a) : 0;
      rgba[o + 3] = Math.round((a / (ss * ss)) * 255);
    }
  }
  return rgba;
}

// ---- PNG, ICO, ICNS writers ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}
function ico(entries) {
  const header = Buffer.alloc(6 + 16 * entries.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(entries.length, 4);
  let offset = header.length;
  entries.forEach(([size, data], i) => {
    const e = 6 + i * 16;
    header[e] = size >= 256 ? 0 : size;
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...entries.map(([, d]) => d)]);
}
function icns(entries) {
  const parts = entries.map(([type, data]) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'ascii');
    h.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([h, data]);
  });
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'ascii');
  h.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([h, ...parts]);
}

const pngs = new Map(SIZES.map((s) => [s, png(s, render(s))]));
const files = new Map();
for (const [s, data] of pngs) files.set(`png/${s}x${s}.png`, data);
files.set('icon.png', pngs.get(1024));
files.set('icon.ico', ico([16, 24, 32, 48, 64, 128, 256].map((s) => [s, pngs.get(s)])));
files.set('icon.icns', icns([['icp4', pngs.get(16)], ['icp5', pngs.get(32)], ['icp6', pngs.get(64)], ['ic07', pngs.get(128)], ['ic08', pngs.get(256)], ['ic09', pngs.get(512)], ['ic10', pngs.get(1024)], ['ic11', pngs.get(32)], ['ic12', pngs.get(64)], ['ic13', pngs.get(256)], ['ic14', pngs.get(512)]]));

if (process.argv.includes('--check')) {
  const stale = [...files].filter(([name, data]) => !existsSync(path.join(here, name)) || !readFileSync(path.join(here, name)).equals(data)).map(([n]) => n);
  if (stale.length > 0) {
    console.error(`icons differ from make-icons.mjs: ${stale.join(', ')} (run node assets/icons/make-icons.mjs)`);
    process.exit(1);
  }
  console.log('icons are up to date');
} else {
  mkdirSync(path.join(here, 'png'), { recursive: true });
  for (const [name, data] of files) writeFileSync(path.join(here, name), data);
  console.log(`wrote ${files.size} icon files to ${path.relative(process.cwd(), here) || '.'}`);
}
