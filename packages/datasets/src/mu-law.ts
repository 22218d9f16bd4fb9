import { ArgumentError, expectInteger } from '@tfgen/core';

/**
 * Mu-law companding and quantization (ITU-T G.711 style, as in WaveNet): squeezes audio in
 * [-1, 1] into `levels` classes (default 256, μ = levels - 1), finer near zero where speech
 * and music spend their time. `F(x) = sign(x)·ln(1 + μ|x|) / ln(1 + μ)`, then
 * `code = round((F(x) + 1) / 2 · μ)`. Values outside [-1, 1] are clipped.
 *
 * @example muLawEncode(new Float32Array([-1, 0, 1])) // Int32Array [0, 128, 255]
 */
export function muLawEncode(signal: ArrayLike<number>, levels = 256): Int32Array {
  const mu = checkLevels(levels) - 1;
  const logMu = Math.log1p(mu);
  const out = new Int32Array(signal.length);
  for (let i = 0; i < signal.length; i++) {
    const value = signal[i];
    if (Number.isNaN(value)) throw new ArgumentError(`signal[${i}]`, 'a number in [-1, 1]', value);
    const x = Math.max(-1, Math.min(1, value));
    const companded = (Math.sign(x) * Math.log1p(mu * Math.abs(x))) / logMu;
    out[i] = Math.floor(((companded + 1) / 2) * mu + 0.5);
  }
  return out;
}

/** Inverse of {@link muLawEncode}: class ids in `0 .. levels - 1` back to audio in [-1, 1]. */
export function muLawDecode(codes: ArrayLike<number>, levels = 256): Float32Array {
  const mu = checkLevels(levels) - 1;
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (!Number.isInteger(code) || code < 0 || code > mu) {
      throw new ArgumentError(`codes[${i}]`, `an integer in [0, ${mu}]`, code);
    }
    const y = (2 * code) / mu - 1;
    out[i] = (Math.sign(y) * Math.expm1(Math.abs(y) * Math.log1p(mu))) / mu;
  }
  return out;
}

function checkLevels(levels: number): number {
  return expectInteger(levels, 'levels', 2, 65536);
}
