import { ArgumentError, expectInteger, expectNumber } from '@tfgen/core';
import { toRng, type SeedLike } from './seed';

/** Options of {@link sineMixture}. */
export interface SineMixtureOptions {
  /** Samples per second, e.g. 16000. */
  sampleRate: number;
  /** Length in seconds. */
  seconds: number;
  /** Frequencies in Hz, each below the Nyquist frequency `sampleRate / 2`. */
  frequencies: readonly number[];
  /** Relative amplitudes (default all 1). The sum is normalized so the peak is at most `peak`. */
  amplitudes?: readonly number[];
  /** Phases in radians; default: drawn uniformly from `seed`. */
  phases?: readonly number[];
  /** Largest possible |value| (default 0.9, leaving headroom in [-1, 1]). */
  peak?: number;
  /** Standard deviation of added white noise (default 0); the result is clipped to [-1, 1]. */
  noiseStd?: number;
  seed?: SeedLike;
}

/**
 * A sum of sines, `peak · Σ a_k sin(2π f_k t + φ_k) / Σ|a_k|` sampled at `t = n / sampleRate`:
 * a toy signal for WaveNet with a known spectrum.
 *
 * @example const wave = sineMixture({ sampleRate: 8000, seconds: 1, frequencies: [220, 330] });
 */
export function sineMixture(options: SineMixtureOptions): Float32Array {
  const sampleRate = expectNumber(options?.sampleRate, 'sampleRate', 0, Infinity, true);
  const length = sampleCount(sampleRate, options.seconds);
  const frequencies = options.frequencies;
  if (!Array.isArray(frequencies) || frequencies.length === 0) {
    throw new ArgumentError('frequencies', 'a non-empty array of frequencies in Hz', frequencies);
  }
  frequencies.forEach((f, i) => expectNumber(f, `frequencies[${i}]`, 0, sampleRate / 2));
  const amplitudes = options.amplitudes ?? frequencies.map(() => 1);
  if (amplitudes.length !== frequencies.length) {
    throw new ArgumentError('amplitudes', `${frequencies.length} amplitudes (one per frequency)`, amplitudes);
  }
  amplitudes.forEach((a, i) => expectNumber(a, `amplitudes[${i}]`));
  const total = amplitudes.reduce((s, a) => s + Math.abs(a), 0);
  if (total === 0) throw new ArgumentError('amplitudes', 'not all zero', amplitudes);
  const rng = toRng(options.seed);
  const phases = options.phases ?? frequencies.map(() => rng.uniform(0, 2 * Math.PI));
  if (phases.length !== frequencies.length) throw new ArgumentError('phases', `${frequencies.length} phases`, phases);
  phases.forEach((p, i) => expectNumber(p, `phases[${i}]`));
  const peak = expectNumber(options.peak ?? 0.9, 'peak', 0, 1, true);
  const noiseStd = expectNumber(options.noiseStd ?? 0, 'noiseStd', 0);
  const out = new Float32Array(length);
  for (let n = 0; n < length; n++) {
    const t = n / sampleRate;
    let value = 0;
    for (let k = 0; k < frequencies.length; k++) value += amplitudes[k] * Math.sin(2 * Math.PI * frequencies[k] * t + phases[k]);
    value = (peak * value) / total;
    if (noiseStd > 0) value += noiseStd * rng.normal();
    out[n] = Math.max(-1, Math.min(1, value));
  }
  return out;
}

/** Options of {@link chirps}. */
export interface ChirpOptions {
  sampleRate: number;
  seconds: number;
  /** Frequency at the start of each chirp, Hz. */
  startFrequency: number;
  /** Frequency at the end of each chirp, Hz (below `sampleRate / 2`). */
  endFrequency: number;
  /** Number of back-to-back chirps (default 1). */
  count?: number;
  /** `'linear'` (default) or `'exponential'` frequency sweep. */
  sweep?: 'linear' | 'exponential';
  /** Amplitude (default 0.9). */
  amplitude?: number;
}

/**
 * Frequency sweeps (chirps): `count` back-to-back sweeps from `startFrequency` to
 * `endFrequency`, each `seconds / count` long. Linear: phase `2π(f0 t + (f1 - f0) t² / 2T)`;
 * exponential: phase `2π f0 T (k^(t/T) - 1) / ln k` with `k = f1 / f0`.
 */
export function chirps(options: ChirpOptions): Float32Array {
  const sampleRate = expectNumber(options?.sampleRate, 'sampleRate', 0, Infinity, true);
  const length = sampleCount(sampleRate, options.seconds);
  const f0 = expectNumber(options.startFrequency, 'startFrequency', 0, sampleRate / 2, true);
  const f1 = expectNumber(options.endFrequency, 'endFrequency', 0, sampleRate / 2, true);
  const count = expectInteger(options.count ?? 1, 'count', 1);
  const sweep = options.sweep ?? 'linear';
  if (sweep !== 'linear' && sweep !== 'exponential') throw new ArgumentError('sweep', '"linear" or "exponential"', sweep);
  const amplitude = expectNumber(options.amplitude ?? 0.9, 'amplitude', 0, 1);
  const period = options.seconds / count;
  const out = new Float32Array(length);
  const ratio = f1 / f0;
  for (let n = 0; n < length; n++) {
    const t = (n / sampleRate) % period;
    const phase =
      sweep === 'linear' || ratio === 1
        ? 2 * Math.PI * (f0 * t + ((f1 - f0) * t * t) / (2 * period))
        : (2 * Math.PI * f0 * period * (Math.pow(ratio, t / period) - 1)) / Math.log(ratio);
    out[n] = amplitude * Math.sin(phase);
  }
  return out;
}

function sampleCount(sampleRate: number, seconds: unknown): number {
  expectNumber(seconds, 'seconds', 0, Infinity, true);
  const length = Math.round(sampleRate * (seconds as number));
  if (length < 1) throw new ArgumentError('seconds', `at least one sample at ${sampleRate} Hz`, seconds);
  return length;
}
