/** A fresh demo folder (the real generator) in a temp dir, and helpers to run graphs through a real engine service. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GraphDocument } from '../../../../shared/graph/document.js';
import type { EngineEvent } from '../../../../shared/ipc/events.js';
import type { RunOptions } from '../../../../shared/ipc/runs.js';
import { generateDemoFiles } from '../../../../main/engine/demo/index.js';
import type { EngineService, GraphContext, RunFinishedEvent } from '../../../../main/engine/service/index.js';

export async function makeDemoDir(prefix = 'ls-graph-'): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  await generateDemoFiles(dir);
  return dir;
}

export interface RunRecord {
  readonly start: Awaited<ReturnType<EngineService['runGraph']>>;
  readonly events: EngineEvent[];
  readonly finished?: RunFinishedEvent;
}

/** Runs a document and collects every event of that run (and returns once it has finished). */
export async function runAndCollect(service: EngineService, doc: GraphDocument, context: GraphContext, options: RunOptions = {}, onEvent?: (e: EngineEvent, runId: string) => void): Promise<RunRecord> {
  const events: EngineEvent[] = [];
  let runId: string | undefined;
  const pending: EngineEvent[] = [];
  const off = service.onEvent((e) => {
    if (runId === undefined) pending.push(e);
    else if (e.runId === runId) {
      events.push(e);
      onEvent?.(e, runId);
    }
  });
  try {
    const start = await service.runGraph(doc, options, context);
    if (start.status !== 'started') return { start, events };
    runId = start.runId;
    for (const e of pending) if (e.runId === runId) events.push(e);
    const finished = await service.waitForRun(start.runId);
    return { start, events, finished };
  } finally {
    off();
  }
}

export function eventsOf<T extends EngineEvent['type']>(events: readonly EngineEvent[], type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
}
