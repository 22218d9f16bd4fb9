// CONTRIBUTING.md shows the files of this folder verbatim; these tests keep the text and the
// code the same and run the code.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { leastSquares } from '@tfgen/losses';
import { resolveGanVariant } from '@tfgen/strategies';
import { describe, expect, it } from 'vitest';
import { lsganR1 } from './lsgan-r1';
import { buildDiscriminator, discriminatorStep } from './regularizer';
import { trainLsganR1 } from './train-lsgan-r1';

const contributing = readFileSync(new URL('../../CONTRIBUTING.md', import.meta.url), 'utf8');

/** The fenced block that follows `<!-- include: tests/contributing/NAME -->` in CONTRIBUTING.md. */
function includedBlock(name: string): string {
  const marker = `<!-- include: tests/contributing/${name} -->`;
  const start = contributing.indexOf(marker);
  if (start < 0) throw new Error(`CONTRIBUTING.md has no ${marker}`);
  const match = /```ts\n([\s\S]*?)```/.exec(contributing.slice(start + marker.length));
  if (!match) throw new Error(`CONTRIBUTING.md: no \`\`\`ts block after ${marker}`);
  return match[1];
}

describe('CONTRIBUTING.md', () => {
  it.each(['regularizer.ts', 'lsgan-r1.ts', 'train-lsgan-r1.ts'])('shows tests/contributing/%s verbatim', (name) => {
    expect(includedBlock(name)).toBe(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8'));
  });
});

/** mean over the batch of ||grad_x D(x)||^2, by autodiff of sum D(x) (rows are independent). */
function meanSquaredInputGradient(discriminator: ReturnType<typeof buildDiscriminator>, x: tf.Tensor): number {
  return tf.tidy(() => {
    const gradient = tf.grad((input: tf.Tensor) => tf.sum(discriminator.apply(input, { training: false }) as tf.Tensor))(x);
    return tf.mean(tf.sum(tf.square(gradient), 1)).dataSync()[0];
  });
}

describe('walk-through 1: a regularizer in your own model', () => {
  it('R1 trains without leaks and flattens the critic at the real data', () => {
    const real = tf.tidy(() => tf.add(tf.randomNormal([64, 2], 0, 0.05, 'float32', 1), tf.tensor1d([1, 0])));
    const fake = tf.randomNormal([64, 2], 0, 0.5, 'float32', 2);
    const trained = [0, 20].map((gamma) => {
      const discriminator = buildDiscriminator(3);
      const optimizer = tf.train.adam(1e-2, 0, 0.99);
      const losses = [discriminatorStep(discriminator, optimizer, real, fake, gamma)];
      const before = tf.memory().numTensors;
      for (let i = 0; i < 40; i++) losses.push(discriminatorStep(discriminator, optimizer, real, fake, gamma));
      expect(tf.memory().numTensors).toBe(before);
      expect(losses.every(Number.isFinite)).toBe(true);
      const gradient = meanSquaredInputGradient(discriminator, real);
      optimizer.dispose();
      return { losses, gradient };
    });
    const [plain, penalized] = trained;
    // Without the penalty the critic separates the clouds with steep slopes at the real data;
    // R1 keeps its gradient there several times smaller.
    expect(plain.losses[40]).toBeLessThan(plain.losses[0]);
    expect(penalized.gradient).toBeLessThan(plain.gradient / 3);
    tf.dispose([real, fake]);
  });

  it('a non-function critic is a clear error', () => {
    expect(() => discriminatorStep({ apply: () => 'nope' } as never, tf.train.sgd(0.1), tf.zeros([2, 2]), tf.zeros([2, 2]), 1)).toThrow();
  });
});

describe('walk-through 2: a GAN variant in one file', () => {
  it('is data the GAN step resolves: least-squares loss, R1 weighted gamma / 2', () => {
    const variant = resolveGanVariant(lsganR1({ gamma: 4 }));
    expect(variant.name).toBe('lsgan-r1');
    expect(variant.lossName).toBe(leastSquares.name);
    expect(variant.regularizers.map((r) => [r.name, r.weight])).toEqual([['penalty/r1', 2]]);
    expect(variant.discriminatorSteps).toBe(1);
  });

  it('trains on the ring of Gaussians without leaks, logging its penalty', () => {
    const before = tf.memory().numTensors;
    const history = trainLsganR1(6);
    expect(tf.memory().numTensors).toBe(before);
    expect(history).toHaveLength(6);
    for (const metrics of history) {
      expect(Object.keys(metrics)).toContain('penalty/r1');
      for (const value of Object.values(metrics)) expect(Number.isFinite(value)).toBe(true);
      expect(metrics['penalty/r1']).toBeGreaterThanOrEqual(0);
    }
  });
});
