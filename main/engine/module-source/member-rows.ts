/** Where a combined module's member lands: all rows, or the rows of its part of a fused module. */
import { EngineError } from '../errors.js';
import type { CombineMember } from '../values/lora-value.js';

export interface MemberRows {
  readonly start: number;
  readonly length: number;
}

/** The member's rows in a module of `out` rows, checked against the member's own row count. */
export function memberRows(member: CombineMember, memberOut: number, out: number, module: string | undefined): MemberRows {
  const rows = member.rows ?? { start: 0, length: out };
  if (rows.length !== memberOut || rows.start < 0 || rows.start + rows.length > out) {
    throw new EngineError(
      'combine-shape-mismatch',
      `${module ?? 'A combined module'}: an input has ${memberOut} output rows where rows [${rows.start}, ${rows.start + rows.length}) of ${out} were expected.`,
      { module, hint: 'The inputs were trained for different base models (or different sizes of the same one).' },
    );
  }
  return rows;
}

export function checkInputWidth(memberIn: number, inFlat: number, module: string | undefined): void {
  if (memberIn !== inFlat) {
    throw new EngineError('combine-shape-mismatch', `${module ?? 'A combined module'}: an input has ${memberIn} input features where ${inFlat} were expected.`, {
      module,
      hint: 'The inputs were trained for different base models (or different sizes of the same one).',
    });
  }
}
