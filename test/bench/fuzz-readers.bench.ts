/**
 * Fuzzing as a habit: ≥ 100,000 mutated safetensors headers and PEFT configs through the readers, within a
 * time budget; prints how many were accepted, refused (by error code), crashed (must be 0) and the slowest.
 * Run: node --import tsx test/bench/fuzz-readers.bench.ts [cases, default 100000] [budget s, default 300] [seed]
 */
import { fuzzReaders } from './fuzz-readers.js';

const cases = Number(process.argv[2] ?? 100_000);
const budgetMs = Number(process.argv[3] ?? 300) * 1000;
const seed = Number(process.argv[4] ?? Date.now() % 2 ** 31);
const s = fuzzReaders({ cases, budgetMs, seed });
console.log(`fuzz-readers seed ${seed}: ${s.cases} cases in ${(s.ms / 1000).toFixed(1)} s (${Math.round(s.cases / (s.ms / 1000))}/s)`);
console.log(`  accepted ${s.accepted}`);
console.log(`  refused  ${Object.values(s.refused).reduce((a, b) => a + b, 0)}: ${Object.entries(s.refused).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`  crashes  ${s.crashes.length}`);
for (const c of s.crashes.slice(0, 5)) console.log(`    ${c.error}\n      input: ${JSON.stringify(c.input)}`);
console.log(`  slowest  ${s.slowest.ms.toFixed(2)} ms (${s.slowest.target}): ${JSON.stringify(s.slowest.input)}`);
if (s.cases < cases) console.log(`  (stopped by the ${budgetMs / 1000} s budget before ${cases} cases)`);
process.exitCode = s.crashes.length === 0 ? 0 : 1;
