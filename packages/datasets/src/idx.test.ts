import { describe, expect, it } from 'vitest';
import { DataError } from '@tfgen/core';
import { encodeIdx, parseIdx } from './idx';

/** A hand-written IDX file: ubyte, rank 2, shape [2, 3]. */
const handMade = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]);

describe('parseIdx', () => {
  it('reads a hand-written ubyte file', () => {
    const parsed = parseIdx(handMade, 'hand.idx');
    expect(parsed.dtype).toBe('uint8');
    expect(parsed.shape).toEqual([2, 3]);
    expect(Array.from(parsed.data)).toEqual([1, 2, 3, 4, 5, 255]);
  });

  it('reads big-endian int32, int16, int8, float32 and float64 data', () => {
    const int32 = new Uint8Array([0, 0, 0x0c, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x00]);
    expect(Array.from(parseIdx(int32).data)).toEqual([-2, 65536]);
    const int16 = new Uint8Array([0, 0, 0x0b, 1, 0, 0, 0, 1, 0x80, 0x00]);
    expect(Array.from(parseIdx(int16).data)).toEqual([-32768]);
    const int8 = new Uint8Array([0, 0, 0x09, 1, 0, 0, 0, 1, 0xff]);
    expect(Array.from(parseIdx(int8).data)).toEqual([-1]);
    // 1.5 as float32 big-endian is 3f c0 00 00; -2 as float64 is c0 00 00 00 00 00 00 00.
    const f32 = new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]);
    expect(Array.from(parseIdx(f32).data)).toEqual([1.5]);
    const f64 = new Uint8Array([0, 0, 0x0e, 1, 0, 0, 0, 1, 0xc0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(parseIdx(f64).data)).toEqual([-2]);
  });

  it('round-trips through encodeIdx for every dtype', () => {
    const cases = [
      { dtype: 'uint8', shape: [2, 2], data: new Uint8Array([0, 1, 128, 255]) },
      { dtype: 'int8', shape: [3], data: new Int8Array([-128, 0, 127]) },
      { dtype: 'int16', shape: [1, 2], data: new Int16Array([-300, 300]) },
      { dtype: 'int32', shape: [2], data: new Int32Array([-70000, 70000]) },
      { dtype: 'float32', shape: [2], data: new Float32Array([0.25, -3.5]) },
      { dtype: 'float64', shape: [1, 1, 2], data: new Float64Array([Math.PI, -Math.E]) },
    ] as const;
    for (const array of cases) {
      const parsed = parseIdx(encodeIdx(array));
      expect(parsed.dtype).toBe(array.dtype);
      expect(parsed.shape).toEqual(array.shape);
      expect(Array.from(parsed.data)).toEqual(Array.from(array.data));
    }
  });

  it('handles a view into a larger buffer (byteOffset)', () => {
    const padded = new Uint8Array(handMade.length + 5);
    padded.set(handMade, 5);
    expect(Array.from(parseIdx(padded.subarray(5), 'view').data)).toEqual([1, 2, 3, 4, 5, 255]);
  });

  it('names the file and the problem for truncated and corrupt files', () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [handMade.subarray(0, 3), /^x\.idx: expected an IDX file of at least 4 bytes.*truncated header/],
      [handMade.subarray(0, 10), /^x\.idx: expected an IDX header of 12 bytes for rank 2, got "10 bytes".*truncated header/],
      [handMade.subarray(0, 16), /^x\.idx: expected 18 bytes for uint8 data of shape \[2, 3\], got "16 bytes" \(truncated: 2 bytes missing\)/],
      [new Uint8Array([...handMade, 0]), /^x\.idx: expected 18 bytes .*1 unexpected trailing bytes/],
      [new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), /^x\.idx: expected an IDX magic number starting with two zero bytes, got "0x1f 0x8b".*gzipped/],
      [new Uint8Array([0, 0, 0x07, 1, 0, 0, 0, 0]), /^x\.idx: expected an IDX type code .*got "0x07"/],
      [new Uint8Array([0, 0, 0x08, 0]), /^x\.idx: expected an IDX rank >= 1, got 0/],
      [new Uint8Array([0, 0, 0x0e, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2]), /^x\.idx: expected IDX dimensions describing at most 4 GiB/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => parseIdx(bytes, 'x.idx')).toThrow(DataError);
      expect(() => parseIdx(bytes, 'x.idx')).toThrow(message);
    }
  });
});
