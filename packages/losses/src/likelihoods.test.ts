import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ShapeError, expectNoTensorLeakSync } from '@tfgen/core';
import {
  bernoulliLogLikelihood,
  bernoulliLogProbability,
  categoricalLogLikelihood,
  discretizedLogisticMixtureLogLikelihood,
  discretizedLogisticMixtureLogProbability,
  gaussianLogLikelihood,
} from './likelihoods';

/** Central finite difference of a scalar function of one tensor, element by element. */
function finiteDifference(f: (x: tf.Tensor) => tf.Scalar, x: number[], shape: number[], eps = 1e-2): number[] {
  return x.map((_, i) => {
    const up = x.slice();
    const down = x.slice();
    up[i] += eps;
    down[i] -= eps;
    const fu = tf.tidy(() => f(tf.tensor(up, shape)).dataSync()[0]);
    const fd = tf.tidy(() => f(tf.tensor(down, shape)).dataSync()[0]);
    return (fu - fd) / (2 * eps);
  });
}

function analyticGradient(f: (x: tf.Tensor) => tf.Scalar, x: number[], shape: number[]): number[] {
  return tf.tidy(() => Array.from(tf.grad(f)(tf.tensor(x, shape)).dataSync()));
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('bernoulli', () => {
  it('matches log sigmoid / log(1 - sigmoid) for moderate logits', () => {
    const logits = [-3, -0.5, 0, 0.7, 2.5, 4];
    const x = [0, 1, 1, 0, 1, 0];
    const got = tf.tidy(() => Array.from(bernoulliLogProbability(tf.tensor(x), tf.tensor(logits)).dataSync()));
    logits.forEach((l, i) => {
      const p = sigmoid(l);
      expect(got[i]).toBeCloseTo(x[i] ? Math.log(p) : Math.log(1 - p), 5);
    });
  });

  it('stays finite and exact at logits of +-100', () => {
    const got = tf.tidy(() =>
      Array.from(bernoulliLogProbability(tf.tensor([1, 0, 1, 0]), tf.tensor([100, -100, -100, 100])).dataSync()),
    );
    expect(got.every(Number.isFinite)).toBe(true);
    expect(got[0]).toBeCloseTo(0, 6);
    expect(got[1]).toBeCloseTo(0, 6);
    expect(got[2]).toBeCloseTo(-100, 3);
    expect(got[3]).toBeCloseTo(-100, 3);
  });

  it('sums per example and has the right gradient (finite differences)', () => {
    const x = tf.tensor([[1, 0, 1], [0, 0, 1]]);
    const zeroLogits = tf.zeros([2, 3]);
    const values = expectNoTensorLeakSync('bernoulliLogLikelihood', () => bernoulliLogLikelihood(x, zeroLogits));
    zeroLogits.dispose();
    expect(values.shape).toEqual([2]);
    expect(Array.from(values.dataSync())[0]).toBeCloseTo(3 * Math.log(0.5), 5);
    values.dispose();
    const logitValues = [0.3, -1.2, 2, -0.4, 1.1, -2.2];
    const f = (l: tf.Tensor) => tf.sum(bernoulliLogLikelihood(x, l)) as tf.Scalar;
    const analytic = analyticGradient(f, logitValues, [2, 3]);
    const numeric = finiteDifference(f, logitValues, [2, 3]);
    analytic.forEach((g, i) => expect(g).toBeCloseTo(numeric[i], 2));
    // d/dl = x - sigmoid(l)
    const xs = [1, 0, 1, 0, 0, 1];
    analytic.forEach((g, i) => expect(g).toBeCloseTo(xs[i] - sigmoid(logitValues[i]), 5));
    x.dispose();
  });

  it('rejects mismatched shapes', () => {
    const x = tf.zeros([2, 3]);
    const l = tf.zeros([2, 4]);
    expect(() => bernoulliLogLikelihood(x, l)).toThrow(ShapeError);
    expect(() => bernoulliLogLikelihood(x, l)).toThrow(/logits: expected the shape of x \[2, 3\], got \[2, 4\]/);
    tf.dispose([x, l]);
  });
});

describe('gaussian', () => {
  it('matches the closed-form density and its gradient', () => {
    const x = tf.tensor([[0.5, -1, 2]]);
    const mean = tf.tensor([[0, -0.5, 1]]);
    const logVar = tf.tensor([[0, Math.log(4), Math.log(0.25)]]);
    const got = expectNoTensorLeakSync('gaussianLogLikelihood', () => gaussianLogLikelihood(x, mean, logVar));
    const xs = [0.5, -1, 2];
    const ms = [0, -0.5, 1];
    const vs = [1, 4, 0.25];
    const expected = xs.reduce((s, v, i) => s - 0.5 * Math.log(2 * Math.PI * vs[i]) - ((v - ms[i]) ** 2) / (2 * vs[i]), 0);
    expect(got.dataSync()[0]).toBeCloseTo(expected, 4);
    got.dispose();
    const f = (m: tf.Tensor) => tf.sum(gaussianLogLikelihood(x, m, logVar)) as tf.Scalar;
    const analytic = analyticGradient(f, ms, [1, 3]);
    const numeric = finiteDifference(f, ms, [1, 3]);
    analytic.forEach((g, i) => expect(g).toBeCloseTo(numeric[i], 2));
    const g = (lv: tf.Tensor) => tf.sum(gaussianLogLikelihood(x, mean, lv)) as tf.Scalar;
    const lvs = [0, Math.log(4), Math.log(0.25)];
    const analyticLv = analyticGradient(g, lvs, [1, 3]);
    const numericLv = finiteDifference(g, lvs, [1, 3], 1e-3);
    analyticLv.forEach((v, i) => expect(v).toBeCloseTo(numericLv[i], 2));
    tf.dispose([x, mean, logVar]);
  });
});

describe('categorical', () => {
  it('equals the log-softmax at the target, summed per example', () => {
    const logits = tf.tensor([[[1, 2, 3], [0, 0, 0]], [[5, -5, 0], [2, 1, 0]]]);
    const targets = tf.tensor([[2, 1], [0, 1]], undefined, 'int32');
    const got = expectNoTensorLeakSync('categoricalLogLikelihood', () => categoricalLogLikelihood(targets, logits));
    const lse = (v: number[]) => Math.log(v.reduce((s, a) => s + Math.exp(a), 0));
    const e0 = 3 - lse([1, 2, 3]) + (0 - lse([0, 0, 0]));
    const e1 = 5 - lse([5, -5, 0]) + (1 - lse([2, 1, 0]));
    const data = got.dataSync();
    expect(data[0]).toBeCloseTo(e0, 5);
    expect(data[1]).toBeCloseTo(e1, 5);
    got.dispose();
    const bad = tf.zeros([2, 3], 'int32');
    expect(() => categoricalLogLikelihood(bad, logits)).toThrow(/targets: expected shape \[2, 2\]/);
    tf.dispose([logits, targets, bad]);
  });

  it('is exact for 256-way logits and has the softmax gradient', () => {
    const values = Array.from({ length: 256 }, (_, i) => Math.sin(i) * 2);
    const targets = tf.tensor([[17]], undefined, 'int32');
    const f = (l: tf.Tensor) => tf.sum(categoricalLogLikelihood(targets, l)) as tf.Scalar;
    const grad = analyticGradient(f, values, [1, 1, 256]);
    const z = values.reduce((s, a) => s + Math.exp(a), 0);
    grad.forEach((g, i) => expect(g).toBeCloseTo((i === 17 ? 1 : 0) - Math.exp(values[i]) / z, 5));
    targets.dispose();
  });
});

describe('discretized logistic mixture', () => {
  const levels = Array.from({ length: 256 }, (_, k) => (2 * k) / 255 - 1);

  function massOverBins(means: number[], logScales: number[], logits: number[]): number[] {
    return tf.tidy(() => {
      const m = means.length;
      const x = tf.tensor(levels, [256]);
      const tile = (v: number[]) => tf.tile(tf.tensor(v, [1, m]), [256, 1]);
      const logp = discretizedLogisticMixtureLogProbability(x, { means: tile(means), logScales: tile(logScales), logits: tile(logits) });
      return Array.from(tf.exp(logp).dataSync());
    });
  }

  it('puts total mass 1 over the 256 bins, edge cases included', () => {
    for (const [means, logScales, logits] of [
      [[0], [Math.log(0.1)], [0]],
      [[-0.98], [Math.log(0.05)], [0]], // mass piled on the lowest edge bin
      [[0.999], [Math.log(0.02)], [0]], // and on the highest
      [[-0.5, 0.3, 0.9], [Math.log(0.2), Math.log(0.01), Math.log(0.5)], [0.1, 1, -1]],
    ]) {
      const mass = massOverBins(means, logScales, logits);
      const total = mass.reduce((s, v) => s + v, 0);
      expect(total).toBeCloseTo(1, 4);
      expect(mass.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    }
  });

  it('gives the closed-form bin masses at the edges and in the middle', () => {
    const mean = 0.2;
    const scale = 0.3;
    const cdf = (v: number) => sigmoid((v - mean) / scale);
    const mass = massOverBins([mean], [Math.log(scale)], [0]);
    const h = 1 / 255;
    expect(mass[0]).toBeCloseTo(cdf(-1 + h), 6);
    expect(mass[255]).toBeCloseTo(1 - cdf(1 - h), 6);
    expect(mass[140]).toBeCloseTo(cdf(levels[140] + h) - cdf(levels[140] - h), 6);
  });

  it('is finite for very sharp components far from the data, with a finite-difference gradient', () => {
    const x = tf.tensor([[-1, 1, 0.0039215686]]);
    const params = {
      means: tf.tensor([[[0.9], [-0.9], [0.5]]]),
      logScales: tf.tensor([[[-7], [-7], [-7]]]),
      logits: tf.zeros([1, 3, 1]),
    };
    const ll = expectNoTensorLeakSync('discretizedLogisticMixtureLogLikelihood', () => discretizedLogisticMixtureLogLikelihood(x, params));
    expect(Number.isFinite(ll.dataSync()[0])).toBe(true);
    ll.dispose();
    const meansValues = [0.1, -0.2, 0.05, 0.3, -0.4, 0.6];
    const x2 = tf.tensor([[-1, 0.2, 1]]);
    const logScales = tf.tensor([[[-1.5, -1], [-2, -1.2], [-1, -0.5]]]);
    const logits = tf.tensor([[[0.3, -0.3], [0, 1], [2, 0]]]);
    const f = (means: tf.Tensor) => tf.sum(discretizedLogisticMixtureLogLikelihood(x2, { means, logScales, logits })) as tf.Scalar;
    const analytic = analyticGradient(f, meansValues, [1, 3, 2]);
    const numeric = finiteDifference(f, meansValues, [1, 3, 2], 1e-3);
    analytic.forEach((g, i) => expect(g).toBeCloseTo(numeric[i], 1));
    tf.dispose([x, params.means, params.logScales, params.logits, x2, logScales, logits]);
  });

  it('rejects parameters of the wrong shape', () => {
    const x = tf.zeros([2, 3]);
    const p = tf.zeros([2, 3]);
    expect(() => discretizedLogisticMixtureLogProbability(x, { means: p, logScales: p, logits: p })).toThrow(
      /mixture.logits: expected shape \[2, 3, components\]/,
    );
    tf.dispose([x, p]);
  });
});
