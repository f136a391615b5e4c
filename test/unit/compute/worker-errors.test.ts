import { describe, expect, it } from 'vitest';
import { deserializeError, serializeError } from '../../../main/engine/compute/worker-errors.js';
import { CancelledError, EngineError } from '../../../main/engine/errors.js';
import { TensorIOError } from '../../../main/engine/tensor-io/errors.js';

describe('error serialization across threads', () => {
  it('keeps an EngineError subclass: code, subject fields, hint, name and stack', () => {
    const original = new TensorIOError('bad-dtype', 'a.safetensors', 'tensor x has dtype Q4', { tensor: 'x', hint: 'convert it' });
    const copy = deserializeError(structuredClone(serializeError(original)));
    expect(copy).toBeInstanceOf(EngineError);
    const e = copy as EngineError;
    expect([e.code, e.file, e.tensor, e.hint, e.message, e.name]).toEqual(['bad-dtype', 'a.safetensors', 'x', 'convert it', 'a.safetensors: tensor x has dtype Q4', 'TensorIOError']);
    expect(e.stack).toBe(original.stack);
  });

  it('keeps module and node', () => {
    const e = deserializeError(serializeError(new EngineError('c', 'm', { module: 'unet.mid.attn1.to_q', node: 'n3' }))) as EngineError;
    expect([e.module, e.node]).toEqual(['unet.mid.attn1.to_q', 'n3']);
  });

  it('turns a cancellation back into a CancelledError', () => {
    expect(deserializeError(serializeError(new CancelledError()))).toBeInstanceOf(CancelledError);
  });

  it('keeps plain errors plain and survives non-errors', () => {
    const plain = deserializeError(serializeError(new TypeError('bad')));
    expect(plain).not.toBeInstanceOf(EngineError);
    expect([plain.name, plain.message]).toEqual(['TypeError', 'bad']);
    expect(deserializeError(serializeError('just a string')).message).toBe('just a string');
  });
});
