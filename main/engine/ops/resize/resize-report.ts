/** What resizeLora decided per module, completed with the exported modules' statistics into a Report. */
import type { Report } from '../../../../shared/ipc/reports.js';
import type { SavedLoraModule } from '../../export/save-lora.js';
import type { LoraModuleValue, RankRule } from '../../values/lora-value.js';
import { compressionReport, type CompressionRow, type ReportSubject } from './compression-report.js';

interface Planned {
  readonly module: LoraModuleValue;
  readonly rule?: RankRule;
  readonly kept?: string;
}

export function describeRankRule(rule: RankRule): string {
  return rule.type === 'fixed' ? `rank ${rule.rank}` : `${rule.method} ${rule.param}${rule.maxRank !== undefined ? ` (at most rank ${rule.maxRank})` : ''}`;
}

export class ResizeReport {
  private readonly planned: Planned[] = [];

  constructor(
    readonly source: string,
    readonly options: { readonly rank: RankRule; readonly convRank?: number },
  ) {}

  keep(module: LoraModuleValue, why: string): void {
    this.planned.push({ module, kept: why });
  }

  resize(module: LoraModuleValue, rule: RankRule): void {
    this.planned.push({ module, rule });
  }

  get resized(): number {
    return this.planned.filter((p) => p.rule !== undefined).length;
  }

  rows(saved: readonly SavedLoraModule[]): CompressionRow[] {
    const bySource = new Map(saved.map((s) => [s.source, s]));
    return this.planned.map((p) => ({
      module: p.module.name,
      ...(p.module.block !== undefined ? { block: p.module.block } : {}),
      oldRank: p.module.rank ?? null,
      ...(bySource.has(p.module.name) ? { saved: bySource.get(p.module.name)! } : {}),
      ...(p.kept !== undefined ? { note: `kept: ${p.kept}` } : {}),
    }));
  }

  toReport(saved: readonly SavedLoraModule[], subject: ReportSubject = { id: 'resize', type: 'lora-studio/resize-rank', title: `Resize ${this.source}` }): Report {
    const summary = [
      { label: 'Rule', value: describeRankRule(this.options.rank) + (this.options.convRank !== undefined ? `, 3×3 conv ${this.options.convRank}` : '') },
      { label: 'Modules', value: this.planned.length },
      { label: 'Resized', value: this.resized },
      { label: 'Kept as they were', value: this.planned.length - this.resized },
    ];
    return compressionReport(subject, summary, this.rows(saved));
  }
}
