/**
 * Results of earlier runs, one entry per node id, valid while the node's content hash is unchanged (and,
 * for sinks, while the files they wrote are still there unchanged). A replaced or evicted entry releases
 * what it holds open (dispose). Lives as long as the engine service: a CLI process starts empty.
 */
import type { OutputFile } from '../../../shared/ipc/runs.js';
import type { Report } from '../../../shared/ipc/reports.js';
import { filesUnchanged, type FileStamp } from './file-identity.js';
import type { GraphValue } from './graph-values.js';

export interface CachedResult {
  readonly hash: string;
  readonly outputs: Readonly<Record<string, GraphValue>>;
  readonly summary?: string;
  readonly report?: Report;
  readonly files?: readonly OutputFile[];
  /** Sinks: the written files as they were right after the write. */
  readonly stamps?: readonly FileStamp[];
  readonly dispose?: () => Promise<void>;
}

export class ResultCache {
  private readonly entries = new Map<string, CachedResult>();

  /** The entry for a node when its hash matches and its written files are untouched. */
  async lookup(nodeId: string, hash: string): Promise<CachedResult | undefined> {
    const e = this.entries.get(nodeId);
    if (!e || e.hash !== hash) return undefined;
    if (e.stamps && !(await filesUnchanged(e.stamps))) return undefined;
    return e;
  }

  /** The entry for a node when its hash matches (values only; no file check). */
  peek(nodeId: string, hash: string): CachedResult | undefined {
    const e = this.entries.get(nodeId);
    return e && e.hash === hash ? e : undefined;
  }

  async store(nodeId: string, result: CachedResult): Promise<void> {
    const old = this.entries.get(nodeId);
    this.entries.set(nodeId, result);
    if (old && old !== result) await disposeQuietly(old);
  }

  async evict(nodeId: string): Promise<void> {
    const old = this.entries.get(nodeId);
    this.entries.delete(nodeId);
    if (old) await disposeQuietly(old);
  }

  /** Drops the entries of nodes no longer in the document (their files would otherwise stay open). */
  async retainOnly(nodeIds: ReadonlySet<string>): Promise<void> {
    for (const id of [...this.entries.keys()]) if (!nodeIds.has(id)) await this.evict(id);
  }

  get size(): number {
    return this.entries.size;
  }

  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    for (const e of all) await disposeQuietly(e);
  }
}

async function disposeQuietly(e: CachedResult): Promise<void> {
  try {
    await e.dispose?.();
  } catch {
    // Closing a file handle that is already gone is not worth failing a run over.
  }
}
