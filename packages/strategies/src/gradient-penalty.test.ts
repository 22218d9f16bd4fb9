import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tfgen/core';
import { ArgumentError, expectNoTensorLeakSync, Rng, ShapeError, withSeededRandom } from '@tfgen/core';
import { describe, expect, it } from 'vitest';
import {
  criticGradientNorms,
  draganPenalty,
  gradientPenalty,
  interpolate,
  r1Penalty,
  r2Penalty,
} from './gradient-penalty';

function randomTensor(shape: number[], seed: number, std = 1): tf.Tensor {
  return tf.tensor(new Rng(seed).normalArray(shape.reduce((a, b) => a * b, 1), 0, std), shape);
}

/** A linear critic D(x) = <w, x> per example: its input gradient is w everywhere. */
function linearCritic(w: tf.Tensor) {
  return (x: tf.Tensor) => tf.sum(tf.mul(x, w), [1, 2, 3]);
}

describe('gradient penalties on a linear critic (closed form: ||grad|| = ||w||)', () => {
  const w = randomTensor([4, 4, 2], 1, 0.3);
  const wNorm = Math.sqrt(Array.from(w.dataSync()).reduce((s, v) => s + v * v, 0));
  const real = randomTensor([5, 4, 4, 2], 2);
  const fake = randomTensor([5, 4, 4, 2], 3);

  it('WGAN-GP two-sided and one-sided, any target', () => {
    const critic = linearCritic(w);
    const gp = expectNoTensorLeakSync('gradientPenalty', () => gradientPenalty({ critic, real, fake, rng: new Rng(4) }));
    expect(gp.dataSync()[0]).toBeCloseTo((wNorm - 1) ** 2, 5);
    const gp3 = gradientPenalty({ critic, real, fake, rng: 4, target: 3 });
    expect(gp3.dataSync()[0]).toBeCloseTo((wNorm - 3) ** 2, 4);
    // One-sided: zero below the target, (||w|| - t)^2 above it.
    expect(wNorm).toBeGreaterThan(1);
    const oneSidedAbove = gradientPenalty({ critic, real, fake, rng: 4, oneSided: true, target: 1 });
    const oneSidedBelow = gradientPenalty({ critic, real, fake, rng: 4, oneSided: true, target: wNorm + 0.5 });
    expect(oneSidedAbove.dataSync()[0]).toBeCloseTo((wNorm - 1) ** 2, 5);
    expect(oneSidedBelow.dataSync()[0]).toBe(0);
    tf.dispose([gp, gp3, oneSidedAbove, oneSidedBelow]);
  });

  it('R1, R2 and DRAGAN', () => {
    const critic = linearCritic(w);
    const r1 = r1Penalty({ critic, real });
    const r2 = r2Penalty({ critic, fake });
    const dragan = draganPenalty({ critic, real, rng: 5 });
    expect(r1.dataSync()[0]).toBeCloseTo(wNorm ** 2, 4);
    expect(r2.dataSync()[0]).toBeCloseTo(wNorm ** 2, 4);
    expect(dragan.dataSync()[0]).toBeCloseTo((wNorm - 1) ** 2, 5);
    tf.dispose([r1, r2, dragan]);
  });

  it('the norm is over all non-batch axes, not one axis (a known bug)', () => {
    // A 1-Lipschitz linear critic (||w|| = 1): the penalty must be exactly 0.
    const unit = tf.div(w, wNorm);
    const critic = linearCritic(unit);
    // The buggy version: norm over axis 1 only, then the mean of (norm - 1)^2 over what is left.
    const buggy = tf.tidy(() => {
      const xHat = interpolate(real, fake, 4);
      const g = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(xHat);
      return tf.mean(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(g), 1)), 1)));
    });
    const ours = gradientPenalty({ critic, real, fake, rng: 4 });
    expect(ours.dataSync()[0]).toBeCloseTo(0, 5);
    expect(buggy.dataSync()[0]).toBeGreaterThan(0.1);
    tf.dispose([buggy, ours, unit]);
  });

  it('rejects bad input with the argument named', () => {
    const critic = linearCritic(w);
    expect(() => gradientPenalty({ critic, real, fake: tf.zeros([5, 4, 4, 1]), rng: 1 })).toThrow(ShapeError);
    expect(() => gradientPenalty({ critic, real, fake, rng: 1, target: -1 })).toThrow(/target/);
    expect(() => gradientPenalty({ critic: 3 as never, real, fake, rng: 1 })).toThrow(ArgumentError);
    expect(() => gradientPenalty({ critic, real, fake, rng: undefined as never })).toThrow(/rng/);
    expect(() => r1Penalty({ critic, real: tf.zeros([4]) })).toThrow(/real: expected rank >= 2/);
  });
});

describe('per-example interpolation (not per pixel, a known bug)', () => {
  it('interpolates lie on the real-fake segment with one weight per example', () => {
    const real = randomTensor([6, 3, 3, 1], 10);
    const fake = randomTensor([6, 3, 3, 1], 11);
    const xHat = interpolate(real, fake, new Rng(12));
    const alphas = new Rng(12).uniformArray(6);
    const r = real.dataSync();
    const f = fake.dataSync();
    const x = xHat.dataSync();
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 9; j++) {
        const k = i * 9 + j;
        expect(x[k]).toBeCloseTo(r[k] + alphas[i] * (f[k] - r[k]), 5);
      }
    }
    tf.dispose([real, fake, xHat]);
  });

  it('gives the closed-form penalty of a quadratic critic, which per-pixel weights miss', () => {
    // D(x) = 0.5 ||x||^2 per example: grad = x_hat, so the penalty is mean((||x_hat_i|| - 1)^2).
    const critic = (x: tf.Tensor) => tf.mul(0.5, tf.sum(tf.square(x), [1, 2, 3]));
    const real = randomTensor([8, 3, 3, 2], 20);
    const fake = randomTensor([8, 3, 3, 2], 21, 3);
    const ours = gradientPenalty({ critic, real, fake, rng: new Rng(22) }).dataSync()[0];
    const alphas = new Rng(22).uniformArray(8);
    const r = real.dataSync();
    const f = fake.dataSync();
    let expected = 0;
    for (let i = 0; i < 8; i++) {
      let sq = 0;
      for (let j = 0; j < 18; j++) {
        const v = r[i * 18 + j] + alphas[i] * (f[i * 18 + j] - r[i * 18 + j]);
        sq += v * v;
      }
      expected += (Math.sqrt(sq) - 1) ** 2 / 8;
    }
    expect(ours).toBeCloseTo(expected, 3);
    // Per-pixel weights from the same stream give a different value.
    const pixelAlphas = new Rng(22).uniformArray(8 * 18);
    let buggy = 0;
    for (let i = 0; i < 8; i++) {
      let sq = 0;
      for (let j = 0; j < 18; j++) {
        const v = r[i * 18 + j] + pixelAlphas[i * 18 + j] * (f[i * 18 + j] - r[i * 18 + j]);
        sq += v * v;
      }
      buggy += (Math.sqrt(sq) - 1) ** 2 / 8;
    }
    expect(Math.abs(buggy - ours)).toBeGreaterThan(0.05 * Math.abs(ours));
    tf.dispose([real, fake]);
  });
});

/** Central differences of `penalty` w.r.t. a few entries of each variable vs the tape's gradient. */
function checkPenaltyGradient(model: tfl.LayersModel, penalty: () => tf.Scalar, h = 1e-2): void {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads, value } = tf.variableGrads(penalty, variables);
  value.dispose();
  for (const variable of variables) {
    // A variable the penalty does not depend on (the last bias) has no gradient: zero.
    const analytic = grads[variable.name] ? grads[variable.name].dataSync() : new Float32Array(variable.size);
    const base = variable.dataSync().slice();
    const picks = [0, Math.floor(base.length / 2), base.length - 1];
    for (const index of picks) {
      const evaluate = (delta: number) => {
        const moved = base.slice();
        moved[index] += delta;
        tf.tidy(() => variable.assign(tf.tensor(moved, variable.shape)));
        return tf.tidy(() => penalty().dataSync()[0]);
      };
      const fd = (evaluate(h) - evaluate(-h)) / (2 * h);
      tf.tidy(() => variable.assign(tf.tensor(base, variable.shape)));
      expect(Math.abs(analytic[index] - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
    }
  }
  tf.dispose(Object.values(grads));
}

function convCritic(activation: () => tfl.layers.Layer, seed: number): tfl.LayersModel {
  return withSeededRandom(new Rng(seed), () =>
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [5, 5, 2], filters: 3, kernelSize: 3, strides: 2, padding: 'same' }),
        activation(),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 4 }),
        activation(),
        tfl.layers.dense({ units: 1 }),
      ],
    }),
  );
}

describe('double backprop through conv critics (finite differences)', () => {
  const real = randomTensor([4, 5, 5, 2], 30);
  const fake = randomTensor([4, 5, 5, 2], 31);

  it('WGAN-GP, R1 through conv + softplus', () => {
    const model = convCritic(() => tfl.layers.activation({ activation: 'softplus' }), 32);
    const critic = (x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor;
    checkPenaltyGradient(model, () => gradientPenalty({ critic, real, fake, rng: new Rng(33) }));
    checkPenaltyGradient(model, () => r1Penalty({ critic, real }));
  });

  it('WGAN-GP and DRAGAN through conv + ReLU', () => {
    const model = convCritic(() => tfl.layers.reLU(), 34);
    const critic = (x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor;
    // Piecewise-linear critic: a small step keeps the differences off the kinks.
    checkPenaltyGradient(model, () => gradientPenalty({ critic, real, fake, rng: new Rng(35) }), 1e-3);
    checkPenaltyGradient(model, () => draganPenalty({ critic, real, rng: new Rng(36) }), 1e-3);
  });

  it('WGAN-GP, R1 and DRAGAN through conv + LeakyReLU (core registers its second-order gradient)', () => {
    const model = convCritic(() => tfl.layers.leakyReLU({ alpha: 0.2 }), 38);
    const critic = (x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor;
    checkPenaltyGradient(model, () => gradientPenalty({ critic, real, fake, rng: new Rng(39) }), 1e-3);
    checkPenaltyGradient(model, () => r1Penalty({ critic, real }), 1e-3);
    checkPenaltyGradient(model, () => draganPenalty({ critic, real, rng: new Rng(40) }), 1e-3);
  });

  it('WGAN-GP through conv + tanh (curvature term kept)', () => {
    const model = convCritic(() => tfl.layers.activation({ activation: 'tanh' }), 41);
    const critic = (x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor;
    checkPenaltyGradient(model, () => gradientPenalty({ critic, real, fake, rng: new Rng(42) }));
  });

  it('criticGradientNorms matches finite differences of the critic in its input', () => {
    const model = convCritic(() => tfl.layers.leakyReLU({ alpha: 0.2 }), 37);
    const critic = (x: tf.Tensor) => model.apply(x) as tf.Tensor;
    const norms = criticGradientNorms(critic, real).dataSync();
    const base = real.dataSync();
    const h = 1e-2;
    const per = 50;
    for (let i = 0; i < 4; i++) {
      let sq = 0;
      for (let j = 0; j < per; j++) {
        const plus = base.slice();
        const minus = base.slice();
        plus[i * per + j] += h;
        minus[i * per + j] -= h;
        const d = tf.tidy(() => {
          const a = critic(tf.tensor(plus, real.shape)).dataSync()[i];
          const b = critic(tf.tensor(minus, real.shape)).dataSync()[i];
          return (a - b) / (2 * h);
        });
        sq += d * d;
      }
      expect(norms[i]).toBeCloseTo(Math.sqrt(sq), 2);
    }
  });
});
