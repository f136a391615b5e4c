import { GroupedBarPlot } from './GroupedBarPlot.js';

/** Mapping coverage: how many modules matched per block (one series per LoRA), with the unmatched count. */
export function CoveragePlot({ title, entries }: { readonly title: string; readonly entries: readonly { source: string; perBlock: readonly { block: string; matched: number }[]; unmatched: number }[] }) {
  const blocks: string[] = [];
  for (const e of entries) for (const b of e.perBlock) if (!blocks.includes(b.block)) blocks.push(b.block);
  const series = entries.map((e) => ({ label: `${e.source} (${e.unmatched} unmatched)`, values: blocks.map((b) => e.perBlock.find((x) => x.block === b)?.matched ?? null) }));
  return <GroupedBarPlot title={title} categories={blocks} series={series} yLabel="matched modules" />;
}
