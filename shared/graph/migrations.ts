/**
 * Graph file migrations: append-only. Entry i upgrades a document from version i + 1 to i + 2; the
 * runner sets `version` after each step. Never edit or remove an entry once released: old files on
 * users' disks depend on it. (Node param changes are node migrations in the definitions, not here.)
 */
import type { JsonObject } from './document.js';
import { GRAPH_VERSION } from './document.js';

export interface GraphMigration {
  readonly from: number;
  readonly description: string;
  /** Receives a deep copy; returns the document in the next version's shape (version is set by the runner). */
  migrate(doc: JsonObject): JsonObject;
}

export const GRAPH_MIGRATIONS: readonly GraphMigration[] = [];

/** Throws when the list is not contiguous from 1 up to `target` (a programming error, caught by tests). */
export function checkMigrationList(migrations: readonly GraphMigration[], target: number): void {
  migrations.forEach((m, i) => {
    if (m.from !== i + 1) throw new Error(`graph migration ${i} must migrate from version ${i + 1}, not ${m.from}`);
  });
  if (migrations.length !== target - 1) throw new Error(`graph format version ${target} needs ${target - 1} migrations, found ${migrations.length}`);
}

checkMigrationList(GRAPH_MIGRATIONS, GRAPH_VERSION);

export interface MigrationOutcome {
  readonly doc: JsonObject;
  /** Descriptions of the migrations applied, oldest first (empty when the file was current). */
  readonly applied: readonly string[];
}

/** Runs the migrations from `fromVersion` up to `target`. */
export function runGraphMigrations(doc: JsonObject, fromVersion: number, migrations: readonly GraphMigration[], target: number): MigrationOutcome {
  let current = JSON.parse(JSON.stringify(doc)) as JsonObject;
  const applied: string[] = [];
  for (let v = fromVersion; v < target; v++) {
    const m = migrations[v - 1];
    if (!m || m.from !== v) throw new Error(`no graph migration from version ${v}`);
    current = { ...m.migrate(current), version: v + 1 };
    applied.push(m.description);
  }
  return { doc: current, applied };
}
