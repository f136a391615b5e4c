/** Model and LoRA headers opened once per check pass (by resolved path), closed together at the end. */
import { stat } from 'node:fs/promises';
import { loadLora, openBaseModel } from '../../ops/load.js';
import type { LoraValue } from '../../values/lora-value.js';
import type { BaseModel } from '../../values/model-value.js';

export type Opened<T> = { ok: true; value: T } | { ok: false; error: unknown };

export class OpenedInputs {
  private readonly bases = new Map<string, Promise<Opened<BaseModel>>>();
  private readonly loras = new Map<string, Promise<Opened<LoraValue & { fileBytes: number }>>>();

  base(file: string): Promise<Opened<BaseModel>> {
    let p = this.bases.get(file);
    if (!p) {
      p = openBaseModel(file).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      this.bases.set(file, p);
    }
    return p;
  }

  lora(file: string): Promise<Opened<LoraValue & { fileBytes: number }>> {
    let p = this.loras.get(file);
    if (!p) {
      p = (async () => {
        try {
          const value = await loadLora(file, undefined, { headersOnly: true });
          let fileBytes = 0;
          for (const f of value.inputs) fileBytes += (await stat(f)).size;
          return { ok: true as const, value: { ...value, fileBytes } };
        } catch (error) {
          return { ok: false as const, error };
        }
      })();
      this.loras.set(file, p);
    }
    return p;
  }

  async close(): Promise<void> {
    for (const p of this.bases.values()) {
      const r = await p;
      if (r.ok) await r.value.source.close().catch(() => undefined);
    }
    this.bases.clear();
    this.loras.clear();
  }
}
