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
import { readdir, rm } from 'node:fs/promises';
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

const MARKER = '.lora-studio-tmp-';
/** `.<name>.lora-studio-tmp-<pid>-<12 hex>`: the only names the stale-temp sweep may remove. */
const TEMP_NAME = /^\.(.+)\.lora-studio-tmp-([1-9][0-9]{0,9})-[0-9a-f]{12}$/;

/**
 * `dir/name` → `dir/.name.lora-studio-tmp-<pid>-<random>`: beside the target (same file system, so rename is
 * atomic), hidden, and carrying the writer's pid so that a later run can tell a dead writer's leftover
 * (SIGKILL, power loss) from a file another process is still writing.
 */
export function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}${MARKER}${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporaries in `dir` whose writer process is gone; with `target`, only those of that output.
 * A temp whose pid is alive is kept (maybe another run writing now; maybe a recycled pid: kept either way).
 * Temporaries on a file system shared between machines are judged by this machine's pids; such a leftover
 * of a live writer elsewhere would be removed, which is why the names are never swept outside our own
 * outputs' folders. Returns the paths removed; a missing or unreadable folder removes nothing.
 */
export async function removeStaleTempFiles(dir: string, target?: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || (target !== undefined && m[1] !== path.basename(target))) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processExists(pid)) continue;
    const file = path.join(dir, name);
    try {
      await rm(file, { recursive: true, force: true });
      removed.push(file);
    } catch {
      // Not ours to fight over (permissions): leave it.
    }
  }
  return removed;
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
