import * as tf from '@tensorflow/tfjs-core';
import '@tfgen/core';
import { ArgumentError } from '@tfgen/core';
import { describe, expect, it } from 'vitest';
import { createOptimizer, ttur } from './optimizers';
import { constantSchedule, cosineDecay, exponentialDecay, getLearningRate, linearDecay, setLearningRate } from './schedules';

describe('learning-rate schedules', () => {
  it('match their closed forms', () => {
    expect(constantSchedule(0.1)(1000)).toBe(0.1);
    const linear = linearDecay({ initial: 1, final: 0.2, steps: 10, startStep: 5 });
    expect([0, 5, 10, 15, 100].map(linear)).toEqual([1, 1, 0.6, 0.2, 0.2].map((v) => expect.closeTo(v, 12)));
    const exp = exponentialDecay({ initial: 2, decayRate: 0.5, decaySteps: 4 });
    expect(exp(6)).toBeCloseTo(2 * 0.5 ** 1.5, 12);
    expect(exponentialDecay({ initial: 2, decayRate: 0.5, decaySteps: 4, staircase: true })(7)).toBe(1);
    const cos = cosineDecay({ initial: 1, steps: 100, final: 0.1, warmupSteps: 10 });
    expect(cos(4)).toBeCloseTo(0.5, 12);
    expect(cos(10)).toBeCloseTo(1, 12);
    expect(cos(60)).toBeCloseTo(0.55, 12);
    expect(cos(500)).toBeCloseTo(0.1, 12);
  });

  it('reject bad options', () => {
    expect(() => linearDecay({ initial: 1, steps: 0 })).toThrow(/steps: expected an integer >= 1, got 0/);
    expect(() => exponentialDecay({ initial: 1, decayRate: 2, decaySteps: 3 })).toThrow(ArgumentError);
    expect(() => constantSchedule(-1)).toThrow(/learningRate/);
  });
});

describe('setLearningRate changes the step tfjs optimizers take', () => {
  for (const kind of ['sgd', 'momentum', 'adam', 'rmsprop'] as const) {
    it(kind, () => {
      // Two identical variables and optimizers; halve one rate: SGD's step halves exactly,
      // Adam's first step is lr * sign(g) (so it halves too).
      const a = tf.variable(tf.tensor1d([1, -2]));
      const b = tf.variable(tf.tensor1d([1, -2]));
      const optA = createOptimizer({ kind, learningRate: 0.1 });
      const optB = createOptimizer({ kind, learningRate: 0.1 });
      setLearningRate(optB, 0.05);
      expect(getLearningRate(optB)).toBe(0.05);
      optA.minimize(() => tf.sum(tf.square(a)) as tf.Scalar, false, [a]);
      optB.minimize(() => tf.sum(tf.square(b)) as tf.Scalar, false, [b]);
      const stepA = tf.sub(a, tf.tensor1d([1, -2])).dataSync();
      const stepB = tf.sub(b, tf.tensor1d([1, -2])).dataSync();
      expect(stepB[0]).toBeCloseTo(stepA[0] / 2, 5);
      expect(stepB[1]).toBeCloseTo(stepA[1] / 2, 5);
      tf.dispose([a, b]);
      optA.dispose();
      optB.dispose();
    });
  }
  it('TTUR defaults: D rate 4x G rate, Adam(0, 0.9)', () => {
    const specs = ttur();
    expect(specs.discriminator.learningRate).toBe(4 * specs.generator.learningRate);
    const opt = createOptimizer(specs.generator) as tf.AdamOptimizer;
    expect(opt.getConfig()).toMatchObject({ learningRate: 1e-4, beta1: 0, beta2: 0.9 });
    expect(() => createOptimizer({ kind: 'lion' as never, learningRate: 1 })).toThrow(/optimizer.kind/);
  });
});
