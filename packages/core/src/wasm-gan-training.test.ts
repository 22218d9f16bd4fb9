import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { Rng, withSeededRandom } from './random';
import './second-order-gradients';

/** A tiny DCGAN-shaped pair: G dense -> BN -> convT s2 -> BN -> LeakyReLU -> convT s2 -> tanh; D conv s2 -> LeakyReLU -> conv s2 -> dense. */
function buildGan(seed: number) {
  return withSeededRandom(new Rng(seed), () => {
    const generator = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 2 * 2 * 8, inputShape: [4] }),
        tfl.layers.batchNormalization(),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.reshape({ targetShape: [2, 2, 8] }),
        tfl.layers.conv2dTranspose({ filters: 4, kernelSize: 4, strides: 2, padding: 'same' }),
        tfl.layers.batchNormalization(),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
      ],
    });
    const discriminator = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 4, kernelSize: 4, strides: 2, padding: 'same', inputShape: [8, 8, 1] }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.conv2d({ filters: 8, kernelSize: 4, strides: 2, padding: 'same' }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    return { generator, discriminator };
  });
}

/** Trains a few non-saturating GAN steps with Adam; returns [dLoss, gLoss] per step. */
function train(weights: Float32Array[] | null, steps: number): { losses: number[][]; weights: Float32Array[]; leaked: number } {
  const { generator, discriminator } = buildGan(3);
  const all = [...generator.getWeights(), ...discriminator.getWeights()];
  if (weights !== null) {
    const gCount = generator.getWeights().length;
    generator.setWeights(weights.slice(0, gCount).map((w, i) => tf.tensor(w, all[i]!.shape)));
    discriminator.setWeights(weights.slice(gCount).map((w, i) => tf.tensor(w, all[gCount + i]!.shape)));
  }
  const initial = [...generator.getWeights(), ...discriminator.getWeights()].map((w) => w.dataSync().slice() as Float32Array);
  const dOptimizer = tf.train.adam(2e-3, 0.5);
  const gOptimizer = tf.train.adam(2e-3, 0.5);
  const rng = new Rng(5);
  const losses: number[][] = [];
  let leaked = 0;
  for (let step = 0; step < steps; step++) {
    const real = tf.tensor4d(rng.uniformArray(4 * 8 * 8, -1, 1), [4, 8, 8, 1]);
    const noise = tf.tensor2d(rng.normalArray(4 * 4), [4, 4]);
    const before = tf.memory().numTensors;
    const dLoss = dOptimizer.minimize(() => {
      const fake = generator.apply(noise, { training: true }) as tf.Tensor;
      const realLogits = discriminator.apply(real, { training: true }) as tf.Tensor;
      const fakeLogits = discriminator.apply(fake, { training: true }) as tf.Tensor;
      return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
    }, true, discriminator.trainableWeights.map((w) => w.read() as tf.Variable))!;
    const gLoss = gOptimizer.minimize(() => {
      const fakeLogits = discriminator.apply(generator.apply(noise, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor;
      return tf.mean(tf.softplus(tf.neg(fakeLogits))) as tf.Scalar;
    }, true, generator.trainableWeights.map((w) => w.read() as tf.Variable))!;
    losses.push([dLoss.dataSync()[0]!, gLoss.dataSync()[0]!]);
    tf.dispose([dLoss, gLoss]);
    // The first step creates Adam's slots; later steps must leave the count unchanged.
    if (step > 0) leaked = Math.max(leaked, tf.memory().numTensors - before);
    tf.dispose([real, noise]);
  }
  tf.dispose([generator, discriminator].flatMap((m) => m.weights.map((w) => w.read())));
  dOptimizer.dispose();
  gOptimizer.dispose();
  return { losses, weights: initial, leaked };
}

describe('a tiny conv GAN trains on wasm to the same losses as on cpu', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matches cpu losses step by step (conv, convT, BN, LeakyReLU, Adam)', async () => {
    await initBackend({ prefer: 'cpu' });
    const cpu = train(null, 4);
    await initBackend({ prefer: 'wasm' });
    const wasm = train(cpu.weights, 4);
    expect(cpu.leaked).toBe(0);
    expect(wasm.leaked).toBe(0);
    for (let step = 0; step < 4; step++) {
      for (let k = 0; k < 2; k++) {
        expect(Math.abs(wasm.losses[step]![k]! - cpu.losses[step]![k]!), `step ${step} loss ${k}: cpu ${cpu.losses[step]} wasm ${wasm.losses[step]}`).toBeLessThan(1e-4 * Math.abs(cpu.losses[step]![k]!) + 1e-5);
      }
    }
    // The losses really moved (training happened).
    expect(cpu.losses[3]![0]).not.toBeCloseTo(cpu.losses[0]![0]!, 4);
  });
});
