import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Rng, ShapeError, expectNoTensorLeakSync } from '@tfgen/core';
import { createVae, loadVae, type Vae } from './vae';

/** Binary data: noisy copies of 4 prototypes of `features` bits. */
function binaryData(count: number, features: number, seed: number): tf.Tensor2D {
  const rng = new Rng(seed);
  const prototypes = Array.from({ length: 4 }, () => Array.from({ length: features }, () => (rng.next() < 0.5 ? 1 : 0)));
  const values = new Float32Array(count * features);
  for (let i = 0; i < count; i++) {
    const p = prototypes[rng.int(4)];
    for (let j = 0; j < features; j++) values[i * features + j] = rng.next() < 0.05 ? 1 - p[j] : p[j];
  }
  return tf.tensor2d(values, [count, features]);
}

function train(vae: Vae, data: tf.Tensor2D, steps: number, batchSize = 32): number[] {
  const rng = new Rng(3);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const indices = tf.tensor1d(Array.from({ length: batchSize }, () => rng.int(data.shape[0])), 'int32');
    const x = tf.gather(data, indices);
    losses.push(vae.trainStep({ x }, { step, rng }).loss);
    tf.dispose([x, indices]);
  }
  return losses;
}

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

describe('createVae options', () => {
  it('rejects bad options with named errors', () => {
    expect(() => createVae({ inputShape: [8, 8], latentDim: 2 })).toThrow(/options.inputShape: expected \[features\] or \[height, width, channels\], got \[8, 8\]/);
    expect(() => createVae({ inputShape: [16], latentDim: 0 })).toThrow(/options.latentDim: expected an integer >= 1, got 0/);
    expect(() => createVae({ inputShape: [16], latentDim: 2, decoder: 'poisson' as never })).toThrow(ArgumentError);
    expect(() => createVae({ inputShape: [6, 6, 1], latentDim: 2, encoder: 'conv' })).toThrow(/divisible by 4/);
    expect(() => createVae({ inputShape: [16], latentDim: 2, beta: -1 })).toThrow(/options.beta/);
    expect(() => createVae({ inputShape: [16], latentDim: 2, objective: 'iwae', k: 0 })).toThrow(/options.k/);
    const vae = createVae({ inputShape: [16], latentDim: 2 });
    const wrong = tf.zeros([2, 15]);
    expect(() => vae.encode(wrong)).toThrow(ShapeError);
    expect(() => vae.latentGrid({ size: 0 })).toThrow(/options.size/);
    wrong.dispose();
    vae.dispose();
  });
});

describe('VAE with a Bernoulli decoder', () => {
  it('trains on the ELBO without leaking tensors, and the loss falls', () => {
    const data = binaryData(256, 16, 1);
    const vae = createVae({ inputShape: [16], latentDim: 2, hiddenUnits: [32], learningRate: 0.01, seed: 1 });
    const x = tf.slice(data, [0, 0], [32, 16]);
    vae.trainStep({ x }, { step: 0, rng: new Rng(0) }); // the first step creates Adam's slots
    const metrics = expectNoTensorLeakSync('trainStep', () => vae.trainStep({ x }, { step: 1, rng: new Rng(0) }));
    expect(Object.keys(metrics).sort()).toEqual(['elbo', 'kl', 'loss', 'reconstruction']);
    expect(metrics.loss).toBeCloseTo(-metrics.elbo, 4);
    expect(metrics.kl).toBeGreaterThanOrEqual(0);
    const losses = train(vae, data, 150);
    expect(mean(losses.slice(-20))).toBeLessThan(mean(losses.slice(0, 20)) - 2);
    tf.dispose([x, data]);
    vae.dispose();
  });

  it('orders ELBO <= log-likelihood estimate <= 0, and the IWAE bound grows with k on average', () => {
    const data = binaryData(256, 16, 2);
    const vae = createVae({ inputShape: [16], latentDim: 2, hiddenUnits: [32], learningRate: 0.01, seed: 2 });
    train(vae, data, 100);
    const x = tf.slice(data, [0, 0], [16, 16]);
    const logWeights = vae.logImportanceWeights(x, 400, 11);
    const elbo = tf.mean(logWeights, 0);
    const ll = expectNoTensorLeakSync('logLikelihood', () => vae.logLikelihood(x, { samples: 1000, chunkSize: 128, rng: 5 }));
    const elboValues = elbo.dataSync();
    const llValues = ll.dataSync();
    for (let i = 0; i < 16; i++) {
      expect(elboValues[i]).toBeLessThanOrEqual(llValues[i]);
      expect(llValues[i]).toBeLessThanOrEqual(0);
    }
    // IWAE_k averaged over examples and repeats increases with k.
    const bound = (k: number) =>
      mean(
        Array.from({ length: 4 }, (_, r) => {
          const t = vae.logLikelihood(x, { samples: k, rng: 100 + r });
          const v = mean(t.dataSync());
          t.dispose();
          return v;
        }),
      );
    const k1 = bound(1);
    const k10 = bound(10);
    const k100 = bound(100);
    expect(k10).toBeGreaterThan(k1);
    expect(k100).toBeGreaterThan(k10);
    tf.dispose([x, data, logWeights, elbo, ll]);
    vae.dispose();
  });

  it('estimates log p(x) of a 1-D latent model to within a few hundredths of a nat of numerical integration', () => {
    const vae = createVae({ inputShape: [4], latentDim: 1, hiddenUnits: [8], seed: 4 });
    // Exact: p(x) = integral of p(x | z) N(z; 0, 1) dz by the trapezoid rule on [-9, 9].
    const grid = 3601;
    const exact = tf.tidy(() => {
      const z = tf.reshape(tf.linspace(-9, 9, grid), [grid, 1]);
      const x = tf.tensor2d([[1, 0, 1, 1], [0, 0, 0, 1]]);
      const params = vae.decodeParameters(z);
      const rows = [0, 1].map((i) => {
        const xi = tf.tile(tf.slice(x, [i, 0], [1, 4]), [grid, 1]);
        return vae.logLikelihoodGivenParameters(xi, params);
      });
      const zs = z.dataSync();
      return rows.map((logPxz) => {
        const lp = logPxz.dataSync();
        let total = 0;
        for (let g = 0; g < grid; g++) {
          const density = Math.exp(lp[g] - 0.5 * zs[g] * zs[g]) / Math.sqrt(2 * Math.PI);
          total += (g === 0 || g === grid - 1 ? 0.5 : 1) * density;
        }
        return Math.log(total * (18 / (grid - 1)));
      });
    });
    const x = tf.tensor2d([[1, 0, 1, 1], [0, 0, 0, 1]]);
    const estimate = vae.logLikelihood(x, { samples: 5000, chunkSize: 1000, rng: 9 });
    const values = estimate.dataSync();
    expect(Math.abs(values[0] - exact[0])).toBeLessThan(0.03);
    expect(Math.abs(values[1] - exact[1])).toBeLessThan(0.03);
    tf.dispose([x, estimate]);
    vae.dispose();
  });

  it('trains on the IWAE objective, and chunked estimates equal the unchunked log-mean-exp', () => {
    const data = binaryData(128, 16, 3);
    const vae = createVae({ inputShape: [16], latentDim: 2, hiddenUnits: [32], objective: 'iwae', k: 8, learningRate: 0.01, seed: 3 });
    const x = tf.slice(data, [0, 0], [8, 16]);
    vae.trainStep({ x }, { step: 0, rng: new Rng(1) });
    const metrics = expectNoTensorLeakSync('iwae trainStep', () => vae.trainStep({ x }, { step: 1, rng: new Rng(1) }));
    expect(metrics.iwae).toBeGreaterThanOrEqual(metrics.elbo - 1e-4);
    const losses = train(vae, data, 80);
    expect(mean(losses.slice(-15))).toBeLessThan(mean(losses.slice(0, 15)));
    // chunked: seeds are drawn from the same rng in order, so recompute them by hand
    const rng = new Rng(21);
    const seeds = [rng.tfSeed(), rng.tfSeed(), rng.tfSeed()];
    const manual = tf.tidy(() => {
      const w = tf.concat([vae.logImportanceWeights(x, 50, seeds[0]), vae.logImportanceWeights(x, 50, seeds[1]), vae.logImportanceWeights(x, 20, seeds[2])], 0);
      const m = tf.max(w, 0);
      return tf.add(m, tf.log(tf.mean(tf.exp(tf.sub(w, m)), 0))).dataSync();
    });
    const chunked = vae.logLikelihood(x, { samples: 120, chunkSize: 50, rng: new Rng(21) });
    Array.from(chunked.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(manual[i], 4));
    tf.dispose([x, data, chunked]);
    vae.dispose();
  });

  it('samples, reconstructs, interpolates, draws a latent grid, and saves and loads', () => {
    const vae = createVae({ inputShape: [16], latentDim: 2, hiddenUnits: [16], seed: 5 });
    const data = binaryData(4, 16, 5);
    const samples = expectNoTensorLeakSync('sample', () => vae.sample(3, new Rng(1)));
    expect(samples.shape).toEqual([3, 4, 4, 1]);
    const sv = samples.dataSync();
    expect(Math.min(...sv)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...sv)).toBeLessThanOrEqual(1);
    const a = tf.slice(data, [0, 0], [1, 16]);
    const b = tf.reshape(tf.slice(data, [1, 0], [1, 16]), [16]);
    const path = expectNoTensorLeakSync('interpolate', () => vae.interpolate(a, b, 5));
    expect(path.shape).toEqual([5, 16]);
    const ra = vae.reconstruct(a);
    const rb = vae.reconstruct(tf.reshape(b, [1, 16]));
    const first = tf.slice(path, [0, 0], [1, 16]).dataSync();
    const last = tf.slice(path, [4, 0], [1, 16]).dataSync();
    Array.from(ra.dataSync()).forEach((v, i) => expect(first[i]).toBeCloseTo(v, 5));
    Array.from(rb.dataSync()).forEach((v, i) => expect(last[i]).toBeCloseTo(v, 5));
    const grid = expectNoTensorLeakSync('latentGrid', () => vae.latentGrid({ size: 3 }));
    expect(grid.shape).toEqual([12, 12, 1]);
    // the centre tile decodes z = (0, 0)
    const centre = tf.tidy(() => vae.decode(tf.zeros([1, 2])).dataSync());
    const tile = tf.tidy(() => tf.slice(grid, [4, 4, 0], [4, 4, 1]).dataSync());
    Array.from(centre).forEach((v, i) => expect(tile[i]).toBeCloseTo(v, 5));

    const saved = vae.save();
    const copy = loadVae(saved);
    const r1 = vae.reconstruct(data);
    const r2 = copy.reconstruct(data);
    expect(Array.from(r2.dataSync())).toEqual(Array.from(r1.dataSync()));
    expect(() => loadVae({ ...saved, weights: saved.weights.slice(1) })).toThrow(/saved VAE: weight/);
    tf.dispose([samples, a, b, path, ra, rb, grid, r1, r2, data]);
    vae.dispose();
    copy.dispose();
  });
});

describe('VAE decoders and the conv architecture', () => {
  it('trains a Gaussian decoder on real-valued data', () => {
    const vae = createVae({ inputShape: [6], latentDim: 2, decoder: 'gaussian', hiddenUnits: [16], learningRate: 0.01, seed: 6 });
    const rng = new Rng(6);
    const data = tf.tidy(() => {
      const z = tf.randomNormal([128, 2], 0, 1, 'float32', 1);
      return tf.add(tf.matMul(z, tf.tensor2d(rng.normalArray(12), [2, 6])), tf.mul(0.1, tf.randomNormal([128, 6], 0, 1, 'float32', 2)));
    });
    vae.trainStep({ x: data }, { step: 0, rng });
    const metrics = expectNoTensorLeakSync('gaussian trainStep', () => vae.trainStep({ x: data }, { step: 1, rng }));
    expect(Number.isFinite(metrics.loss)).toBe(true);
    const losses = Array.from({ length: 100 }, (_, step) => vae.trainStep({ x: data }, { step, rng }).loss);
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) - 1);
    data.dispose();
    vae.dispose();
  });

  it('trains a conv VAE with a discretized logistic decoder on 8x8 images', () => {
    const vae = createVae({
      inputShape: [8, 8, 1],
      latentDim: 2,
      encoder: 'conv',
      decoder: 'discretizedLogistic',
      mixtureComponents: 2,
      hiddenUnits: [16],
      convFilters: [4, 8],
      learningRate: 0.005,
      seed: 7,
    });
    const rng = new Rng(7);
    const x = tf.tidy(() => tf.sub(tf.div(tf.round(tf.mul(tf.randomUniform([8, 8, 8, 1], 0, 1, 'float32', 3), 255)), 127.5), 1));
    vae.trainStep({ x }, { step: 0, rng });
    const metrics = expectNoTensorLeakSync('conv trainStep', () => vae.trainStep({ x }, { step: 1, rng }));
    expect(Number.isFinite(metrics.loss)).toBe(true);
    const losses = Array.from({ length: 15 }, (_, step) => vae.trainStep({ x }, { step, rng }).loss);
    expect(losses[14]).toBeLessThan(losses[0]);
    const samples = vae.sample(2, rng);
    expect(samples.shape).toEqual([2, 8, 8, 1]);
    const ll = vae.logLikelihood(x, { samples: 20, chunkSize: 10 });
    expect(ll.shape).toEqual([8]);
    // 8-bit data: log-probability of discrete values is at most 0
    expect(Math.max(...ll.dataSync())).toBeLessThanOrEqual(0);
    tf.dispose([x, samples, ll]);
    vae.dispose();
  });
});
