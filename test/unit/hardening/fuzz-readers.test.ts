/** A few thousand mutated safetensors headers and PEFT configs on every test run (the bench runs 100,000+). */
import { describe, expect, it } from 'vitest';
import { fuzzReaders } from '../../bench/fuzz-readers.js';

describe('fuzzing the readers of untrusted input', () => {
  for (const seed of [11, 12]) {
    it(`seed ${seed}: 2,000 cases, every one accepted or refused with an error code, none crashes`, () => {
      const s = fuzzReaders({ cases: 2000, budgetMs: 60_000, seed });
      expect(s.crashes).toEqual([]);
      expect(s.cases).toBe(2000);
      // Not degenerate: the mutations reach both outcomes and several refusal paths.
      expect(s.accepted).toBeGreaterThan(50);
      expect(Object.keys(s.refused).length).toBeGreaterThan(5);
      expect(s.refused['duplicate-tensor']).toBeGreaterThan(0);
    });
  }
});
