import { describe, expect, it } from 'vitest';
import { DataError } from '@tfgen/core';
import {
  base64ToBytes,
  bytesToBase64,
  decodeFloat16Base64,
  encodeFloat16Base64,
  float16BitsToFloat32,
  float32ToFloat16Bits,
} from './weights-codec';

describe('weights codec', () => {
  it('encodes known half-precision bit patterns', () => {
    const values = Float32Array.from([0, -0, 1, -2, 0.5, 65504, 1e6, 2 ** -24, 2 ** -14, 1 / 3, Infinity]);
    const bits = Array.from(float32ToFloat16Bits(values));
    expect(bits).toEqual([0x0000, 0x8000, 0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 0x0001, 0x0400, 0x3555, 0x7c00]);
    expect(Array.from(float16BitsToFloat32(Uint16Array.from([0x3c00, 0xc000, 0x0001, 0x3555])))).toEqual([1, -2, 2 ** -24, 0.333251953125]);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(Float32Array.from([NaN])))[0])).toBe(true);
  });

  it('round-trips weights within half-precision error', () => {
    const values = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 3 + (i % 7) * 1e-3);
    const decoded = decodeFloat16Base64(encodeFloat16Base64(values), values.length);
    for (let i = 0; i < values.length; i++) expect(Math.abs(decoded[i] - values[i])).toBeLessThanOrEqual(Math.abs(values[i]) * 2 ** -11 + 2 ** -24);
  });

  it('matches standard base64 and rejects corrupt text', () => {
    const bytes = new TextEncoder().encode('tfgen metrics!');
    expect(bytesToBase64(bytes)).toBe('dGZnZW4gbWV0cmljcyE=');
    expect(Array.from(base64ToBytes('dGZnZW4gbWV0cmljcyE='))).toEqual(Array.from(bytes));
    expect(bytesToBase64(Uint8Array.from([1, 2]))).toBe('AQI=');
    expect(() => base64ToBytes('ab$d')).toThrow(DataError);
    expect(() => decodeFloat16Base64('AQI=', 5)).toThrow(/5 float16 values/);
  });
});
