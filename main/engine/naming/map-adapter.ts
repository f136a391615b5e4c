/**
 * The mapping report for one adapter on one base: every module resolved to its target or listed with the
 * reason it did not match. Decisions:
 * - A module whose ΔW does not fit its target (see shape-fit.ts) is unmatched, with both shapes.
 * - Several modules may patch the same base tensor, even the same rows (a file that spells one module
 *   twice, a diffusers to_q next to a kohya qkv): that is allowed, their deltas add, exactly as applying
 *   them one after the other would; the report lists such groups under `overlaps` so nobody is surprised.
 * - When the adapter's own names and shapes say it was made for another family than the base (an SD 1.5
 *   LoRA on SDXL), the pair is refused: every module is unmatched with that reason and the evidence for both,
 *   including the modules whose names and shapes happen to fit (SD 1.5 and SDXL share 640-wide attention
 *   blocks), because applying a fraction of a LoRA made for another model is never what the user meant.
 *   `acceptArchitectureMismatch` keeps the modules that fit (the reason is still given for the others).
 */
import { compareBlocks } from './blocks.js';
import { FAMILY_TITLE, sameNamingFamily } from './components.js';
import { detectAdapterArchitecture } from './detect-adapter.js';
import { describe } from './registry.js';
import { deltaFits, expectedDeltaShape, formatShape } from './shape-fit.js';
import type { ArchitectureGuess, KeyMap, MappingReport, MatchedModule, ModuleShape, ModuleTarget, TargetOverlap, UnmatchedModule } from './types.js';

function familyNote(adapter: ArchitectureGuess, base: ArchitectureGuess): string | undefined {
  if (adapter.family === 'unknown' || base.family === 'unknown' || sameNamingFamily(adapter.family, base.family)) return undefined;
  const why = (evidence: string | undefined): string => (evidence ? ` (${evidence})` : '');
  const baseEvidence = base.evidence.find((e) => /context width|ADM|Flux|decoder|encoder \(|GPT-2/.test(e)) ?? base.evidence[0];
  return `the adapter looks like ${FAMILY_TITLE[adapter.family]}${why(adapter.evidence[0])} but the base is ${FAMILY_TITLE[base.family]}${why(baseEvidence)}`;
}

export interface MapAdapterOptions {
  /** Keep the modules that fit even when the adapter was made for another architecture (default: refuse the pair). */
  acceptArchitectureMismatch?: boolean;
}

function rows(t: ModuleTarget): [number, number] {
  if (t.slice) return [t.slice.start, t.slice.start + t.slice.length];
  const n = t.transpose ? (t.baseShape[1] ?? 0) : (t.baseShape[0] ?? 0);
  return [0, n];
}

function findOverlaps(matched: readonly MatchedModule[]): TargetOverlap[] {
  const byKey = new Map<string, MatchedModule[]>();
  for (const m of matched) {
    const list = byKey.get(m.target.baseKey) ?? [];
    list.push(m);
    byKey.set(m.target.baseKey, list);
  }
  const out: TargetOverlap[] = [];
  for (const [baseKey, list] of byKey) {
    if (list.length < 2) continue;
    const involved = new Set<string>();
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a0, a1] = rows(list[i]!.target);
        const [b0, b1] = rows(list[j]!.target);
        if (a0 < b1 && b0 < a1) {
          involved.add(list[i]!.module);
          involved.add(list[j]!.module);
        }
      }
    }
    if (involved.size > 0) out.push({ baseKey, modules: [...involved] });
  }
  return out;
}

export function mapAdapter(keyMap: KeyMap, modules: readonly ModuleShape[], options: MapAdapterOptions = {}): MappingReport {
  const adapterArchitecture = detectAdapterArchitecture(modules);
  const note = familyNote(adapterArchitecture, keyMap.architecture);
  const withNote = (reason: string): string => (note ? `${reason}; ${note}` : reason);
  const matched: MatchedModule[] = [];
  const unmatched: UnmatchedModule[] = [];
  for (const m of modules) {
    const target = keyMap.resolve(m.name);
    if (!target) {
      unmatched.push({ module: m.name, reason: withNote(keyMap.explain(m.name)) });
    } else if (!deltaFits(m.deltaShape, target)) {
      const how = target.transpose ? ', stored transposed' : '';
      unmatched.push({
        module: m.name,
        reason: withNote(`shape mismatch: ΔW ${formatShape(m.deltaShape)} does not fit ${describe(target)} (needs ${formatShape(expectedDeltaShape(target))}; base tensor ${formatShape(target.baseShape)}${how})`),
      });
    } else if (note && !options.acceptArchitectureMismatch) {
      unmatched.push({ module: m.name, reason: `refused although ${describe(target)} would fit: ${note}` });
    } else {
      matched.push({ module: m.name, target });
    }
  }
  const counts = new Map<string, number>();
  for (const m of matched) counts.set(m.target.block, (counts.get(m.target.block) ?? 0) + 1);
  const perBlock = [...counts.entries()].sort((a, b) => compareBlocks(a[0], b[0])).map(([block, count]) => ({ block, count }));
  return { architecture: keyMap.architecture, adapterArchitecture, matched, unmatched, perBlock, overlaps: findOverlaps(matched) };
}
