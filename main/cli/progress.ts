/**
 * A progress bar on stderr (stdout carries results). On a TTY it redraws one line with the fraction,
 * throughput-based ETA and the current message; elsewhere it prints a line at most every few seconds.
 */
import type { ProgressUpdate } from '../engine/run-context.js';
import { terminalField } from './terminal-text.js';

export interface ProgressBar {
  update(u: ProgressUpdate): void;
  done(message?: string): void;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--';
  if (s < 60) return `${s.toFixed(0)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

export function createProgressBar(rawLabel: string, stream: NodeJS.WriteStream = process.stderr, quiet = false): ProgressBar {
  const label = terminalField(rawLabel);
  const started = Date.now();
  const tty = stream.isTTY === true;
  let lastPrint = 0;
  let lastLen = 0;
  const render = (u: ProgressUpdate): string => {
    const f = Math.min(1, Math.max(0, u.fraction));
    const elapsed = (Date.now() - started) / 1000;
    const eta = f > 0.01 ? (elapsed * (1 - f)) / f : Number.NaN;
    const width = 24;
    const filled = Math.round(f * width);
    const bar = tty ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    const msg = u.message ? `  ${terminalField(u.message)}` : '';
    return `${label} ${bar}${(f * 100).toFixed(1).padStart(5)}%  elapsed ${formatSeconds(elapsed)}  eta ${formatSeconds(eta)}${msg}`;
  };
  return {
    update(u) {
      if (quiet) return;
      const now = Date.now();
      if (tty) {
        if (now - lastPrint < 80 && u.fraction < 1) return;
        lastPrint = now;
        const cols = stream.columns ?? 120;
        const line = render(u).slice(0, cols - 1);
        stream.write(`\r${line}${' '.repeat(Math.max(0, lastLen - line.length))}`);
        lastLen = line.length;
      } else if (now - lastPrint > 3000) {
        lastPrint = now;
        stream.write(`${render(u)}\n`);
      }
    },
    done(message) {
      if (quiet) return;
      const elapsed = ((Date.now() - started) / 1000).toFixed(1);
      if (tty) stream.write(`\r${' '.repeat(lastLen)}\r`);
      stream.write(`${label} done in ${elapsed}s${message ? `: ${terminalField(message)}` : ''}\n`);
    },
  };
}
