import { describe, expect, it, vi } from 'vitest';
import type { PlatformApi } from '../../../shared/ipc/api.js';
import type { InspectionResult } from '../../../shared/ipc/inspection.js';
import { inspectCached } from '../../../renderer/src/panels/inspection/use-file-inspection.js';

describe('file inspection cache', () => {
  it('answers a repeated request from the cache, reads again when asked fresh, and forgets failures', async () => {
    let n = 0;
    const inspectFile = vi.fn(async () => {
      n++;
      if (n === 3) throw new Error('gone');
      return { path: `/x/${n}` } as unknown as InspectionResult;
    });
    const api = { inspectFile } as unknown as PlatformApi;
    const req = { path: '/tmp/cache-test.safetensors' };
    expect((await inspectCached(api, req)).path).toBe('/x/1');
    expect((await inspectCached(api, req)).path).toBe('/x/1');
    expect((await inspectCached(api, { ...req, base: '/b' })).path).toBe('/x/2');
    await expect(inspectCached(api, req, true)).rejects.toThrow('gone');
    // The failed fresh read is not remembered: the next request asks again.
    expect((await inspectCached(api, req)).path).toBe('/x/4');
    expect(inspectFile).toHaveBeenCalledTimes(4);
  });
});
