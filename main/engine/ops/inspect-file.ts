/**
 * `inspect`: what a file is (a LoRA or a model), in which dialect and layout, for which architecture, with
 * ranks/alphas, dtypes, metadata, hashes and, given a base, the mapping report. Reads headers only (plus
 * `.alpha` scalars), so a 7 GB checkpoint inspects in milliseconds; hashing reads the whole file on request.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { InspectionResult, InspectRequest } from '../../../shared/ipc/inspection.js';
import { parseKey } from '../adapters/key-parser.js';
import { loadAdapter } from '../adapters/load-adapter.js';
import { findNonFinite } from '../adapters/non-finite.js';
import { summarizeAdapter } from '../adapters/summary.js';
import type { AdapterModuleKind } from '../adapters/types.js';
import { throwIfAborted } from '../errors.js';
import { compareBlocks } from '../naming/blocks.js';
import { buildKeyMap } from '../naming/key-map.js';
import type { ArchitectureGuess } from '../naming/types.js';
import type { RunContext } from '../run-context.js';
import { elementCount } from '../tensor-io/dtypes.js';
import { filesSize } from '../tensor-io/files-size.js';
import { getFileHashes } from '../tensor-io/hash-cache.js';
import { openCheckpoint } from '../tensor-io/open-checkpoint.js';
import type { TensorSource } from '../tensor-io/tensor-source.js';
import { loraValueFromAdapter } from '../values/from-adapter.js';
import { mapLora } from './apply/apply-lora.js';
import { openBaseModel } from './load.js';

type PeftConfigJson = NonNullable<NonNullable<InspectionResult['lora']>['peftConfig']>;

function countBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, number> {
  const m = new Map<K, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
}

function dtypeTable(source: TensorSource): InspectionResult['dtypes'] {
  const rows = new Map<string, { tensors: number; bytes: number }>();
  for (const e of source.entries) {
    const r = rows.get(e.dtype) ?? { tensors: 0, bytes: 0 };
    r.tensors++;
    r.bytes += e.byteLength;
    rows.set(e.dtype, r);
  }
  return [...rows.entries()].map(([dtype, r]) => ({ dtype, ...r })).sort((a, b) => b.bytes - a.bytes);
}

/** A file is a LoRA when its tensor names are LoRA parameters (or it is a PEFT adapter directory). */
function looksLikeLora(source: TensorSource): boolean {
  let params = 0;
  for (const e of source.entries) if (parseKey(e.name).kind === 'param') params++;
  return params > 0 && params * 2 >= source.entries.length * 0.5;
}

function architectureInfo(a: ArchitectureGuess): InspectionResult['architecture'] {
  return { family: a.family, layout: a.layout, components: [...a.components], evidence: [...a.evidence] };
}

export async function inspectFile(request: InspectRequest, ctx: RunContext = {}): Promise<InspectionResult> {
  const source = await openCheckpoint(request.path);
  const warnings: string[] = [];
  try {
    const isDir = (await stat(request.path)).isDirectory();
    const sharded = source.files.length > 1 || /\.index\.json$/i.test(request.path);
    const isLora = looksLikeLora(source);
    const common = {
      path: request.path,
      container: sharded ? ('sharded-safetensors' as const) : isDir && isLora ? ('peft-directory' as const) : ('safetensors' as const),
      files: [...source.files],
      bytes: await filesSize(source.files),
      tensorCount: source.entries.length,
      parameterCount: source.entries.reduce((s, e) => s + elementCount(e.shape), 0),
      dtypes: dtypeTable(source),
      metadata: { ...source.metadata },
    };
    throwIfAborted(ctx.signal);
    const hashes = request.hashes ? await hashesOf(source, warnings, ctx) : undefined;
    if (!isLora) {
      const keyMap = buildKeyMap(source.entries);
      const perBlock = countBy(keyMap.modules, (m) => m.target.block);
      if (keyMap.architecture.family === 'unknown') warnings.push('The architecture was not recognised: LoRAs can only be applied by exact key names.');
      return {
        ...common,
        kind: keyMap.modules.length > 0 ? 'model' : 'unknown',
        architecture: architectureInfo(keyMap.architecture),
        tensorsPerBlock: [...perBlock.entries()].sort((a, b) => compareBlocks(a[0], b[0])).map(([block, count]) => ({ block, count })),
        ...(hashes ? { hashes } : {}),
        warnings,
      };
    }
    const adapter = await loadAdapter(request.path, { signal: ctx.signal });
    try {
      const summary = summarizeAdapter(adapter);
      const lora = loraValueFromAdapter(adapter);
      warnings.push(...adapter.notes);
      const nonFinite = await findNonFinite(adapter, ctx.signal);
      if (nonFinite.length > 0) {
        const shown = nonFinite.slice(0, 5).map((f) => f.text).join('; ');
        warnings.push(`non-finite values (NaN / Inf): ${shown}${nonFinite.length > 5 ? `; … ${nonFinite.length - 5} more` : ''}. Merging it writes NaN/Inf weights; it is refused unless --allow-nonfinite is given.`);
      }
      const perBlock = countBy(lora.modules, (m) => m.block ?? '?');
      const result: InspectionResult = {
        ...common,
        kind: 'lora',
        architecture: architectureInfo(lora.architecture),
        lora: {
          dialects: [...adapter.dialects],
          moduleCount: adapter.modules.length,
          kinds: Object.entries(summary.modulesByKind).map(([kind, count]) => ({ kind: kind as AdapterModuleKind, count: count ?? 0 })),
          ranks: [...countBy(adapter.modules, (m) => m.rank ?? null).entries()].map(([rank, count]) => ({ rank, count })).sort((a, b) => (a.rank ?? -1) - (b.rank ?? -1)),
          alphas: [...countBy(adapter.modules, (m) => m.alpha ?? null).entries()].map(([alpha, count]) => ({ alpha, count })).sort((a, b) => (a.alpha ?? -1) - (b.alpha ?? -1)),
          rsLora: adapter.peftConfig?.use_rslora ?? false,
          dora: summary.dora.count > 0,
          conv: summary.layers.conv > 0,
          modulesPerBlock: [...perBlock.entries()].sort((a, b) => compareBlocks(a[0], b[0])).map(([block, count]) => ({ block, count })),
          unusedKeys: adapter.unusedKeys.map((u) => ({ key: u.key, reason: u.reason })),
          ...(adapter.peftConfig ? { peftConfig: JSON.parse(JSON.stringify({ ...adapter.peftConfig.extra, ...withoutExtra(adapter.peftConfig) })) as PeftConfigJson } : {}),
        },
        ...(hashes ? { hashes } : {}),
        warnings,
      };
      if (request.base) {
        const base = await openBaseModel(request.base);
        try {
          const report = mapLora(base, lora);
          result.mapping = {
            base: request.base,
            architecture: architectureInfo(report.architecture),
            matched: report.matched.length,
            perBlock: report.perBlock.map((b) => ({ block: b.block, matched: b.count })),
            unmatched: report.unmatched,
          };
        } finally {
          await base.source.close();
        }
      }
      return result;
    } finally {
      await adapter.source.close();
    }
  } finally {
    await source.close();
  }
}

function withoutExtra<T extends { extra: unknown }>(c: T): Omit<T, 'extra'> {
  const { extra: _extra, ...rest } = c;
  return rest;
}

async function hashesOf(source: TensorSource, warnings: string[], ctx: RunContext): Promise<InspectionResult['hashes']> {
  if (source.files.length !== 1) {
    warnings.push(`Hashes are per file: this checkpoint has ${source.files.length} shards (hash each with inspect <shard>).`);
    return undefined;
  }
  const file = source.files[0]!;
  ctx.log?.(`hashing ${path.basename(file)}…`);
  const h = await getFileHashes(file, { signal: ctx.signal });
  return { sha256: h.sha256, autoV2: h.autoV2, sshsModelHash: h.sshsModelHash };
}
