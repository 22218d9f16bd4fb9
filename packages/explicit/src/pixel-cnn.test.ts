import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, Rng, ShapeError, expectNoTensorLeakSync, registerWasmTrainingKernels } from '@tfgen/core';
import { createPixelCnn, loadPixelCnn, sampleCategorical, type PixelCnn } from './pixel-cnn';

// Convolution training is ~10x faster on wasm (with core's conv-gradient kernels) than on the cpu backend.
beforeAll(async () => {
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** |d sum(output at pixel i) / d input| summed over channels, for every input pixel (raster order). */
function gradientMap(model: PixelCnn, input: tf.Tensor4D, pixel: number, of: 'logits' | 'features' = 'logits'): Float32Array {
  const [, h, w] = input.shape;
  const r = Math.floor(pixel / w);
  const c = pixel % w;
  return tf.tidy(() => {
    const g = tf.grad((x: tf.Tensor) => {
      const logits = of === 'logits' ? model.logitsFromInput(x as tf.Tensor4D) : model.featuresFromInput(x as tf.Tensor4D);
      const begin = [0, r, c, 0, 0].slice(0, logits.rank);
      const size = [...logits.shape];
      size[0] = 1;
      size[1] = 1;
      size[2] = 1;
      return tf.sum(tf.slice(logits, begin, size));
    })(input);
    return tf.sum(tf.abs(g), [0, 3]).dataSync() as Float32Array;
  });
}

describe('PixelCNN causality', () => {
  it('gated: zero gradient from every j >= i, nonzero from every j < i (no blind spot)', () => {
    const model = createPixelCnn({ imageShape: [5, 5, 2], architecture: 'gated', layers: 6, filters: 8, output: 'categorical', levels: 4, seed: 1 });
    const input = tf.randomUniform([1, 5, 5, 2], -1, 1, 'float32', 2) as tf.Tensor4D;
    let logitsSee = 0;
    for (let i = 0; i < 25; i++) {
      const g = gradientMap(model, input, i);
      // The stack features (before the ReLU head, where a pixel's units may all be inactive) see every earlier pixel.
      const f = gradientMap(model, input, i, 'features');
      for (let j = 0; j < 25; j++) {
        if (j >= i) {
          expect(g[j], `logits at pixel ${i} must not see ${j}`).toBe(0);
          expect(f[j], `features at pixel ${i} must not see ${j}`).toBe(0);
        } else {
          expect(f[j], `features at pixel ${i} must see ${j}`).toBeGreaterThan(0);
          if (g[j] > 0) logitsSee++;
        }
      }
    }
    expect(logitsSee).toBeGreaterThan(200); // of 300 pairs j < i
    input.dispose();
    model.dispose();
  });

  it('masked: causal too, but with the blind spot the gated stacks remove', () => {
    const model = createPixelCnn({ imageShape: [5, 5, 1], architecture: 'masked', layers: 6, filters: 8, firstKernelSize: 3, seed: 2 });
    const input = tf.randomUniform([1, 5, 5, 1], -1, 1, 'float32', 3) as tf.Tensor4D;
    let blind = 0;
    let seen = 0;
    for (let i = 0; i < 25; i++) {
      const g = gradientMap(model, input, i);
      for (let j = 0; j < 25; j++) {
        if (j >= i) expect(g[j]).toBe(0);
        else if (g[j] === 0) blind++;
        else seen++;
      }
    }
    expect(seen).toBeGreaterThan(0);
    // e.g. pixel (4, 0) cannot see (2, 4): the masked 3x3 stack only grows up-and-right one column per row.
    expect(blind).toBeGreaterThan(0);
    const g = gradientMap(model, input, 20);
    expect(g[2 * 5 + 4]).toBe(0);
    input.dispose();
    model.dispose();
  });
});

describe('PixelCNN likelihood', () => {
  it('Bernoulli: NLL is the sum of per-pixel terms computed from the logits by hand', () => {
    const model = createPixelCnn({ imageShape: [4, 4, 1], layers: 2, filters: 6, seed: 3 });
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 5), 0.5), 'float32'));
    const nll = expectNoTensorLeakSync('nll', () => model.nll(x));
    const logits = model.logits(x);
    const l = logits.dataSync();
    const xs = x.dataSync();
    const perImage = [0, 1, 2].map((b) => {
      let total = 0;
      for (let k = 0; k < 16; k++) {
        const v = l[b * 16 + k];
        const p = 1 / (1 + Math.exp(-v));
        total -= xs[b * 16 + k] ? Math.log(p) : Math.log(1 - p);
      }
      return total;
    });
    Array.from(nll.dataSync()).forEach((v, b) => expect(v).toBeCloseTo(perImage[b], 3));
    const terms = model.logProbabilities(x);
    expect(tf.tidy(() => tf.neg(tf.sum(terms)).dataSync()[0])).toBeCloseTo(perImage.reduce((a, b) => a + b, 0), 3);
    expect(model.bitsPerDim(x)).toBeCloseTo(perImage.reduce((a, b) => a + b, 0) / 3 / (16 * Math.LN2), 4);
    const copy = loadPixelCnn(model.save()); // unconditional config round trip
    const again = copy.nll(x);
    expect(Array.from(again.dataSync())).toEqual(Array.from(nll.dataSync()));
    tf.dispose([x, nll, logits, terms, again]);
    copy.dispose();
    model.dispose();
  });

  it('categorical (256 levels): NLL is the sum of per-pixel log-softmax terms, and the distribution normalizes', () => {
    const model = createPixelCnn({ imageShape: [3, 3, 1], output: 'categorical', layers: 2, filters: 4, seed: 4 });
    const x = tf.tidy(() => tf.floor(tf.randomUniform([2, 3, 3, 1], 0, 256, 'float32', 6)));
    const nll = model.nll(x);
    const logits = model.logits(x);
    expect(logits.shape).toEqual([2, 3, 3, 1, 256]);
    const l = logits.dataSync();
    const xs = x.dataSync();
    for (let b = 0; b < 2; b++) {
      let total = 0;
      for (let k = 0; k < 9; k++) {
        const offset = (b * 9 + k) * 256;
        let max = -Infinity;
        for (let j = 0; j < 256; j++) max = Math.max(max, l[offset + j]);
        let z = 0;
        for (let j = 0; j < 256; j++) z += Math.exp(l[offset + j] - max);
        total -= l[offset + xs[b * 9 + k]] - max - Math.log(z);
      }
      expect(nll.dataSync()[b]).toBeCloseTo(total, 2);
    }
    // An untrained net is near uniform: about ln 256 nats per pixel.
    expect(nll.dataSync()[0] / 9).toBeGreaterThan(Math.log(256) - 1);
    const drawn = expectNoTensorLeakSync('generate', () => model.generate(2, { rng: 4 }));
    const values = Array.from(drawn.dataSync());
    expect(values.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(9); // near-uniform draws over 256 levels
    drawn.dispose();
    tf.dispose([x, nll, logits]);
    model.dispose();
  });

  it('learns class-conditional patterns, samples them pixel by pixel, without leaks, and saves and loads', () => {
    const model = createPixelCnn({ imageShape: [4, 4, 1], layers: 3, filters: 12, classes: 2, learningRate: 0.02, seed: 5 });
    // class 0: vertical stripes, class 1: horizontal stripes
    const pattern = (label: number) => Array.from({ length: 16 }, (_, k) => ((label === 0 ? k % 4 : Math.floor(k / 4)) % 2 === 0 ? 1 : 0));
    const labels = Array.from({ length: 16 }, (_, i) => i % 2);
    const x = tf.tensor4d(labels.flatMap(pattern), [16, 4, 4, 1]);
    const y = tf.tensor1d(labels, 'int32');
    const rng = new Rng(5);
    model.trainStep({ x, y }, { step: 0, rng });
    const first = expectNoTensorLeakSync('trainStep', () => model.trainStep({ x, y }, { step: 1, rng }));
    let last = first;
    for (let step = 2; step < 50; step++) last = model.trainStep({ x, y }, { step, rng });
    expect(last.loss).toBeLessThan(first.loss / 4);
    const sampleLabels = tf.tensor1d([0, 1, 0, 1], 'int32');
    const samples = expectNoTensorLeakSync('generate', () => model.generate(4, { rng: new Rng(9), labels: sampleLabels }));
    const s = samples.dataSync();
    let agree = 0;
    for (let i = 0; i < 4; i++) pattern(i % 2).forEach((v, k) => (agree += s[i * 16 + k] === v ? 1 : 0));
    expect(agree / 64).toBeGreaterThan(0.9);
    const images = expectNoTensorLeakSync('sample', () => model.sample(2, new Rng(1)));
    expect(images.shape).toEqual([2, 4, 4, 1]);
    images.dispose();
    // same seed, same samples
    const again = model.generate(4, { rng: new Rng(9), labels: sampleLabels });
    expect(Array.from(again.dataSync())).toEqual(Array.from(s));
    const copy = loadPixelCnn(model.save());
    const a = model.nll(x, y);
    const b = copy.nll(x, y);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(() => model.nll(x)).toThrow(/labels: expected int32 class ids of shape \[16\]/);
    tf.dispose([x, y, sampleLabels, samples, again, a, b]);
    model.dispose();
    copy.dispose();
  });

  it('validates options and inputs', () => {
    expect(() => createPixelCnn({ imageShape: [4, 4] })).toThrow(/options.imageShape: expected \[height, width, channels\], got \[4, 4\]/);
    expect(() => createPixelCnn({ imageShape: [4, 4, 1], kernelSize: 4 })).toThrow(/options.kernelSize: expected an odd integer, got 4/);
    expect(() => createPixelCnn({ imageShape: [4, 4, 1], architecture: 'transformer' as never })).toThrow(ArgumentError);
    const model = createPixelCnn({ imageShape: [4, 4, 1], layers: 1, filters: 2 });
    const wrong = tf.zeros([1, 5, 4, 1]);
    expect(() => model.nll(wrong)).toThrow(ShapeError);
    const labels = tf.zeros([1], 'int32');
    const right = tf.zeros([1, 4, 4, 1]);
    expect(() => model.nll(right, labels)).toThrow(/labels: expected no labels for an unconditional model/);
    tf.dispose([wrong, labels, right]);
    model.dispose();
  });

  it('samples categorical values by inverse CDF', () => {
    const logits = [Math.log(0.2), Math.log(0.5), Math.log(0.3)];
    expect(sampleCategorical(logits, 0, 3, 0.1)).toBe(0);
    expect(sampleCategorical(logits, 0, 3, 0.69)).toBe(1);
    expect(sampleCategorical(logits, 0, 3, 0.71)).toBe(2);
  });
});
