/**
 * Structural limits on JSON that comes from outside (graph files, API bodies, file headers). The code that
 * walks such values recurses (schema validation, key checks, structured clone), so a document nested a
 * hundred thousand levels deep would end in "Maximum call stack size exceeded"; we refuse it first, with a
 * clear message. Both checks are iterative.
 */

/** Deeper than any real graph, config or header (they nest a handful of levels). */
export const MAX_JSON_DEPTH = 64;

/** The refusal, for `what` ("The request body", "\"graph.json\""). */
export function tooDeepMessage(what: string): string {
  return `${what} nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep; no LoRA Studio document does, so it is refused.`;
}

/**
 * How deep `value` nests objects and arrays (a scalar is 0, `{}` is 1), counting no further than
 * `limit + 1`: the walk stops as soon as it knows the limit is exceeded.
 */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH): number {
  let deepest = 0;
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    if (typeof v !== 'object' || v === null) continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push({ v: child, depth: here });
    }
  }
  return deepest;
}

export interface JsonTextScan {
  /** Deepest nesting of objects and arrays (counting stops at `limit + 1`). */
  readonly depth: number;
  /** The first key that appears twice in one object (JSON.parse would silently keep the last). */
  readonly duplicateKey?: string;
  /** How deep the object holding `duplicateKey` is (1: the top-level object). */
  readonly duplicateDepth?: number;
}

/**
 * Scans JSON text that JSON.parse has already accepted, for what JSON.parse does not tell: duplicate keys
 * within one object, and the nesting depth. One pass over the characters, no recursion.
 */
export function scanJsonText(text: string, limit = MAX_JSON_DEPTH): JsonTextScan {
  // One frame per open object/array: the keys seen so far (objects) and whether the next string is a key.
  const frames: Array<{ keys: Set<string> | undefined; expectKey: boolean }> = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      i++;
      while (i < text.length && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1;
      const top = frames[frames.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.keys.has(key)) return { depth, duplicateKey: key, duplicateDepth: frames.length };
        top.keys.add(key);
        top.expectKey = false;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      frames.push({ keys: c === 0x7b ? new Set() : undefined, expectKey: c === 0x7b });
      if (frames.length > depth) depth = frames.length;
      if (depth > limit) return { depth };
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
    } else if (c === 0x2c /* , */) {
      const top = frames[frames.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
  return { depth };
}
