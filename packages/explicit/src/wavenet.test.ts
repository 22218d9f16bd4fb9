import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, Rng, ShapeError, expectNoTensorLeakSync, registerWasmTrainingKernels } from '@tfgen/core';
import { WaveNet, createWaveNet, loadWaveNet } from './wavenet';

beforeAll(async () => {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** mu-law companding to 256 codes (written here from the formula, independent of the datasets package). */
function muLaw(x: number, mu = 255): number {
  const y = (Math.sign(x) * Math.log1p(mu * Math.abs(x))) / Math.log1p(mu);
  return Math.min(255, Math.max(0, Math.floor(((y + 1) / 2) * mu + 0.5)));
}

/** Sine mixtures with random phases and frequencies from a small set, mu-law coded: `[count, length]`. */
function sineCodes(count: number, length: number, seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const f1 = [0.05, 0.08][rng.int(2)];
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let t = 0; t < length; t++) values.push(muLaw(0.6 * Math.sin(2 * Math.PI * f1 * t + phase) + 0.2 * Math.sin(2 * Math.PI * 3 * f1 * t)));
  }
  return tf.tensor2d(values, [count, length], 'int32');
}

describe('WaveNet', () => {
  it('is causal with receptive field 2 + sum(dilations)', () => {
    const model = createWaveNet({ dilations: [1, 2, 4], residualChannels: 4, skipChannels: 8, levels: 16, seed: 1 });
    expect(model.receptiveField).toBe(9);
    const base = Array.from({ length: 20 }, (_, t) => (t * 7) % 16);
    const logitsAt = (codes: number[], t: number) =>
      tf.tidy(() => Array.from(tf.slice(model.logits(tf.tensor2d([codes], [1, 20], 'int32')), [0, t, 0], [1, 1, 16]).dataSync()));
    const t = 14;
    const reference = logitsAt(base, t);
    const changed = (position: number) => {
      const codes = base.slice();
      codes[position] = (codes[position] + 5) % 16;
      return logitsAt(codes, t);
    };
    // future codes never matter
    for (const position of [15, 16, 19]) expect(changed(position)).toEqual(reference);
    // the oldest code in the field matters, the one before it does not
    expect(changed(t - model.receptiveField + 1)).not.toEqual(reference);
    expect(changed(t - model.receptiveField)).toEqual(reference);
    expect(changed(t)).not.toEqual(reference);
    model.dispose();
  });

  it('fast generation (per-layer queues) gives the same samples as naive generation for the same seed', () => {
    const model = createWaveNet({ dilations: [1, 2, 4, 8, 1, 2], residualChannels: 8, skipChannels: 8, levels: 32, classes: 2, seed: 2 });
    const length = 3 * model.receptiveField;
    const fast = expectNoTensorLeakSync('fast', () => model.generate(3, length, { method: 'fast', rng: new Rng(7), labels: [0, 1, 1] }));
    const naive = expectNoTensorLeakSync('naive', () => model.generate(3, length, { method: 'naive', rng: new Rng(7), labels: [0, 1, 1] }));
    const f = Array.from(fast.dataSync());
    expect(Array.from(naive.dataSync())).toEqual(f);
    expect(new Set(f).size).toBeGreaterThan(5); // genuinely random draws, not a constant
    // a different seed gives different samples
    const other = model.generate(3, length, { rng: new Rng(8), labels: [0, 1, 1] });
    expect(Array.from(other.dataSync())).not.toEqual(f);
    tf.dispose([fast, naive, other]);
    model.dispose();
  });

  it('trains on mu-law sine mixtures without leaks; NLL falls well below ln 256; saves and loads', () => {
    const model = createWaveNet({ dilations: [1, 2, 4, 8, 16], residualChannels: 16, skipChannels: 32, learningRate: 0.005, seed: 3 });
    const data = sineCodes(6, 96, 3);
    const rng = new Rng(3);
    model.trainStep({ x: data }, { step: 0, rng });
    const first = expectNoTensorLeakSync('trainStep', () => model.trainStep({ x: data }, { step: 1, rng }));
    expect(first.loss).toBeGreaterThan(Math.log(256) - 1.5);
    let last = first;
    for (let step = 2; step < 40; step++) last = model.trainStep({ x: data }, { step, rng });
    expect(last.loss).toBeLessThan(first.loss - 1.5);
    const nll = model.nll(data);
    expect(tf.tidy(() => tf.mean(nll).dataSync()[0]) / 95).toBeCloseTo(last.loss, 0);
    const copy = loadWaveNet(model.save());
    const a = model.logits(data);
    const b = copy.logits(data);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([data, nll, a, b]);
    model.dispose();
    copy.dispose();
  });

  it('accepts the audioWindows batch format (x float [batch, time, 1], y mu-law codes [batch, time])', () => {
    const model = createWaveNet({ dilations: [1, 2], residualChannels: 4, skipChannels: 4, levels: 8, seed: 5 });
    const codes = tf.tensor2d([[1, 2, 3, 4, 5], [7, 6, 5, 4, 3]], [2, 5], 'int32');
    const x = tf.tidy(() => tf.expandDims(tf.sub(tf.div(tf.cast(codes, 'float32'), 3.5), 1), 2));
    const fromCodes = WaveNet.codesOfBatch({ x: codes });
    expect(fromCodes.codes).toBe(codes);
    expect(WaveNet.codesOfBatch({ x, y: codes }).codes).toBe(codes);
    const a = model.nll(codes);
    const metrics = model.trainStep({ x, y: codes }, { step: 0, rng: new Rng(1) });
    expect(metrics.loss).toBeCloseTo(tf.tidy(() => tf.mean(a).dataSync()[0]) / 4, 4);
    expect(() => WaveNet.codesOfBatch({ x })).toThrow(/batch: expected x int codes/);
    tf.dispose([codes, x, a]);
    model.dispose();
  });

  it('validates options and inputs', () => {
    expect(() => createWaveNet({ dilations: [] })).toThrow(/options.dilations: expected a non-empty array/);
    expect(() => createWaveNet({ dilations: [1, 0] })).toThrow(/options.dilations\[1\]: expected an integer in \[1, 65536\], got 0/);
    expect(() => createWaveNet({ levels: 1 })).toThrow(ArgumentError);
    const model = createWaveNet({ dilations: [1], residualChannels: 2, skipChannels: 2, levels: 8 });
    const wrong = tf.zeros([4], 'int32');
    expect(() => model.logits(wrong)).toThrow(ShapeError);
    expect(() => model.generate(2, 4, { method: 'slow' as never })).toThrow(/options.method/);
    expect(() => model.generate(2, 4, { labels: [0, 1] })).toThrow(/labels: expected no labels/);
    wrong.dispose();
    model.dispose();
  });
});
