import { describe, expect, it } from 'vitest';
import { CHECKPOINT_MAGIC, decodeCheckpoint, encodeCheckpoint, peekCheckpointHeader, type CheckpointContents } from './checkpoint';
import { crc32 } from './crc32';
import { CheckpointError } from './errors';

function sample(): CheckpointContents {
  return {
    kind: 'test/kind',
    config: { hidden: 4, name: 'x' },
    step: 17,
    rngState: [1, 2, 3, 4294967295],
    dataState: { epoch: 2, position: 8 },
    metrics: { loss: 0.25 },
    variables: [
      { name: 'a/0/kernel', shape: [2, 3], dtype: 'float32', values: new Float32Array([1.5, -2, 3e-8, Math.PI, -0, 7]) },
      { name: 'a/1/count', shape: [], dtype: 'int32', values: new Int32Array([-5]) },
      { name: 'a/2/mask', shape: [3], dtype: 'bool', values: new Uint8Array([1, 0, 1]) },
    ],
    optimizers: {
      model: {
        className: 'Adam',
        iterations: 17,
        slots: [{ name: 'm', shape: [2, 3], dtype: 'float32', values: new Float32Array(6).fill(0.125) }],
        extras: [{ name: 'accBeta1', shape: [], dtype: 'float32', values: new Float32Array([0.9 ** 18]) }],
      },
    },
  };
}

describe('crc32', () => {
  it('matches the standard check value and zlib on known strings', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    // zlib.crc32('The quick brown fox jumps over the lazy dog') = 0x414fa339
    expect(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
    // The 8-bytes-at-a-time path agrees with a bitwise reference on every length and offset.
    const bitwise = (bytes: Uint8Array) => {
      let crc = 0xffffffff;
      for (const byte of bytes) {
        crc ^= byte;
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
      }
      return (crc ^ 0xffffffff) >>> 0;
    };
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 7) & 0xff);
    for (let length = 0; length < 40; length++) expect(crc32(data.subarray(3, 3 + length))).toBe(bitwise(data.subarray(3, 3 + length)));
    expect(crc32(data)).toBe(bitwise(data));
    expect(crc32(data.subarray(100), crc32(data.subarray(0, 100)))).toBe(crc32(data));
  });
});

describe('checkpoint encoding', () => {
  it('round-trips every field and value bit for bit', () => {
    const original = sample();
    const bytes = encodeCheckpoint(original);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe(CHECKPOINT_MAGIC);
    const decoded = decodeCheckpoint(bytes);
    expect(decoded.kind).toBe('test/kind');
    expect(decoded.config).toEqual(original.config);
    expect(decoded.step).toBe(17);
    expect(decoded.rngState).toEqual([1, 2, 3, 4294967295]);
    expect(decoded.dataState).toEqual({ epoch: 2, position: 8 });
    expect(decoded.metrics).toEqual({ loss: 0.25 });
    for (let i = 0; i < original.variables.length; i++) {
      expect(decoded.variables[i].name).toBe(original.variables[i].name);
      expect(decoded.variables[i].shape).toEqual(original.variables[i].shape);
      expect(decoded.variables[i].dtype).toBe(original.variables[i].dtype);
      expect(decoded.variables[i].values.constructor).toBe(original.variables[i].values.constructor);
      expect(Array.from(decoded.variables[i].values)).toEqual(Array.from(original.variables[i].values));
    }
    expect(Object.is(decoded.variables[0].values[4], -0)).toBe(true);
    expect(decoded.optimizers.model.className).toBe('Adam');
    expect(decoded.optimizers.model.iterations).toBe(17);
    expect(Array.from(decoded.optimizers.model.slots[0].values)).toEqual(new Array(6).fill(0.125));
    expect(decoded.optimizers.model.extras[0].values[0]).toBe(Math.fround(0.9 ** 18));
    expect(peekCheckpointHeader(bytes)).toMatchObject({ kind: 'test/kind', step: 17 });
    // Encoding is deterministic.
    expect(encodeCheckpoint(decoded)).toEqual(bytes);
  });

  it('names the source and the fault for wrong magic, version, truncation and corruption', () => {
    const bytes = encodeCheckpoint(sample());
    const fails = (b: Uint8Array, pattern: RegExp) => {
      let caught: unknown;
      try {
        decodeCheckpoint(b, 'run/ckpt.tfgen');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(CheckpointError);
      expect((caught as Error).message).toMatch(/^run\/ckpt\.tfgen/);
      expect((caught as Error).message).toMatch(pattern);
    };
    fails(new TextEncoder().encode('PK\u0003\u0004 not a checkpoint at all'), /magic bytes "TFGENCKP".*not a tfgen checkpoint/);
    fails(bytes.subarray(0, 10), /truncated/);
    fails(bytes.subarray(0, 40), /truncated/);
    fails(bytes.subarray(0, bytes.length - 1), /payload of \d+ bytes.*truncated/);
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    fails(longer, /trailing bytes/);
    const version = bytes.slice();
    version[8] = 9;
    fails(version, /format version 1, got 9/);
    const payloadFlip = bytes.slice();
    payloadFlip[bytes.length - 5] ^= 0x10;
    fails(payloadFlip, /payload CRC-32 .*corrupt payload/);
    const headerFlip = bytes.slice();
    headerFlip[30] ^= 0x01;
    fails(headerFlip, /header CRC-32 .*corrupt header/);
  });

  it('refuses arrays whose value count does not match the shape', () => {
    const bad = { ...sample(), variables: [{ name: 'v', shape: [2, 2], dtype: 'float32' as const, values: new Float32Array(3) }] };
    expect(() => encodeCheckpoint(bad)).toThrow(/variables: v: expected 4 values for shape \[2, 2\], got "3 values"/);
  });
});
