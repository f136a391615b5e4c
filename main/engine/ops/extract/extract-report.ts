/** What extraction compared, kept and skipped, completed with the exported modules' statistics into a Report. */
import type { Report, ReportSection } from '../../../../shared/ipc/reports.js';
import type { SavedLoraModule } from '../../export/save-lora.js';
import { compressionReport, type CompressionRow, type ReportSubject } from '../resize/compression-report.js';
import { describeRankRule } from '../resize/resize-report.js';
import type { ExtractOptions } from './extract-options.js';
import type { ExtractionUnit } from './plan-extraction.js';
import type { DeltaStats } from '../../module-source/tensor-delta.js';

export interface ScannedModule {
  readonly name: string;
  readonly block: string;
  readonly maxAbs: number;
  /** ‖ΔW‖_F */
  readonly norm: number;
  readonly kept: boolean;
}

const sig = (v: number): number | null => (Number.isFinite(v) ? Number(v.toPrecision(6)) : null);

export class ExtractReport {
  readonly modules: ScannedModule[] = [];

  constructor(
    readonly base: string,
    readonly tuned: string,
    readonly options: ExtractOptions,
    readonly threshold: number,
  ) {}

  scanned(unit: ExtractionUnit, stats: DeltaStats, kept: boolean): void {
    this.modules.push({ name: unit.name, block: unit.block, maxAbs: stats.maxAbs, norm: Math.sqrt(stats.frobeniusSquared), kept });
  }

  get skipped(): ScannedModule[] {
    return this.modules.filter((m) => !m.kept);
  }

  largestDifference(): number {
    return this.modules.reduce((a, m) => Math.max(a, m.maxAbs), 0);
  }

  rows(saved: readonly SavedLoraModule[]): CompressionRow[] {
    const bySource = new Map(saved.map((s) => [s.source, s]));
    return this.modules.filter((m) => m.kept).map((m) => ({ module: m.name, block: m.block, oldRank: null, ...(bySource.has(m.name) ? { saved: bySource.get(m.name)! } : {}) }));
  }

  toReport(saved: readonly SavedLoraModule[], subject: ReportSubject = { id: 'extract', type: 'lora-studio/extract-lora', title: 'Extract LoRA' }): Report {
    const o = this.options;
    const summary = [
      { label: 'Base', value: this.base },
      { label: 'Tuned', value: this.tuned },
      { label: 'Rule', value: describeRankRule(o.rank) + (o.convRank ? `, 3×3 conv ${o.convRank}` : ', no 3×3 convolutions') },
      { label: 'Compared', value: this.modules.length },
      { label: 'Extracted', value: this.modules.length - this.skipped.length },
      { label: `Skipped (max |ΔW| ≤ ${this.threshold})`, value: this.skipped.length },
    ];
    const extra: ReportSection[] = [];
    if (this.skipped.length > 0) {
      extra.push({
        kind: 'table',
        title: 'Skipped modules',
        columns: [
          { key: 'module', label: 'Module', type: 'text' },
          { key: 'block', label: 'Block', type: 'text' },
          { key: 'maxAbs', label: 'max |ΔW|', type: 'number' },
          { key: 'norm', label: '‖ΔW‖', type: 'number' },
        ],
        rows: this.skipped.map((m) => ({ module: m.name, block: m.block, maxAbs: sig(m.maxAbs), norm: sig(m.norm) })),
      });
    }
    return compressionReport(subject, summary, this.rows(saved), extra);
  }
}
