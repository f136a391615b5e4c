import { gpuRouteSummary } from '../../../../shared/gpu-route-summary.js';
import { useAppStore } from '../../store/store-context.js';

/**
 * Under webgpu, where the last run's heavy operations ran: on the GPU, or on the CPU and why (the tooltip has
 * each reason's first full detail). Nothing under the other backends. The adapter is named by BackendLine above.
 */
export function GpuRoutesLine() {
  const routes = useAppStore((s) => s.run.gpuRoutes);
  const summary = gpuRouteSummary(routes ?? undefined);
  if (!routes || !summary) return null;
  const details = routes.flatMap((r) => r.cpu.map((c) => `${r.op}: ${c.reason} (${c.count}×), e.g. ${c.detail}`));
  return (
    <p className="backend" aria-label="GPU routes" title={details.length > 0 ? details.join('\n') : undefined}>
      Last run: {summary}
    </p>
  );
}
