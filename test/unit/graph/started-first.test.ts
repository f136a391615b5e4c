/** startedFirst: events before run-started is known are held, then sent after it, in order; later ones go straight out. */
import { describe, expect, it } from 'vitest';
import { startedFirst } from '../../../main/engine/graph/started-first.js';
import type { EngineEvent } from '../../../shared/ipc/events.js';

const log = (message: string): EngineEvent => ({ type: 'log', runId: 'r', at: 0, level: 'info', message });

describe('startedFirst', () => {
  it('holds events until run-started is known, sends it first, then the held ones in order, then the rest as they come', async () => {
    const sent: string[] = [];
    let resolveStarted!: (e: EngineEvent) => void;
    const events = startedFirst((e) => sent.push(e.type === 'log' ? e.message : e.type), new Promise<EngineEvent>((r) => (resolveStarted = r)));
    events.emit(log('a'));
    events.emit(log('b'));
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([]);
    resolveStarted({ type: 'run-started', runId: 'r', at: 0, nodes: [], pruned: [], warnings: [], backend: 'wasm' });
    await events.sent;
    expect(sent).toEqual(['run-started', 'a', 'b']);
    events.emit(log('c'));
    expect(sent).toEqual(['run-started', 'a', 'b', 'c']);
  });
});
