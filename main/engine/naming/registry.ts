/** The spelling → base module map that buildKeyMap fills and KeyMap reads. */
import { biasKeyFor } from './key-names.js';
import type { BaseModule, ComponentKind, ModuleTarget } from './types.js';

export interface SpellingConflict {
  readonly spelling: string;
  readonly kept: string;
  readonly dropped: string;
}

export class ModuleRegistry {
  private readonly bySpelling = new Map<string, BaseModule>();
  readonly modules: BaseModule[] = [];
  /** Base keys some component generator has handled (the rest get generic spellings). */
  readonly claimed = new Set<string>();
  /** One spelling generated for two different targets: the first one wins. Tests assert there are none. */
  readonly conflicts: SpellingConflict[] = [];

  constructor(readonly shapes: ReadonlyMap<string, readonly number[]>) {}

  add(module: BaseModule, spellings: Iterable<string>): void {
    this.modules.push(module);
    this.claimed.add(module.target.baseKey);
    for (const s of spellings) {
      const prev = this.bySpelling.get(s);
      if (prev === undefined) this.bySpelling.set(s, module);
      else if (prev !== module && !sameTarget(prev.target, module.target)) {
        this.conflicts.push({ spelling: s, kept: describe(prev.target), dropped: describe(module.target) });
      }
    }
  }

  get(spelling: string): BaseModule | undefined {
    return this.bySpelling.get(spelling);
  }

  spellings(): IterableIterator<[string, BaseModule]> {
    return this.bySpelling.entries();
  }

  get size(): number {
    return this.bySpelling.size;
  }

  /** A target for `key` with the base's shape and bias filled in. */
  target(key: string, block: string, extra: { slice?: { start: number; length: number }; transpose?: boolean } = {}): ModuleTarget {
    const bias = biasKeyFor(key);
    return {
      baseKey: key,
      baseShape: this.shapes.get(key) ?? [],
      ...(extra.slice ? { slice: extra.slice } : {}),
      transpose: extra.transpose ?? false,
      ...(bias !== key && this.shapes.has(bias) ? { biasKey: bias } : {}),
      block,
    };
  }
}

function sameTarget(a: ModuleTarget, b: ModuleTarget): boolean {
  return a.baseKey === b.baseKey && a.slice?.start === b.slice?.start && a.slice?.length === b.slice?.length;
}

export function describe(t: ModuleTarget): string {
  const slice = t.slice ? ` rows ${t.slice.start}..${t.slice.start + t.slice.length - 1}` : '';
  return `${t.baseKey}${slice}`;
}

export function moduleOf(component: ComponentKind, canonical: string, target: ModuleTarget, names: { kohya?: string | undefined; peft?: string | undefined; startUnits?: number | undefined } = {}): BaseModule {
  return {
    canonical,
    ...(names.startUnits !== undefined ? { canonicalPart: { startUnits: names.startUnits } } : {}),
    target,
    component,
    ...(names.kohya !== undefined ? { kohyaName: names.kohya } : {}),
    ...(names.peft !== undefined ? { peftName: names.peft } : {}),
  };
}
