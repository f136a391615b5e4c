/** Safetensors headers that JSON.parse accepts but a reader must not: duplicate names, absurd nesting. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { jsonDepth, scanJsonText } from '../../../shared/json/index.js';
import { expectIOError, rawSafetensors, tempDir } from '../tensor-io/helpers.js';

const dir = tempDir('header-shapes');
let n = 0;
function fileWith(headerText: string, data = new Uint8Array(8)): string {
  const file = path.join(dir, `h${n++}.safetensors`);
  writeFileSync(file, rawSafetensors(undefined, data, headerText));
  return file;
}

describe('safetensors header structure', () => {
  it('refuses a tensor named twice (JSON.parse would keep the second silently)', async () => {
    const file = fileWith('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}');
    const e = await expectIOError(SafetensorsFile.open(file), 'duplicate-tensor', [file, '"w"', 'twice']);
    expect(e.tensor).toBe('w');
  });

  it('refuses a key repeated inside an entry or in __metadata__', async () => {
    await expectIOError(SafetensorsFile.open(fileWith('{"w":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}}')), 'bad-entry', ['"dtype"']);
    await expectIOError(SafetensorsFile.open(fileWith('{"__metadata__":{"a":"1","a":"2"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}')), 'bad-entry', ['"a"']);
  });

  it('equal names that are escaped differently are the same name', async () => {
    const file = fileWith('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\\u0077":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}');
    await expectIOError(SafetensorsFile.open(file), 'duplicate-tensor', ['"w"']);
  });

  it('keys inside strings and nested objects do not confuse the scan', async () => {
    const file = fileWith('{"__metadata__":{"x":"{\\"w\\":1,\\"w\\":2}","y":"a,\\"b"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}');
    const f = await SafetensorsFile.open(file);
    expect(f.entries.map((e) => e.name).sort()).toEqual(['v', 'w']);
    await f.close();
  });

  it('refuses a header nested 100,000 levels deep with an error, not a stack overflow', async () => {
    const deep = `{"w":{"dtype":"F32","shape":${'['.repeat(100_000)}${']'.repeat(100_000)},"data_offsets":[0,4]}}`;
    await expectIOError(SafetensorsFile.open(fileWith(deep)), 'header-too-deep', ['64 levels']);
  });
});

describe('json limits', () => {
  it('jsonDepth counts nesting without recursion and stops past the limit', () => {
    expect(jsonDepth(1)).toBe(0);
    expect(jsonDepth({ a: [1, { b: {} }] })).toBe(4);
    let deep: unknown = 0;
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(jsonDepth(deep, 64)).toBe(65);
  });

  it('scanJsonText agrees with JSON.parse on what it reads', () => {
    expect(scanJsonText('{"a":[{"b":1,"c":2}],"d":"}"}')).toEqual({ depth: 3 });
    expect(scanJsonText('[{"a":1},{"a":2}]')).toEqual({ depth: 2 });
    expect(scanJsonText('{"a":{"b":1},"a":2}')).toMatchObject({ duplicateKey: 'a', duplicateDepth: 1 });
  });
});
