/**
 * Stable ids. Node ids are readable ("load-lora-2") because people type them: `lora-studio run g.json
 * --set load-lora-2.path=x.safetensors`; hence no dots. Ids are never reused within an allocator's life,
 * so a deleted node's id does not come back while the UI may still show its status.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidId(s: string): boolean {
  return ID_PATTERN.test(s);
}

/** "lora-studio/load-lora" -> "load-lora"; anything unusual is reduced to id characters. */
export function slugOfType(type: string): string {
  const last = type.slice(type.lastIndexOf('/') + 1);
  const slug = last.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return slug === '' ? 'node' : slug;
}

export class IdAllocator {
  readonly #used = new Set<string>();
  readonly #next = new Map<string, number>();

  constructor(existing: Iterable<string> = []) {
    for (const id of existing) this.reserve(id);
  }

  /** Marks an id as taken (ids from a pasted fragment, or a loaded document). */
  reserve(id: string): void {
    this.#used.add(id);
    const m = /^(.*-|e)(\d+)$/.exec(id);
    if (m?.[1] !== undefined) {
      const n = Number(m[2]);
      if (n >= (this.#next.get(m[1]) ?? 1)) this.#next.set(m[1], n + 1);
    }
  }

  /** "load-lora-3": the slug of the type and a number above every one seen for it. */
  nodeId(type: string): string {
    return this.#take(`${slugOfType(type)}-`);
  }

  edgeId(): string {
    return this.#take('e');
  }

  #take(prefix: string): string {
    let n = this.#next.get(prefix) ?? 1;
    let id = `${prefix}${n}`;
    while (this.#used.has(id)) id = `${prefix}${++n}`;
    this.#next.set(prefix, n + 1);
    this.#used.add(id);
    return id;
  }
}

/** An allocator that knows every id of the document. */
export function idAllocatorFor(doc: { nodes: readonly { id: string }[]; edges: readonly { id: string }[] }): IdAllocator {
  return new IdAllocator([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id)]);
}
