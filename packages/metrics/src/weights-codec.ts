import { ArgumentError, DataError } from '@tfgen/core';

/**
 * Float32 <-> float16 (IEEE half) <-> base64 helpers, so classifier weights can ship as a
 * small TypeScript module that loads in Node and browsers without `fs` or `Buffer`.
 * Half precision keeps ~3 significant digits, plenty for a feature extractor (the training
 * script checks accuracy after rounding).
 */
export function float32ToFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i];
    const x = u32[0];
    const sign = (x >>> 16) & 0x8000;
    const exponent = (x >>> 23) & 0xff;
    let mantissa = x & 0x7fffff;
    if (exponent === 0xff) {
      out[i] = sign | 0x7c00 | (mantissa ? 0x200 : 0);
      continue;
    }
    const e = exponent - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00; // overflow to infinity
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign; // underflow to zero
        continue;
      }
      mantissa |= 0x800000;
      const shift = 14 - e;
      let half = mantissa >>> shift;
      const rest = mantissa & ((1 << shift) - 1);
      const halfway = 1 << (shift - 1);
      if (rest > halfway || (rest === halfway && (half & 1))) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (e << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++; // round to nearest even; may carry into the exponent
    out[i] = sign | half;
  }
  return out;
}

/** Inverse of {@link float32ToFloat16Bits}. */
export function float16BitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >>> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) out[i] = sign * mantissa * 2 ** -24;
    else if (exponent === 0x1f) out[i] = mantissa ? NaN : sign * Infinity;
    else out[i] = sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 of raw bytes (no `Buffer`, works everywhere). */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const triple = (a << 16) | (b << 8) | c;
    out += ALPHABET[(triple >>> 18) & 63] + ALPHABET[(triple >>> 12) & 63];
    out += i + 1 < bytes.length ? ALPHABET[(triple >>> 6) & 63] : '=';
    out += i + 2 < bytes.length ? ALPHABET[triple & 63] : '=';
  }
  return out;
}

/** Decodes standard base64; throws a {@link DataError} on characters outside the alphabet. */
export function base64ToBytes(text: string, argument = 'base64'): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 !== 0) {
    throw new DataError(argument, 'base64 text whose length is a multiple of 4', typeof text === 'string' ? `length ${text.length}` : text);
  }
  const lookup = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) lookup[ALPHABET.charCodeAt(i)] = i;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let triple = 0;
    for (let j = 0; j < 4; j++) {
      const ch = text.charCodeAt(i + j);
      const isPad = ch === 61 && i + j >= text.length - padding;
      const v = isPad ? 0 : ch < 128 ? lookup[ch] : -1;
      if (v < 0) throw new DataError(argument, 'base64 characters', text.slice(i + j, i + j + 1), `at offset ${i + j}`);
      triple = (triple << 6) | v;
    }
    if (o < out.length) out[o++] = (triple >>> 16) & 255;
    if (o < out.length) out[o++] = (triple >>> 8) & 255;
    if (o < out.length) out[o++] = triple & 255;
  }
  return out;
}

/** Float32 values -> float16 -> base64 (little-endian), for generated weight modules. */
export function encodeFloat16Base64(values: Float32Array): string {
  const bits = float32ToFloat16Bits(values);
  const bytes = new Uint8Array(bits.length * 2);
  for (let i = 0; i < bits.length; i++) {
    bytes[2 * i] = bits[i] & 255;
    bytes[2 * i + 1] = bits[i] >>> 8;
  }
  return bytesToBase64(bytes);
}

/** Inverse of {@link encodeFloat16Base64}; checks the decoded length when `expectedLength` is given. */
export function decodeFloat16Base64(text: string, expectedLength?: number, argument = 'weights'): Float32Array {
  const bytes = base64ToBytes(text, argument);
  if (bytes.length % 2 !== 0) throw new DataError(argument, 'an even number of bytes (float16 values)', bytes.length);
  const bits = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < bits.length; i++) bits[i] = bytes[2 * i] | (bytes[2 * i + 1] << 8);
  if (expectedLength !== undefined && bits.length !== expectedLength) {
    throw new DataError(argument, `${expectedLength} float16 values`, `${bits.length} values`, 'truncated or mismatched weights');
  }
  if (expectedLength !== undefined && !Number.isInteger(expectedLength)) throw new ArgumentError('expectedLength', 'an integer', expectedLength);
  return float16BitsToFloat32(bits);
}
