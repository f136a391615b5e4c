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

export function graphContextFor(documentPath: string | null, options: GraphContextOptions): GraphContext {
  const baseDir = documentPath === null ? undefined : path.dirname(documentPath);
  let outputDir = options.outputDir;
  if (outputDir === undefined && documentPath !== null && options.examplesDir !== undefined && options.exampleOutputDir !== undefined) {
    const rel = path.relative(options.examplesDir, documentPath);
    if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) outputDir = options.exampleOutputDir;
  }
  return { ...(baseDir !== undefined ? { baseDir } : {}), ...(outputDir !== undefined ? { outputDir } : {}) };
}
