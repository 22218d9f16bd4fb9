import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError, expectNoTensorLeakSync } from '@tfgen/core';
import { audioWindows } from './audio-windows';
import { chirps, sineMixture } from './audio-toys';
import { muLawDecode, muLawEncode } from './mu-law';

describe('mu-law', () => {
  it('known values: -1 -> 0, 0 -> 128, 1 -> 255, and the formula in between', () => {
    expect(Array.from(muLawEncode([-1, 0, 1]))).toEqual([0, 128, 255]);
    // F(0.5) = ln(1 + 127.5) / ln 256 = 0.87553..., code = round(1.87553 / 2 * 255) = 239.
    expect(Array.from(muLawEncode([0.5, -0.5]))).toEqual([239, 16]);
    expect(Array.from(muLawEncode([2, -3]))).toEqual([255, 0]);
    expect(Array.from(muLawDecode([0, 255]))).toEqual([-1, 1]);
    expect(Array.from(muLawEncode([-1, 0, 1], 16))).toEqual([0, 8, 15]);
  });

  it('round trip error is within half a quantization step through the expansion', () => {
    const mu = 255;
    const xs = Float32Array.from({ length: 20001 }, (_, i) => -1 + i / 10000);
    const back = muLawDecode(muLawEncode(xs));
    let worstRatio = 0;
    for (let i = 0; i < xs.length; i++) {
      // |dx/dy| = ln(1+mu)(1+mu|x|)/mu, y is off by at most 1/mu, so the error is at most
      // ln(1+mu)(1+mu|x|)(1+mu)^(1/mu)/mu^2 (the derivative grows with |y|).
      const bound = (Math.log1p(mu) * (1 + mu * Math.abs(xs[i])) * Math.pow(1 + mu, 1 / mu)) / (mu * mu) + 1e-6;
      worstRatio = Math.max(worstRatio, Math.abs(back[i] - xs[i]) / bound);
    }
    expect(worstRatio).toBeLessThanOrEqual(1);
    expect(worstRatio).toBeGreaterThan(0.5); // the bound is tight, not vacuous
    // Codes decode and re-encode to themselves.
    const codes = Int32Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(muLawEncode(muLawDecode(codes)))).toEqual(Array.from(codes));
  });

  it('rejects bad codes and levels', () => {
    expect(() => muLawDecode([256])).toThrow(/codes\[0\]: expected an integer in \[0, 255\], got 256/);
    expect(() => muLawEncode([NaN])).toThrow(ArgumentError);
    expect(() => muLawEncode([0], 1)).toThrow(/levels: expected an integer in \[2, 65536\]/);
  });
});

describe('audio toys', () => {
  it('sineMixture equals the closed form and respects the peak', () => {
    const wave = sineMixture({ sampleRate: 8000, seconds: 0.5, frequencies: [440, 1000], amplitudes: [1, 0.5], phases: [0, Math.PI / 2], peak: 0.9 });
    expect(wave.length).toBe(4000);
    let worst = 0;
    let peak = 0;
    for (let n = 0; n < wave.length; n++) {
      const t = n / 8000;
      const expected = (0.9 * (Math.sin(2 * Math.PI * 440 * t) + 0.5 * Math.cos(2 * Math.PI * 1000 * t))) / 1.5;
      worst = Math.max(worst, Math.abs(wave[n] - expected));
      peak = Math.max(peak, Math.abs(wave[n]));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(peak).toBeLessThanOrEqual(0.9);
    // Seeded random phases: same seed, same wave.
    const a = sineMixture({ sampleRate: 1000, seconds: 0.1, frequencies: [50], seed: 4 });
    const b = sineMixture({ sampleRate: 1000, seconds: 0.1, frequencies: [50], seed: 4 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() => sineMixture({ sampleRate: 8000, seconds: 1, frequencies: [5000] })).toThrow(/frequencies\[0\]: expected a finite number >= 0 and <= 4000/);
  });

  it('a linear chirp sweeps its frequency: zero crossings per window follow f(t)', () => {
    const sampleRate = 16000;
    const wave = chirps({ sampleRate, seconds: 1, startFrequency: 100, endFrequency: 1100 });
    // Count zero crossings in 0.1 s windows: about 2 f(t_mid) * 0.1 per window, f(t) = 100 + 1000 t.
    for (let w = 0; w < 10; w++) {
      let crossings = 0;
      for (let n = w * 1600 + 1; n < (w + 1) * 1600; n++) if (Math.sign(wave[n]) !== Math.sign(wave[n - 1])) crossings++;
      const expected = 2 * (100 + 1000 * (w * 0.1 + 0.05)) * 0.1;
      expect(Math.abs(crossings - expected)).toBeLessThanOrEqual(2);
    }
    // Exponential sweep: phase closed form at the end of the sweep.
    const exp = chirps({ sampleRate: 1000, seconds: 1, startFrequency: 10, endFrequency: 40, sweep: 'exponential', amplitude: 1 });
    const t = 999 / 1000;
    expect(exp[999]).toBeCloseTo(Math.sin((2 * Math.PI * 10 * (Math.pow(4, t) - 1)) / Math.log(4)), 5);
  });

  it('audioWindows: random windows of the signal, mu-law labels, reproducible, resumable, leak-free', () => {
    const signal = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) * 0.8);
    const it = audioWindows(signal, { windowLength: 64, batchSize: 4, seed: 1, muLawLevels: 256 });
    expect(it.batchesPerEpoch).toBe(3);
    const batch = expectNoTensorLeakSync('next', () => it.next());
    expect(batch.x.shape).toEqual([4, 64, 1]);
    expect(batch.y?.shape).toEqual([4, 64]);
    const xs = batch.x.dataSync();
    const ys = batch.y?.dataSync() ?? new Int32Array();
    for (let b = 0; b < 4; b++) {
      const window = xs.subarray(b * 64, (b + 1) * 64);
      // The window is a contiguous piece of the signal.
      let start = -1;
      for (let s = 0; s <= 1000 - 64 && start < 0; s++) if (signal[s] === window[0] && signal[s + 63] === window[63]) start = s;
      expect(start).toBeGreaterThanOrEqual(0);
      expect(Array.from(window)).toEqual(Array.from(signal.subarray(start, start + 64)));
      expect(Array.from(ys.subarray(b * 64, (b + 1) * 64))).toEqual(Array.from(muLawEncode(window)));
    }
    const state = JSON.parse(JSON.stringify(it.getState()));
    const next = it.next();
    const other = audioWindows(signal, { windowLength: 64, batchSize: 4, seed: 1, muLawLevels: 256 });
    other.setState(state);
    const resumed = other.next();
    expect(Array.from(resumed.x.dataSync())).toEqual(Array.from(next.x.dataSync()));
    tf.dispose([batch.x, batch.y, next.x, next.y, resumed.x, resumed.y] as tf.Tensor[]);
    expect(() => audioWindows(signal, { windowLength: 1001, batchSize: 1 })).toThrow(/windowLength: expected an integer in \[1, 1000\]/);
  });
});
