import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoTensorLeakSync } from '@tfgen/core';
import { elbo, iwaeBound, logMeanExp } from './bounds';

describe('logMeanExp', () => {
  it('matches the direct formula and stays finite for very negative values', () => {
    const values = [[-1, 0.5], [2, -3], [0, 1]];
    const input = tf.tensor(values);
    const got = expectNoTensorLeakSync('logMeanExp', () => logMeanExp(input, 0));
    input.dispose();
    const direct = [0, 1].map((j) => Math.log(values.reduce((s, r) => s + Math.exp(r[j]), 0) / 3));
    const d = got.dataSync();
    expect(d[0]).toBeCloseTo(direct[0], 5);
    expect(d[1]).toBeCloseTo(direct[1], 5);
    got.dispose();
    const far = tf.tidy(() => logMeanExp(tf.tensor([-1000, -1001, -1002])).dataSync()[0]);
    const expected = -1000 + Math.log((1 + Math.exp(-1) + Math.exp(-2)) / 3);
    expect(far).toBeCloseTo(expected, 3);
  });

  it('has the softmax-weighted gradient', () => {
    const v = [0.2, -0.5, 1.5, 0];
    const g = tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => logMeanExp(x) as tf.Scalar)(tf.tensor(v)).dataSync()));
    const z = v.reduce((s, a) => s + Math.exp(a), 0);
    g.forEach((gi, i) => expect(gi).toBeCloseTo(Math.exp(v[i]) / z, 5));
  });
});

describe('elbo and iwaeBound', () => {
  it('elbo = logLikelihood - beta * kl', () => {
    const ll = tf.tensor([-10, -20]);
    const kl = tf.tensor([2, 3]);
    const e = expectNoTensorLeakSync('elbo', () => elbo({ logLikelihood: ll, kl, beta: 0.5 }));
    expect(Array.from(e.dataSync())).toEqual([-11, -21.5]);
    expect(() => elbo({ logLikelihood: ll, kl, beta: -1 })).toThrow(/beta: expected a finite number >= 0, got -1/);
    tf.dispose([ll, kl, e]);
  });

  it('with k = 1 equals the ELBO sample; increases with k on average (Jensen)', () => {
    // log weights of a toy where w = p(x,z)/q(z) is lognormal: E[w] = exp(mu + s^2/2).
    const mu = -5;
    const s = 1.5;
    const count = 4000;
    const logW = tf.tidy(() => tf.add(mu, tf.mul(s, tf.randomNormal([64, count], 0, 1, 'float32', 7))));
    const k1 = tf.tidy(() => tf.mean(iwaeBound(tf.slice(logW, [0, 0], [1, count]))).dataSync()[0]);
    const k8 = tf.tidy(() => tf.mean(iwaeBound(tf.slice(logW, [0, 0], [8, count]))).dataSync()[0]);
    const k64 = tf.tidy(() => tf.mean(iwaeBound(logW)).dataSync()[0]);
    expect(k1).toBeCloseTo(mu, 1);
    expect(k8).toBeGreaterThan(k1);
    expect(k64).toBeGreaterThan(k8);
    expect(k64).toBeLessThan(mu + (s * s) / 2); // log E[w]
    logW.dispose();
  });
});
