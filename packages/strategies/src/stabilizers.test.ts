import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, withSeededRandom } from '@tfgen/core';
import { nonSaturating } from '@tfgen/losses';
import { describe, expect, it } from 'vitest';
import { ModelEma } from './ema';
import { pack, packedShape } from './packing';
import { addInstanceNoise, clipWeights, instanceNoiseStd, smoothedDiscriminatorLoss } from './stabilizers';

describe('PacGAN packing', () => {
  it('concatenates consecutive examples: features for flat data, channels for images', () => {
    const flat = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    expect(pack(flat, 2).arraySync()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    const images = tf.tensor4d(Array.from({ length: 4 * 2 * 1 * 1 }, (_, i) => i), [4, 2, 1, 1]);
    const packed = pack(images, 2);
    expect(packed.shape).toEqual([2, 2, 1, 2]);
    // pixel (h, w) of pack 0 holds example 0's and example 1's values as channels
    expect(packed.arraySync()).toEqual([[[[0, 2]], [[1, 3]]], [[[4, 6]], [[5, 7]]]]);
    expect(packedShape([28, 28, 1], 4)).toEqual([28, 28, 4]);
    expect(() => pack(flat, 3)).toThrow(/divisible by packing 3/);
    tf.dispose([flat, images, packed]);
  });
});

describe('label smoothing, instance noise, weight clipping', () => {
  it('one-sided label smoothing: closed form, and equals the plain loss at target 1', () => {
    const real = tf.tensor1d([0.3, -1.2, 2]);
    const fake = tf.tensor1d([-0.5, 0.7, 0]);
    const t = 0.9;
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const expected =
      [0.3, -1.2, 2].reduce((s, r) => s - t * Math.log(sig(r)) - (1 - t) * Math.log(1 - sig(r)), 0) / 3 +
      [-0.5, 0.7, 0].reduce((s, f) => s - Math.log(1 - sig(f)), 0) / 3;
    expect(smoothedDiscriminatorLoss(real, fake, t).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(smoothedDiscriminatorLoss(real, fake, 1).dataSync()[0]).toBeCloseTo(nonSaturating.discriminator(real, fake).dataSync()[0], 6);
  });

  it('instance noise anneals linearly to zero and has the requested std', () => {
    expect([0, 50, 100, 200].map((s) => instanceNoiseStd(s, { std: 0.2, annealSteps: 100 }))).toEqual([0.2, 0.1, 0, 0]);
    const x = tf.zeros([4000, 2]);
    const noisy = addInstanceNoise(x, 0.5, new Rng(1));
    const { mean, variance } = tf.moments(noisy);
    expect(mean.dataSync()[0]).toBeCloseTo(0, 1);
    expect(Math.sqrt(variance.dataSync()[0])).toBeCloseTo(0.5, 1);
    expect(() => instanceNoiseStd(0, { std: 0.1, annealSteps: 0 })).toThrow(/annealSteps/);
  });

  it('weight clipping bounds every trainable weight', () => {
    const model = withSeededRandom(new Rng(2), () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 4, biasInitializer: 'ones' })] }));
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    clipWeights(model, 0.05);
    model.getWeights().forEach((w, i) => Array.from(w.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(Math.max(-0.05, Math.min(0.05, before[i][j])), 7)));
    expect(() => clipWeights(model, 0)).toThrow(/weightClip/);
  });
});

describe('ModelEma', () => {
  it('shadow = decay * shadow + (1 - decay) * w, swapped in only inside withAveragedWeights', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [1], units: 1, kernelInitializer: 'ones', biasInitializer: 'zeros' })] });
    const ema = new ModelEma(model, 0.9);
    model.setWeights([tf.tensor2d([[3]]), tf.tensor1d([1])]);
    ema.update();
    ema.update();
    // kernel: 1 -> 0.9 + 0.3 = 1.2 -> 1.08 + 0.3 = 1.38; bias: 0 -> 0.1 -> 0.19
    expect(ema.weights[0].dataSync()[0]).toBeCloseTo(1.38, 6);
    expect(ema.weights[1].dataSync()[0]).toBeCloseTo(0.19, 6);
    const inside = ema.withAveragedWeights(() => (model.predict(tf.tensor2d([[1]])) as tf.Tensor).dataSync()[0]);
    expect(inside).toBeCloseTo(1.57, 5);
    expect((model.predict(tf.tensor2d([[1]])) as tf.Tensor).dataSync()[0]).toBeCloseTo(4, 6);
    expect(ema.stateVariables().map((v) => v.name)).toEqual(['ema/0/kernel', 'ema/1/bias']);
    ema.dispose();
  });
});
