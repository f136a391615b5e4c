import { useEffect, useState } from 'react';
import type { BackendInfo } from '../../../../shared/ipc/system.js';
import { usePlatform } from '../../api/api-context.js';
import { formatBytes } from '../../format/format.js';
import { useAppStore } from '../../store/store-context.js';

/** The engine's compute backend (and why the faster ones were skipped), cores and memory. */
export function BackendLine() {
  const { api } = usePlatform();
  const runBackend = useAppStore((s) => s.run.backend);
  const [info, setInfo] = useState<BackendInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.getBackendInfo().then(
      (i) => live && setInfo(i),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, runBackend]);
  if (error) return <p className="backend">Compute backend: unknown ({error})</p>;
  if (!info) return <p className="backend">Compute backend: …</p>;
  const skipped = info.candidates.filter((c) => c.status === 'skipped' && c.reason);
  return (
    <p className="backend" aria-label="Compute backend">
      Compute backend: <strong>{info.active}</strong> ({info.detail}) ·{' '}
      {info.adapter && <span aria-label="GPU adapter">GPU: {info.adapter.vendor} {info.adapter.device} ({info.adapter.software ? 'software' : 'hardware'}) · </span>}
      {info.workers} worker{info.workers === 1 ? '' : 's'} · {info.cpu.cores} cores · {formatBytes(info.memory.freeBytes)} free of {formatBytes(info.memory.totalBytes)}
      {skipped.length > 0 && (
        <span title={skipped.map((c) => `${c.backend}: ${c.reason ?? ''}`).join('\n')}> · {skipped.length} faster backend{skipped.length === 1 ? '' : 's'} not available</span>
      )}
    </p>
  );
}
