/**
 * The run context both shells give the engine: relative file params resolve against the open graph's
 * folder, and outputs go to `outputDir` when one is set (serve --output-dir, tests). A graph opened from the
 * bundled examples (read-only inside a packaged app) writes its outputs to `exampleOutputDir` instead.
 */
import path from 'node:path';
import type { GraphContext } from '../engine-api.js';

export interface GraphContextOptions {
  outputDir?: string;
  examplesDir?: string;
  exampleOutputDir?: string;
}

/** `baseDir`: the open document's folder (ShellFiles.baseDir()), null when unknown (then the engine uses the current directory). */
export function graphContextFor(baseDir: string | null, options: GraphContextOptions): GraphContext {
  let outputDir = options.outputDir;
  if (outputDir === undefined && baseDir !== null && options.examplesDir !== undefined && options.exampleOutputDir !== undefined) {
    const rel = path.relative(options.examplesDir, baseDir);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) outputDir = options.exampleOutputDir;
  }
  return { ...(baseDir !== null ? { baseDir } : {}), ...(outputDir !== undefined ? { outputDir } : {}) };
}
