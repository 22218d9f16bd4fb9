import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoTensorLeakSync } from '@tfgen/core';
import { klDiagonalGaussians, klStandardNormal } from './kl';

function gaussianLogPdf(x: number, mean: number, std: number): number {
  return -0.5 * ((x - mean) / std) ** 2 - Math.log(std * Math.sqrt(2 * Math.PI));
}

/** KL(p || q) of 1-D Gaussians by the trapezoid rule on a fine grid. */
function numericKl(m1: number, s1: number, m2: number, s2: number): number {
  const low = m1 - 12 * s1;
  const high = m1 + 12 * s1;
  const n = 200_000;
  const h = (high - low) / n;
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const x = low + i * h;
    const logP = gaussianLogPdf(x, m1, s1);
    const term = Math.exp(logP) * (logP - gaussianLogPdf(x, m2, s2));
    total += (i === 0 || i === n ? 0.5 : 1) * term;
  }
  return total * h;
}

describe('klDiagonalGaussians', () => {
  it('is 0 for identical Gaussians', () => {
    const m = tf.tensor([[0.3, -1, 2]]);
    const lv = tf.tensor([[0.1, -2, 1]]);
    const kl = expectNoTensorLeakSync('kl', () => klDiagonalGaussians(m, lv, m, lv));
    expect(Math.abs(kl.dataSync()[0])).toBeLessThan(1e-6);
    tf.dispose([m, lv, kl]);
  });

  it('matches a numeric integral, summed over independent dimensions', () => {
    const cases: [number, number, number, number][] = [
      [0.5, 0.7, -0.3, 1.4],
      [2, 0.3, 0, 1],
      [-1, 2, 1, 0.5],
    ];
    const expected = cases.reduce((s, [m1, s1, m2, s2]) => s + numericKl(m1, s1, m2, s2), 0);
    const got = tf.tidy(() =>
      klDiagonalGaussians(
        tf.tensor([cases.map((c) => c[0])]),
        tf.tensor([cases.map((c) => 2 * Math.log(c[1]))]),
        tf.tensor([cases.map((c) => c[2])]),
        tf.tensor([cases.map((c) => 2 * Math.log(c[3]))]),
      ).dataSync()[0],
    );
    expect(got).toBeCloseTo(expected, 4);
  });

  it('agrees with klStandardNormal against N(0, I) and has the right gradient', () => {
    const mean = tf.tensor([[0.4, -0.2], [1, 0]]);
    const logVar = tf.tensor([[0.3, -0.7], [0, 1]]);
    const a = expectNoTensorLeakSync('klStandardNormal', () => klStandardNormal(mean, logVar));
    const b = tf.tidy(() => klDiagonalGaussians(mean, logVar, tf.zerosLike(mean), tf.zerosLike(logVar)));
    const da = a.dataSync();
    const db = b.dataSync();
    expect(da[0]).toBeCloseTo(db[0], 5);
    expect(da[1]).toBeCloseTo(db[1], 5);
    expect(da[1]).toBeCloseTo(0.5 * (1 + 1 - 1) + 0.5 * (Math.E - 1 - 1), 5);
    // d/dlogVar = 0.5 (exp(lv) - 1); d/dmean = mean
    const [gm, glv] = tf.tidy(() => tf.grads((m: tf.Tensor, lv: tf.Tensor) => tf.sum(klStandardNormal(m, lv)))([mean, logVar]).map((g) => Array.from(g.dataSync())));
    expect(gm).toEqual(Array.from(mean.dataSync()).map((v) => expect.closeTo(v, 5)));
    Array.from(logVar.dataSync()).forEach((v, i) => expect(glv[i]).toBeCloseTo(0.5 * (Math.exp(v) - 1), 5));
    tf.dispose([mean, logVar, a, b]);
  });

  it('names mismatched arguments', () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([2, 2]);
    expect(() => klStandardNormal(a, b)).toThrow(/logVariance: expected the shape of mean/);
    tf.dispose([a, b]);
  });
});
