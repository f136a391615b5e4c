/**
 * `lora-studio import <workflow.json> --out graph.json`: a ComfyUI workflow (UI or API format) becomes a
 * LoRA Studio graph: every checkpoint → LoRA loader chain is baked into a Save Model. Model names resolve
 * against --models-dir / --extra-model-paths; files not found stay in the graph as missing files. The
 * import report goes to stderr (`--json`: on stdout as JSON). Save Model outputs are named after the
 * workflow and written beside the graph file when it runs.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { importReportLines } from '../../../shared/comfyui/index.js';
import { importWorkflowFile } from '../../engine/comfyui/import-workflow.js';
import { saveGraphFile } from '../../shell/platform/graph-files.js';

interface ImportFlags {
  out: string;
  modelsDir?: string;
  extraModelPaths?: string;
  json?: boolean;
}

/** Workflow text is not ours: control characters (terminal escapes) are shown as \u{…}, never sent raw. */
const printable = (line: string): string =>
  Array.from(line, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\u{${code.toString(16)}}` : c;
  }).join('');

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('Import a ComfyUI workflow (UI or API format): its checkpoint → LoRA chains become a graph that bakes them.')
    .argument('<workflow>', 'a ComfyUI workflow .json (saved, exported, or exported in the API format)')
    .requiredOption('--out <graph.json>', 'the graph file to write (an existing file is replaced only if it is a LoRA Studio graph)')
    .option('--models-dir <dir>', "ComfyUI's models folder (checkpoints/, loras/, diffusion_models/ or unet/ inside)")
    .option('--extra-model-paths <file>', "ComfyUI's extra_model_paths.yaml: more folders to look in")
    .option('--json', 'print the import report as JSON on stdout')
    .action(async (workflow: string, flags: ImportFlags) => {
      const { document, report } = await importWorkflowFile(workflow, { modelsDir: flags.modelsDir ?? null, extraModelPaths: flags.extraModelPaths ?? null });
      const saved = await saveGraphFile(flags.out, document);
      for (const line of importReportLines(report)) process.stderr.write(`${printable(line)}\n`);
      process.stderr.write(`Wrote ${printable(saved.path)}; run it with: lora-studio run ${printable(path.relative(process.cwd(), saved.path) || saved.path)}\n`);
      if (flags.json) process.stdout.write(`${JSON.stringify({ graph: saved.path, report }, null, 2)}\n`);
    });
}
