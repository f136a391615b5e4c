/**
 * The process-wide list of temporary output files that are still being written. They are removed when the
 * process exits, and on SIGINT / SIGTERM / SIGHUP, so Ctrl-C never leaves a partial file behind.
 *
 * Signals: while temporary files exist we listen for them. If nobody else listens (a plain CLI run), we
 * remove the files and re-raise the signal with our listener gone, so the process ends exactly as it
 * would have (killed by that signal). If the application has its own listener (graceful Stop), we leave
 * the signal to it: it aborts its writers, and the 'exit' hook removes whatever is left.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import path from 'node:path';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type HandledSignal = (typeof SIGNALS)[number];

const live = new Set<string>();
let installed = false;

function removeAllSync(): void {
  for (const file of live) {
    try {
      unlinkSync(file);
    } catch {
      // Already gone (aborted concurrently) or the directory vanished: nothing left to clean.
    }
  }
  live.clear();
}

function onSignal(signal: HandledSignal): void {
  if (process.listenerCount(signal) > 1) return;
  removeAllSync();
  uninstall();
  try {
    process.kill(process.pid, signal);
  } catch {
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', removeAllSync);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('exit', removeAllSync);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** `dir/name` → `dir/.name.lora-studio-tmp-<random>`: beside the target (same file system, so rename is atomic), hidden. */
export function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.lora-studio-tmp-${randomBytes(6).toString('hex')}`);
}

/** Records a temporary file to remove if the process ends before it is committed or aborted. */
export function registerTempFile(file: string): void {
  live.add(file);
  install();
}

/** The file was renamed into place or removed: forget it. */
export function unregisterTempFile(file: string): void {
  live.delete(file);
  if (live.size === 0) uninstall();
}

/** Temporary files currently registered (for tests and diagnostics). */
export function liveTempFiles(): readonly string[] {
  return [...live];
}
