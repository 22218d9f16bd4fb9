import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Rng, ShapeError, expectNoTensorLeakSync } from '@tfgen/core';
import {
  ganLosses,
  getGanLoss,
  hinge,
  leastSquares,
  minimax,
  nonSaturating,
  relativisticAverage,
  relativisticAverageHinge,
  wasserstein,
  type GanLoss,
  type GanLossName,
} from './gan-losses';

// Independent float64 reference implementations, written from the papers' formulas.
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const log1mSigmoid = (x: number) => Math.log(1 - sigmoid(x));
const relu = (x: number) => Math.max(0, x);

const reference: Record<GanLossName, { d: (r: number[], f: number[]) => number; g: (f: number[], r: number[]) => number }> = {
  minimax: {
    d: (r, f) => -mean(r.map((x) => Math.log(sigmoid(x)))) - mean(f.map(log1mSigmoid)),
    g: (f) => mean(f.map(log1mSigmoid)),
  },
  nonSaturating: {
    d: (r, f) => -mean(r.map((x) => Math.log(sigmoid(x)))) - mean(f.map(log1mSigmoid)),
    g: (f) => -mean(f.map((x) => Math.log(sigmoid(x)))),
  },
  wasserstein: { d: (r, f) => mean(f) - mean(r), g: (f) => -mean(f) },
  hinge: { d: (r, f) => mean(r.map((x) => relu(1 - x))) + mean(f.map((x) => relu(1 + x))), g: (f) => -mean(f) },
  leastSquares: {
    d: (r, f) => 0.5 * mean(r.map((x) => (x - 1) ** 2)) + 0.5 * mean(f.map((x) => x ** 2)),
    g: (f) => 0.5 * mean(f.map((x) => (x - 1) ** 2)),
  },
  relativisticAverage: {
    d: (r, f) =>
      -mean(r.map((x) => Math.log(sigmoid(x - mean(f))))) - mean(f.map((x) => Math.log(1 - sigmoid(x - mean(r))))),
    g: (f, r) =>
      -mean(f.map((x) => Math.log(sigmoid(x - mean(r))))) - mean(r.map((x) => Math.log(1 - sigmoid(x - mean(f))))),
  },
  relativisticAverageHinge: {
    d: (r, f) => mean(r.map((x) => relu(1 - (x - mean(f))))) + mean(f.map((x) => relu(1 + (x - mean(r))))),
    g: (f, r) => mean(f.map((x) => relu(1 - (x - mean(r))))) + mean(r.map((x) => relu(1 + (x - mean(f))))),
  },
};

const names = Object.keys(ganLosses) as GanLossName[];

function scalarOf(t: tf.Tensor): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

describe('GAN losses: closed forms', () => {
  it('minimax D loss at D = 1/2 (logits 0) is 2 ln 2, and its G loss is -ln 2', () => {
    const zeros = tf.zeros([8]);
    expect(scalarOf(minimax.discriminator(zeros, zeros))).toBeCloseTo(2 * Math.LN2, 6);
    expect(scalarOf(nonSaturating.discriminator(zeros, zeros))).toBeCloseTo(2 * Math.LN2, 6);
    expect(scalarOf(minimax.generator(zeros))).toBeCloseTo(-Math.LN2, 6);
    expect(scalarOf(nonSaturating.generator(zeros))).toBeCloseTo(Math.LN2, 6);
    zeros.dispose();
  });

  it('hinge, wasserstein and least-squares values at hand-picked logits', () => {
    const real = tf.tensor1d([2, 0.5, -1]);
    const fake = tf.tensor1d([-2, 0, 1]);
    // hinge D: real terms max(0,1-x) = 0, 0.5, 2 -> 2.5/3; fake terms max(0,1+x) = 0, 1, 2 -> 3/3.
    expect(scalarOf(hinge.discriminator(real, fake))).toBeCloseTo(2.5 / 3 + 1, 6);
    expect(scalarOf(hinge.generator(fake))).toBeCloseTo(-(-2 + 0 + 1) / 3, 6);
    // wasserstein: mean(fake) - mean(real) = -1/3 - 1.5/3
    expect(scalarOf(wasserstein.discriminator(real, fake))).toBeCloseTo(-1 / 3 - 0.5, 6);
    expect(scalarOf(wasserstein.generator(fake))).toBeCloseTo(1 / 3, 6);
    // least squares D: 0.5*mean((1, 0.25, 4)) + 0.5*mean((4, 0, 1)) = 0.5*5.25/3 + 0.5*5/3
    expect(scalarOf(leastSquares.discriminator(real, fake))).toBeCloseTo(0.5 * (5.25 / 3) + 0.5 * (5 / 3), 6);
    // least squares G: 0.5*mean((9, 1, 0)) = 5/3
    expect(scalarOf(leastSquares.generator(fake))).toBeCloseTo(5 / 3, 6);
    real.dispose();
    fake.dispose();
  });

  it('relativistic losses at hand-picked logits', () => {
    // real mean 1, fake mean -1: real - mean(fake) = (1, 3), fake - mean(real) = (-3, -1).
    const real = tf.tensor1d([0, 2]);
    const fake = tf.tensor1d([-2, 0]);
    const sp = (x: number) => Math.log1p(Math.exp(x));
    expect(scalarOf(relativisticAverage.discriminator(real, fake))).toBeCloseTo(
      (sp(-1) + sp(-3)) / 2 + (sp(-3) + sp(-1)) / 2,
      6,
    );
    // G: fake - mean(real) = (-3, -1) should look real; real - mean(fake) = (1, 3) should look fake.
    expect(scalarOf(relativisticAverage.generator(fake, real))).toBeCloseTo((sp(3) + sp(1)) / 2 + (sp(1) + sp(3)) / 2, 6);
    // hinge: D = mean(relu(1 - (1, 3))) + mean(relu(1 + (-3, -1))) = 0 + 0
    expect(scalarOf(relativisticAverageHinge.discriminator(real, fake))).toBeCloseTo(0, 6);
    // G = mean(relu(1 - (-3, -1))) + mean(relu(1 + (1, 3))) = 3 + 3
    expect(scalarOf(relativisticAverageHinge.generator(fake, real))).toBeCloseTo(6, 6);
    real.dispose();
    fake.dispose();
  });

  it.each(names)('%s matches an independent float64 reference on random logits', (name) => {
    const rng = new Rng(`ref-${name}`);
    const realValues = Array.from(rng.normalArray(7, 0.3, 2));
    const fakeValues = Array.from(rng.normalArray(5, -0.4, 2));
    const loss = ganLosses[name];
    const real = tf.tensor1d(realValues);
    const fake = tf.tensor1d(fakeValues);
    expect(scalarOf(loss.discriminator(real, fake))).toBeCloseTo(reference[name].d(realValues, fakeValues), 5);
    expect(scalarOf(loss.generator(fake, real))).toBeCloseTo(reference[name].g(fakeValues, realValues), 5);
    real.dispose();
    fake.dispose();
  });
});

describe('GAN losses: optimal discriminator for known densities', () => {
  // p_data and p_g on a finite set of 4 points, with probabilities in tenths so that an
  // empirical batch of 10 samples has exactly those frequencies.
  const pData = [0.4, 0.3, 0.2, 0.1];
  const pG = [0.1, 0.2, 0.3, 0.4];
  const realIndex = tf.tensor1d([0, 0, 0, 0, 1, 1, 1, 2, 2, 3], 'int32');
  const fakeIndex = tf.tensor1d([0, 1, 1, 2, 2, 2, 3, 3, 3, 3], 'int32');
  const dStar = pData.map((p, i) => p / (p + pG[i]));

  /** Expected D loss over the two distributions when D's logits per point are `logits`. */
  const expectedLoss = (loss: GanLoss, logits: tf.Tensor) =>
    loss.discriminator(tf.gather(logits, realIndex), tf.gather(logits, fakeIndex));

  it('minimax: D* = p_data / (p_data + p_g) is a stationary point with loss 2 ln 2 - 2 JSD', () => {
    const logitStar = tf.tensor1d(dStar.map((d) => Math.log(d / (1 - d))));
    const grad = tf.grad((l: tf.Tensor) => expectedLoss(minimax, l))(logitStar);
    for (const g of grad.dataSync()) expect(Math.abs(g)).toBeLessThan(1e-6);
    const m = pData.map((p, i) => (p + pG[i]) / 2);
    const jsd =
      0.5 * pData.reduce((s, p, i) => s + p * Math.log(p / m[i]), 0) +
      0.5 * pG.reduce((s, p, i) => s + p * Math.log(p / m[i]), 0);
    const lossStar = tf.tidy(() => expectedLoss(minimax, logitStar));
    expect(scalarOf(lossStar)).toBeCloseTo(2 * Math.LN2 - 2 * jsd, 6);
    tf.dispose([logitStar, grad]);
  });

  it.each(['minimax', 'leastSquares'] as const)('%s: gradient descent from D = 1/2 converges to D*', (name) => {
    const loss = ganLosses[name];
    const logits = tf.variable(tf.zeros([4]));
    const optimizer = tf.train.sgd(name === 'minimax' ? 5 : 2);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 400; step++) {
      optimizer.minimize(() => expectedLoss(loss, logits));
    }
    expect(tf.memory().numTensors).toBe(before);
    const found = Array.from(logits.dataSync());
    // minimax works on logits (D = sigmoid); least squares on the raw output.
    const d = name === 'minimax' ? found.map(sigmoid) : found;
    d.forEach((value, i) => expect(value).toBeCloseTo(dStar[i], 3));
    logits.dispose();
    optimizer.dispose();
  });
});

describe('GAN losses: gradients', () => {
  const eps = 1e-2;
  /** Distance of the nearest hinge argument to its kink, for plain and relativistic hinge losses. */
  function kinkDistance(r: Float32Array, f: Float32Array): number {
    const meanR = mean(Array.from(r));
    const meanF = mean(Array.from(f));
    const args = [
      ...Array.from(r, (x) => 1 - x),
      ...Array.from(f, (x) => 1 + x),
      ...Array.from(r, (x) => 1 - (x - meanF)),
      ...Array.from(r, (x) => 1 + (x - meanF)),
      ...Array.from(f, (x) => 1 + (x - meanR)),
      ...Array.from(f, (x) => 1 - (x - meanR)),
    ];
    return Math.min(...args.map(Math.abs));
  }

  it.each(names)('%s: gradients match central finite differences (patch-shaped logits)', (name) => {
    const loss = ganLosses[name];
    const rng = new Rng(`fd-${name}`);
    // Redraw until no hinge argument is within 0.05 of its kink (a moved mean shifts them by eps/4 at most).
    let realValues = rng.normalArray(6 * 2, 0.5, 1.5);
    let fakeValues = rng.normalArray(4 * 2, -0.5, 1.5);
    while (kinkDistance(realValues, fakeValues) < 0.05) {
      realValues = rng.normalArray(6 * 2, 0.5, 1.5);
      fakeValues = rng.normalArray(4 * 2, -0.5, 1.5);
    }
    const real = tf.tensor(realValues, [6, 2, 1]);
    const fake = tf.tensor(fakeValues, [4, 2, 1]);
    const parts: Array<(r: tf.Tensor, f: tf.Tensor) => tf.Scalar> = [
      (r, f) => loss.discriminator(r, f),
      (r, f) => loss.generator(f, r),
    ];
    for (const [part, fn] of parts.entries()) {
      // The non-relativistic generator losses do not depend on the real logits at all.
      const realMatters = part === 0 || loss.generatorNeedsRealLogits;
      const [gradReal, gradFake] = realMatters
        ? tf.grads((r: tf.Tensor, f: tf.Tensor) => fn(r, f))([real, fake])
        : [tf.zerosLike(real), tf.grad((f: tf.Tensor) => fn(real, f))(fake)];
      const checks: Array<[tf.Tensor, tf.Tensor, 'real' | 'fake']> = [
        [real, gradReal, 'real'],
        [fake, gradFake, 'fake'],
      ];
      for (const [input, grad, which] of checks) {
        const values = input.dataSync().slice();
        const analytic = grad.dataSync();
        for (let i = 0; i < values.length; i++) {
          const evalAt = (delta: number) =>
            tf.tidy(() => {
              const shifted = values.slice();
              shifted[i] += delta;
              const moved = tf.tensor(shifted, input.shape);
              return which === 'real' ? fn(moved, fake).dataSync()[0] : fn(real, moved).dataSync()[0];
            });
          const numeric = (evalAt(eps) - evalAt(-eps)) / (2 * eps);
          expect(Math.abs(numeric - analytic[i])).toBeLessThan(2e-3);
        }
      }
      tf.dispose([gradReal, gradFake]);
    }
    tf.dispose([real, fake]);
  });

  it.each(names)('%s: finite values and gradients at logits of ±100', (name) => {
    const loss = ganLosses[name];
    const real = tf.tensor1d([100, -100, 100, -100]);
    const fake = tf.tensor1d([-100, 100, 100, -100]);
    const [dReal, dFake] = tf.grads((r: tf.Tensor, f: tf.Tensor) => loss.discriminator(r, f))([real, fake]);
    const [gReal, gFake] = loss.generatorNeedsRealLogits
      ? tf.grads((r: tf.Tensor, f: tf.Tensor) => loss.generator(f, r))([real, fake])
      : [tf.zerosLike(real), tf.grad((f: tf.Tensor) => loss.generator(f))(fake)];
    const dValue = scalarOf(loss.discriminator(real, fake));
    const gValue = scalarOf(loss.generator(fake, real));
    expect(Number.isFinite(dValue)).toBe(true);
    expect(Number.isFinite(gValue)).toBe(true);
    for (const g of [dReal, dFake, gReal, gFake]) {
      for (const v of g.dataSync()) expect(Number.isFinite(v)).toBe(true);
    }
    tf.dispose([real, fake, dReal, dFake, gReal, gFake]);
  });

  it('minimax generator stays exact when D rejects fakes confidently (log(1 - D) with D ≈ 0)', () => {
    const fake = tf.tensor1d([-100, -30]);
    // log(1 - sigmoid(-100)) ≈ -e^-100 ~ 0, log(1 - sigmoid(-30)) ≈ -9.4e-14: no log(0), no NaN.
    const value = scalarOf(minimax.generator(fake));
    expect(value).toBeLessThanOrEqual(0);
    expect(value).toBeGreaterThan(-1e-12);
    // And when D is fooled (logit +100), log(1 - D) = -100 exactly, not -Infinity.
    const fooled = tf.tensor1d([100]);
    expect(scalarOf(minimax.generator(fooled))).toBeCloseTo(-100, 4);
    tf.dispose([fake, fooled]);
  });
});

describe('GAN losses: shapes, errors and leaks', () => {
  it.each(names)('%s: patch outputs [batch, h, w, 1] reduce by the mean like the flattened logits', (name) => {
    const loss = ganLosses[name];
    const rng = new Rng(`patch-${name}`);
    const real = tf.tensor(rng.normalArray(3 * 2 * 2), [3, 2, 2, 1]);
    const fake = tf.tensor(rng.normalArray(5 * 2 * 2), [5, 2, 2, 1]);
    const realFlat = tf.reshape(real, [-1]);
    const fakeFlat = tf.reshape(fake, [-1]);
    expect(scalarOf(loss.discriminator(real, fake))).toBeCloseTo(scalarOf(loss.discriminator(realFlat, fakeFlat)), 6);
    expect(scalarOf(loss.generator(fake, real))).toBeCloseTo(scalarOf(loss.generator(fakeFlat, realFlat)), 6);
    tf.dispose([real, fake, realFlat, fakeFlat]);
  });

  it.each(names)('%s leaves no tensors behind except the returned scalar', (name) => {
    const loss = ganLosses[name];
    const real = tf.randomNormal([4, 1], 0, 1, 'float32', 1);
    const fake = tf.randomNormal([6, 1], 0, 1, 'float32', 2);
    const d = expectNoTensorLeakSync(`${name}.discriminator`, () => loss.discriminator(real, fake));
    const g = expectNoTensorLeakSync(`${name}.generator`, () => loss.generator(fake, real));
    expect(d.shape).toEqual([]);
    expect(g.shape).toEqual([]);
    tf.dispose([real, fake, d, g]);
  });

  it('rejects scalars, empty tensors, int logits and mismatched non-batch dims with named errors', () => {
    const scalar = tf.scalar(1);
    const good = tf.zeros([4, 1]);
    const otherTail = tf.zeros([4, 2]);
    const otherRank = tf.zeros([4]);
    const empty = tf.zeros([0, 1]);
    const ints = tf.zeros([4, 1], 'int32');
    expect(() => hinge.discriminator(scalar, good)).toThrow(ShapeError);
    expect(() => hinge.discriminator(scalar, good)).toThrow(/realLogits: expected rank >= 1/);
    expect(() => hinge.discriminator(good, otherTail)).toThrow(/fakeLogits: expected the same non-batch dimensions/);
    expect(() => hinge.discriminator(good, otherRank)).toThrow(ShapeError);
    expect(() => minimax.generator(empty)).toThrow(/fakeLogits: expected a non-empty tensor/);
    expect(() => minimax.generator(ints)).toThrow(/dtype float32/);
    expect(() => nonSaturating.discriminator(good, undefined as unknown as tf.Tensor)).toThrow(/fakeLogits: expected a tensor/);
    tf.dispose([scalar, good, otherTail, otherRank, empty, ints]);
  });

  it('relativistic generators require the real logits', () => {
    const fake = tf.zeros([4]);
    for (const loss of [relativisticAverage, relativisticAverageHinge]) {
      expect(loss.generatorNeedsRealLogits).toBe(true);
      expect(() => loss.generator(fake)).toThrow(ArgumentError);
      expect(() => loss.generator(fake)).toThrow(/realLogits: expected the discriminator's logits on a real batch/);
    }
    for (const name of ['minimax', 'nonSaturating', 'wasserstein', 'hinge', 'leastSquares'] as const) {
      expect(ganLosses[name].generatorNeedsRealLogits).toBe(false);
    }
    fake.dispose();
  });

  it('getGanLoss finds every loss by name and lists the valid names otherwise', () => {
    for (const name of names) {
      expect(getGanLoss(name)).toBe(ganLosses[name]);
      expect(getGanLoss(name).name).toBe(name);
    }
    expect(() => getGanLoss('lsgan')).toThrow(ArgumentError);
    expect(() => getGanLoss('lsgan')).toThrow(/name: expected one of "minimax", "nonSaturating", .*"relativisticAverageHinge", got "lsgan"/);
    expect(() => getGanLoss('toString')).toThrow(ArgumentError);
  });
});
