/** `lora-studio inspect <file|dir> [--base <checkpoint>] [--hash] [--json]`. */
import type { Command } from 'commander';
import type { InspectionResult } from '../../../shared/ipc/inspection.js';
import { inspectFile } from '../../engine/service/index.js';
import { formatByteSize } from '../../engine/tensor-io/byte-size.js';
import { abortOnSignals } from '../abort.js';
import { terminalField, terminalJson } from '../terminal-text.js';

interface InspectFlags {
  base?: string;
  hash?: boolean;
  json?: boolean;
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .argument('<path>', 'a LoRA file, a PEFT adapter directory, a checkpoint, or a *.safetensors.index.json')
    .description('Show what a file is: format, dialect, architecture, ranks and alphas, modules per block, metadata, hashes.')
    .option('--base <checkpoint>', 'also map the LoRA onto this base and report matched / unmatched modules')
    .option('--hash', 'compute sha256, AutoV2 and kohya sshs_model_hash (reads the whole file; cached)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, flags: InspectFlags) => {
      const controller = abortOnSignals();
      const result = await inspectFile({ path: file, base: flags.base, hashes: flags.hash }, { signal: controller.signal, log: (l) => process.stderr.write(`${l}\n`) });
      process.stdout.write(flags.json ? `${terminalJson(result)}\n` : formatInspection(result));
    });
}

const hist = <T>(rows: { count: number }[], label: (r: T) => string): string => (rows as unknown as (T & { count: number })[]).map((r) => `${label(r)} ×${r.count}`).join(', ');

export function formatInspection(r: InspectionResult): string {
  const lines: string[] = [];
  const arch = r.architecture;
  lines.push(`${r.path}`);
  lines.push(`  kind:          ${r.kind}${r.lora ? ` (${r.lora.dialects.join(', ')})` : ''}, ${r.container}${r.files.length > 1 ? ` of ${r.files.length} files` : ''}`);
  lines.push(`  architecture:  ${arch.family} (${arch.layout} layout${arch.components.length ? `; ${arch.components.join(', ')}` : ''})`);
  if (arch.evidence.length) lines.push(`                 because ${arch.evidence.slice(0, 3).join('; ')}`);
  lines.push(`  tensors:       ${r.tensorCount} (${r.parameterCount.toLocaleString('en-US')} parameters, ${formatByteSize(r.bytes)})`);
  lines.push(`  dtypes:        ${r.dtypes.map((d) => `${d.dtype} ×${d.tensors}`).join(', ')}`);
  if (r.lora) {
    const l = r.lora;
    lines.push(`  modules:       ${l.moduleCount} (${l.kinds.map((k) => `${k.kind} ×${k.count}`).join(', ')})${l.conv ? ', conv' : ''}${l.dora ? ', DoRA' : ''}${l.rsLora ? ', rsLoRA' : ''}`);
    lines.push(`  ranks:         ${hist<{ rank: number | null }>(l.ranks, (x) => (x.rank === null ? '-' : String(x.rank)))}`);
    lines.push(`  alphas:        ${hist<{ alpha: number | null }>(l.alphas, (x) => (x.alpha === null ? 'none (scale 1)' : String(x.alpha)))}`);
    lines.push(`  per block:     ${l.modulesPerBlock.map((b) => `${b.block} ${b.count}`).join(' · ')}`);
    if (l.unusedKeys.length) lines.push(`  unused keys:   ${l.unusedKeys.length} (e.g. ${l.unusedKeys[0]!.key}: ${l.unusedKeys[0]!.reason})`);
  }
  if (r.tensorsPerBlock?.length) lines.push(`  per block:     ${r.tensorsPerBlock.map((b) => `${b.block} ${b.count}`).join(' · ')}`);
  if (r.mapping) {
    const m = r.mapping;
    lines.push(`  on ${m.base}: ${m.matched} matched, ${m.unmatched.length} unmatched`);
    for (const u of m.unmatched.slice(0, 20)) lines.push(`    unmatched ${u.module}: ${u.reason}`);
  }
  if (r.hashes) lines.push(`  sha256:        ${r.hashes.sha256} (AutoV2 ${r.hashes.autoV2})`);
  if (r.hashes?.sshsModelHash) lines.push(`  sshs_model_hash: ${r.hashes.sshsModelHash}`);
  const meta = Object.entries(r.metadata);
  if (meta.length) {
    lines.push(`  metadata (${meta.length}):`);
    for (const [k, v] of meta) lines.push(`    ${terminalField(k)}: ${terminalField(v.length > 160 ? `${v.slice(0, 157)}…` : v)}`);
  }
  for (const w of r.warnings) lines.push(`  note: ${w}`);
  // Names, keys, evidence and notes come from the file: each line is escaped (metadata already was, per field).
  return `${lines.map(terminalField).join('\n')}\n`;
}
