import { describe, expect, it } from 'vitest';
import { emptyGraph, GraphFileError, parseGraph, serializeGraph, validateGraph, type GraphDocument } from '../../../shared/graph/index.js';
import {
  API_CONTRACT,
  API_METHOD_NAMES,
  menuActionSchema,
  createApiDispatcher,
  createPlatformApi,
  engineEventSchema,
  inspectionResultSchema,
  PlatformApiError,
  PUSH_CHANNELS,
  pushMessageSchema,
  reportSchema,
  toApiError,
  type ApiHandlers,
  type ApiTransport,
  type PlatformApi,
} from '../../../shared/ipc/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { combineGraph } from './builder.js';
import { backendInfo, events, inspection, report } from './ipc-fixtures.js';

class EngineLikeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function handlers(overrides: Partial<ApiHandlers> = {}): ApiHandlers {
  const notUsed = () => Promise.reject(new Error('not used in this test'));
  return {
    getAppInfo: async () => ({ name: 'LoRA Studio', version: '0.1.0', shell: 'browser', capabilities: { nativeDialogs: false, revealInFolder: false, windowState: false } }),
    getBackendInfo: async () => backendInfo,
    openGraph: async (req) => {
      if (!req?.path) return null;
      if (req.path === 'future.json') throw new GraphFileError('newer-version', 'saved by a newer LoRA Studio', { hint: 'Update LoRA Studio to open it.' });
      return { path: req.path, document: parseGraph(serializeGraph(combineGraph().b.doc)).document };
    },
    saveGraph: async (req) => ({ path: req.path, savedAt: 5 }),
    saveGraphAs: async () => null,
    listExamples: async () => [],
    importWorkflow: notUsed,
    getImportSettings: async () => ({ modelsDir: null, extraModelPaths: null }),
    setImportSettings: async (settings) => settings,
    pickFile: async () => '/x.safetensors',
    listDirectory: notUsed,
    revealInFolder: async () => undefined,
    inspectFile: async (req) => {
      if (req.path === 'missing') throw new EngineLikeError('file-not-found', 'missing: no such file', 'Check the path.');
      return inspection;
    },
    validateGraph: async (doc) => validateGraph(doc, NODE_REGISTRY),
    runGraph: async () => ({ status: 'started', runId: 'r1' }),
    stopRun: async (runId) => ({ stopped: runId === 'r1' }),
    getActiveRun: async () => null,
    getRecentFiles: async () => [{ path: '/g.json', name: 'g.json', openedAt: 1 }],
    clearRecentFiles: async () => undefined,
    getRecovery: async () => null,
    saveAutosave: async () => undefined,
    discardRecovery: async () => undefined,
    setDocumentState: async () => undefined,
    closeWindow: async () => undefined,
    ...overrides,
  };
}

/** Wires a client to a dispatcher through JSON, as the HTTP transport does, with a push channel. */
function wire(h: ApiHandlers, onInvalidMessage?: (channel: string, e: PlatformApiError) => void) {
  const dispatch = createApiDispatcher(h);
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const transport: ApiTransport = {
    invoke: async (method, _channel, args) => JSON.parse(JSON.stringify(await dispatch(method, JSON.parse(JSON.stringify(args))))) as unknown,
    subscribe: (channel, handler) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(handler);
      listeners.set(channel, set);
      return () => set.delete(handler);
    },
  };
  const push = (channel: string, payload: unknown) => listeners.get(channel)?.forEach((l) => l(JSON.parse(JSON.stringify(payload))));
  const api: PlatformApi = createPlatformApi(transport, onInvalidMessage ? { onInvalidMessage } : {});
  return { api, push, dispatch };
}

const rejection = async (p: Promise<unknown>): Promise<PlatformApiError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof PlatformApiError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
};

describe('the contract', () => {
  it('has one unique, well-formed channel per method, distinct from the push channels', () => {
    const channels = API_METHOD_NAMES.map((m) => API_CONTRACT[m].channel);
    expect(new Set(channels).size).toBe(channels.length);
    for (const c of [...channels, ...Object.values(PUSH_CHANNELS)]) expect(c).toMatch(/^[a-z]+:[a-z-]+$/);
    for (const c of Object.values(PUSH_CHANNELS)) expect(channels).not.toContain(c);
    expect(API_METHOD_NAMES).toEqual(expect.arrayContaining(['openGraph', 'saveGraph', 'saveGraphAs', 'pickFile', 'listDirectory', 'inspectFile', 'validateGraph', 'runGraph', 'stopRun', 'getRecentFiles', 'getBackendInfo', 'getRecovery', 'saveAutosave']));
  });

  it('accepts every sample event, report and inspection, and refuses malformed ones', () => {
    for (const e of events) expect(engineEventSchema.parse(e)).toEqual(e);
    expect(reportSchema.parse(report)).toEqual(report);
    expect(inspectionResultSchema.parse(inspection)).toEqual(inspection);
    expect(engineEventSchema.safeParse({ ...events[2], fraction: 1.5 }).success).toBe(false);
    expect(engineEventSchema.safeParse({ type: 'node-teleported', runId: 'r', at: 1 }).success).toBe(false);
    expect(reportSchema.safeParse({ ...report, sections: [{ kind: 'spectra', title: 's', series: [{ source: 'a', module: 'm', values: [Number.NaN] }] }] }).success).toBe(false);
    expect(pushMessageSchema.safeParse({ channel: PUSH_CHANNELS.menuAction, payload: { command: 'run' } }).success).toBe(true);
    expect(menuActionSchema.safeParse({ command: 'format-disk' }).success).toBe(false);
  });
});

describe('client and dispatcher', () => {
  it('carry calls and results through JSON, validated on both sides', async () => {
    const { api } = wire(handlers());
    expect(await api.getBackendInfo()).toEqual(backendInfo);
    expect(await api.inspectFile({ path: '/loras/style.safetensors', hashes: true })).toEqual(inspection);
    expect(await api.stopRun('r1')).toEqual({ stopped: true });
    expect(await api.openGraph()).toBeNull();
    expect((await api.openGraph({ path: '/g.json' }))?.document.nodes).toHaveLength(4);
    expect(await api.saveAutosave({ document: emptyGraph(), path: null })).toBeUndefined();
    expect(await api.runGraph(emptyGraph(), { onlyNodes: ['a'] })).toEqual({ status: 'started', runId: 'r1' });
  });

  it('validateGraph crosses the boundary with the shared Problem type', async () => {
    const { api } = wire(handlers());
    const doc: GraphDocument = combineGraph().b.doc;
    const node = doc.nodes[2];
    if (node) node.params = { ...node.params, rank: -1, method: 'svd' };
    expect(await api.validateGraph(doc)).toEqual([expect.objectContaining({ code: 'param-invalid', nodeId: 'combine-loras-1', param: 'rank' })]);
  });

  it('refuses invalid arguments with their location', async () => {
    const { api, dispatch } = wire(handlers());
    const e = await rejection((api.stopRun as (id: unknown) => Promise<unknown>)(42));
    expect(e.code).toBe('invalid-arguments');
    expect(e.issues[0]?.path).toBe('[0]');
    const bad = await dispatch('validateGraph', [{ format: 'nope' }]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    expect(await dispatch('formatDisk', [])).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await dispatch('stopRun', 'r1')).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
  });

  it('keeps error codes and hints (Electron’s invoke would drop them)', async () => {
    const { api } = wire(handlers());
    const e = await rejection(api.inspectFile({ path: 'missing' }));
    expect(e).toMatchObject({ code: 'file-not-found', message: 'missing: no such file', hint: 'Check the path.' });
    const g = await rejection(api.openGraph({ path: 'future.json' }));
    expect(g).toMatchObject({ code: 'newer-version', hint: 'Update LoRA Studio to open it.' });
  });

  it('refuses results that break the contract', async () => {
    const broken = handlers({ getBackendInfo: async () => ({ ...backendInfo, active: 'quantum' }) as unknown as typeof backendInfo });
    const e = await rejection(wire(broken).api.getBackendInfo());
    expect(e.code).toBe('invalid-response');
    expect(e.message).toContain('active');
  });

  it('delivers valid pushed events, drops invalid ones, and unsubscribes', () => {
    const dropped: string[] = [];
    const { api, push } = wire(handlers(), (channel, e) => dropped.push(`${channel}: ${e.code}`));
    const seen: string[] = [];
    const off = api.onEngineEvent((e) => seen.push(e.type));
    const commands: string[] = [];
    api.onMenuAction((c) => commands.push(c.command));
    for (const e of events) push(PUSH_CHANNELS.engineEvent, e);
    push(PUSH_CHANNELS.engineEvent, { type: 'node-progress', runId: 'r', at: 1, nodeId: 'x', fraction: 2, etaMs: null });
    push(PUSH_CHANNELS.menuAction, { command: 'save' });
    off();
    push(PUSH_CHANNELS.engineEvent, events[0]);
    expect(seen).toEqual(events.map((e) => e.type));
    expect(dropped).toEqual(['engine:event: invalid-response']);
    expect(commands).toEqual(['save']);
  });
});

describe('toApiError', () => {
  it('keeps codes, hints and issues; hides nothing else', () => {
    expect(toApiError(new EngineLikeError('x-code', 'msg', 'do this'))).toEqual({ code: 'x-code', message: 'msg', hint: 'do this' });
    const ge = new GraphFileError('invalid-graph', 'bad', { issues: [{ path: 'nodes[0]', message: 'no' }] });
    expect(toApiError(ge)).toEqual({ code: 'invalid-graph', message: 'bad', issues: [{ path: 'nodes[0]', message: 'no' }] });
    const cancelled = new Error('Stopped by the user.');
    cancelled.name = 'CancelledError';
    expect(toApiError(cancelled)).toEqual({ code: 'cancelled', message: 'Stopped by the user.' });
    expect(toApiError(new TypeError('boom'))).toEqual({ code: 'internal', message: 'boom' });
    expect(toApiError('weird')).toEqual({ code: 'internal', message: 'weird' });
  });
});
