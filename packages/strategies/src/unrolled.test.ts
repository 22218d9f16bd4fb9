import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, withSeededRandom } from '@tfgen/core';
import { nonSaturating } from '@tfgen/losses';
import { describe, expect, it } from 'vitest';
import { functionalMlp } from './functional-mlp';
import { createGan } from './gan';
import { unrollDiscriminator } from './unrolled';
import { vanillaGan } from './variants/vanilla';

function randomTensor(shape: number[], seed: number, std = 1): tf.Tensor {
  return tf.tensor(new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1), 0, std), shape);
}

describe('unrollDiscriminator', () => {
  it('SGD on a quadratic: w_k = c + (1 - lr a)^k (w_0 - c); inputs untouched', () => {
    const w0 = tf.variable(tf.tensor1d([2, -1]));
    const c = tf.tensor1d([0.5, 0.5]);
    const a = 3;
    const [wk] = unrollDiscriminator([w0], ([w]) => tf.mul(0.5 * a, tf.sum(tf.square(tf.sub(w, c)))) as tf.Scalar, { steps: 4, learningRate: 0.1 });
    const factor = (1 - 0.1 * a) ** 4;
    expect(Array.from(wk.dataSync())).toEqual([0.5 + factor * 1.5, 0.5 + factor * -1.5].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(w0.dataSync())).toEqual([2, -1]);
    tf.dispose([w0, c, wk]);
  });

  it('Adam from zero moments: the first step is lr * sign(g)', () => {
    const w0 = tf.tensor1d([2, -1]);
    const [w1] = unrollDiscriminator([w0], ([w]) => tf.sum(tf.mul(tf.tensor1d([3, -0.5]), w)) as tf.Scalar, { steps: 1, learningRate: 0.01, optimizer: 'adam' });
    expect(Array.from(w1.dataSync())).toEqual([2 - 0.01, -1 + 0.01].map((v) => expect.closeTo(v, 5)));
    tf.dispose([w0, w1]);
  });
});

describe('functionalMlp', () => {
  it('reproduces the model and rejects unsupported layers', () => {
    const model = withSeededRandom(new Rng(1), () =>
      tfl.sequential({
        layers: [tfl.layers.dense({ inputShape: [3], units: 5, activation: 'softplus' }), tfl.layers.leakyReLU({ alpha: 0.1 }), tfl.layers.dense({ units: 4 }), tfl.layers.reLU(), tfl.layers.dense({ units: 1, activation: 'sigmoid' })],
      }),
    );
    const x = randomTensor([6, 3], 2);
    const mlp = functionalMlp(model);
    const ours = mlp.forward(mlp.variables, x);
    const theirs = model.predict(x) as tf.Tensor;
    expect(Array.from(ours.dataSync())).toEqual(Array.from(theirs.dataSync()).map((v) => expect.closeTo(v, 6)));
    // The unrolled-GAN preset's D starts with a Rescaling layer (inputs / 4).
    const scaled = withSeededRandom(new Rng(2), () =>
      tfl.sequential({ layers: [tfl.layers.rescaling({ inputShape: [3], scale: 0.25, offset: 0.5 }), tfl.layers.dense({ units: 2, activation: 'tanh' })] }),
    );
    const scaledMlp = functionalMlp(scaled);
    const scaledOurs = scaledMlp.forward(scaledMlp.variables, x);
    const scaledTheirs = scaled.predict(x) as tf.Tensor;
    expect(Array.from(scaledOurs.dataSync())).toEqual(Array.from(scaledTheirs.dataSync()).map((v) => expect.closeTo(v, 6)));
    tf.dispose([scaledOurs, scaledTheirs]);
    const bn = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 }), tfl.layers.batchNormalization()] });
    expect(() => functionalMlp(bn)).toThrow(/functional forward supports MLPs only/);
    tf.dispose([x, ours, theirs]);
  });
});

describe('unrolled generator gradient', () => {
  // G: z -> z W (linear), D: softplus MLP (smooth, correct second derivatives in tfjs).
  const build = () => {
    const G = withSeededRandom(new Rng(3), () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 2, useBias: false })] }));
    const D = withSeededRandom(new Rng(4), () =>
      tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 6, activation: 'softplus' }), tfl.layers.dense({ units: 1 })] }),
    );
    return { G, D };
  };
  const z = randomTensor([8, 2], 5);
  const real = randomTensor([8, 2], 6);
  const options = { steps: 3, learningRate: 0.5 };

  function generatorLoss(G: tfl.LayersModel, D: tfl.LayersModel, secondOrder: boolean, kernel?: tf.Tensor): tf.Scalar {
    const mlp = functionalMlp(D);
    const fake = kernel ? tf.matMul(z as tf.Tensor2D, kernel as tf.Tensor2D) : (G.apply(z) as tf.Tensor);
    const dLoss = (f: tf.Tensor) => (ws: tf.Tensor[]) => nonSaturating.discriminator(mlp.forward(ws, real), mlp.forward(ws, f));
    const weights = secondOrder
      ? unrollDiscriminator(mlp.variables, dLoss(fake), options)
      : tf.tidy(() => unrollDiscriminator(mlp.variables, dLoss(tf.tensor(fake.dataSync(), fake.shape)), options));
    return nonSaturating.generator(mlp.forward(weights, fake));
  }

  it('keeps the second-order term: matches finite differences; the first-order surrogate differs', () => {
    const { G, D } = build();
    const kernel = G.trainableWeights[0].read() as tf.Variable;
    const full = tf.variableGrads(() => generatorLoss(G, D, true), [kernel]);
    const surrogate = tf.variableGrads(() => generatorLoss(G, D, false), [kernel]);
    const analytic = full.grads[kernel.name].dataSync();
    const base = kernel.dataSync().slice();
    const h = 1e-2;
    for (let i = 0; i < 4; i++) {
      const at = (delta: number) =>
        tf.tidy(() => {
          const moved = base.slice();
          moved[i] += delta;
          return generatorLoss(G, D, true, tf.tensor(moved, [2, 2])).dataSync()[0];
        });
      const fd = (at(h) - at(-h)) / (2 * h);
      expect(analytic[i]).toBeCloseTo(fd, 3);
    }
    const gap = Math.max(...Array.from(surrogate.grads[kernel.name].dataSync()).map((v, i) => Math.abs(v - analytic[i])));
    expect(gap).toBeGreaterThan(1e-3);
    tf.dispose([full.value, surrogate.value, ...Object.values(full.grads), ...Object.values(surrogate.grads)]);
  });

  it('in createGan: G trains against the unrolled D, the real D is left as the D step made it', () => {
    for (const secondOrder of [true, false]) {
      const { G, D } = build();
      const gan = createGan({
        generator: G,
        discriminator: D,
        latentDim: 2,
        variant: vanillaGan(),
        unrolled: { steps: 3, learningRate: 0.1, secondOrder },
        // A negligible D learning rate: any change to D would have to come from the unrolling.
        optimizers: { discriminator: { kind: 'sgd', learningRate: 1e-30 } },
      });
      const d0 = D.weights.map((w) => Array.from(w.read().dataSync()));
      const g0 = Array.from(G.weights[0].read().dataSync());
      gan.trainStep({ x: real }, { step: 0, rng: new Rng(1) });
      const before = tf.memory().numTensors;
      gan.trainStep({ x: real }, { step: 1, rng: new Rng(2) });
      expect(tf.memory().numTensors).toBe(before);
      D.weights.forEach((w, i) => Array.from(w.read().dataSync()).forEach((v, j) => expect(Math.abs(v - d0[i][j])).toBeLessThan(1e-20)));
      expect(Array.from(G.weights[0].read().dataSync())).not.toEqual(g0);
      expect(gan.config().unrolled).toMatchObject({ steps: 3, secondOrder });
    }
  });

  it("without unrolled.learningRate, the unrolled steps use D's scheduled learning rate of the step", () => {
    // One step of each GAN from the same weights and rng; returns G's kernel afterwards.
    const generatorAfterStep = (unrolled: { learningRate?: number } | null, scheduledRate: number) => {
      const { G, D } = build();
      const gan = createGan({
        generator: G,
        discriminator: D,
        latentDim: 2,
        variant: vanillaGan(),
        ...(unrolled ? { unrolled: { steps: 3, optimizer: 'sgd' as const, ...unrolled } } : {}),
        // SGD for G so its step shows the gradient (Adam's first step is lr * sign(g)). D's spec
        // rate (1) is never used: the schedule sets the rate before each step.
        optimizers: { generator: { kind: 'sgd', learningRate: 1 }, discriminator: { kind: 'sgd', learningRate: 1 } },
        learningRateSchedules: { discriminator: () => scheduledRate },
      });
      gan.trainStep({ x: real }, { step: 0, rng: new Rng(7) });
      const kernel = Array.from(G.weights[0].read().dataSync());
      gan.dispose();
      return kernel;
    };
    const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    // Scheduled rate 0: unrolling moves nothing, so G's step is the plain (not unrolled) one.
    close(generatorAfterStep({}, 0), generatorAfterStep(null, 0));
    // Scheduled rate 0.3: the same as unrolling with an explicit 0.3, not with the spec's 1.
    const followed = generatorAfterStep({}, 0.3);
    close(followed, generatorAfterStep({ learningRate: 0.3 }, 0.3));
    const specRate = generatorAfterStep({ learningRate: 1 }, 0.3);
    const gap = Math.max(...followed.map((v, i) => Math.abs(v - specRate[i])));
    expect(gap).toBeGreaterThan(1e-4);
  });
});
