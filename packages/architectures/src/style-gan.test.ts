import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, Rng, expectNoTensorLeakSync } from '@tfgen/core';
import { describe, expect, it } from 'vitest';
import { dcgan } from './dcgan';
import { computeStyles, meanStyle, styleGan, synthesize } from './style-gan';
import { maxAbsDiff, saveAndLoad, trainWithGanStep } from './test-support';

const normal = (rng: Rng, shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
const small = { latentDim: 6, styleDim: 5, mappingLayers: 2, width: 3, stddevGroupSize: 2 };

describe('styleGan', () => {
  for (const imageShape of [[32, 32, 3], [28, 28, 1]] as const) {
    it(`builds ${imageShape.join('x')}: mapping, synthesis, generator and discriminator shapes`, () => {
      const gan = styleGan({ imageShape, ...small });
      const doublings = imageShape[0] === 32 ? 3 : 2;
      expect(gan.numStyles).toBe(2 + 3 * doublings);
      const z = normal(new Rng(1), [2, 6]);
      expect((gan.mapping.predict(z) as tf.Tensor).shape).toEqual([2, 5]);
      expect((gan.synthesis.predict(tf.zeros([2, gan.numStyles, 5])) as tf.Tensor).shape).toEqual([2, ...imageShape]);
      const images = gan.generator.predict(z) as tf.Tensor;
      expect(images.shape).toEqual([2, ...imageShape]);
      expect((gan.discriminator.predict(images) as tf.Tensor).shape).toEqual([2, 1]);
      const classes = gan.synthesis.layers.map((l) => l.getClassName());
      expect(classes.filter((c) => c === 'TfgenModulatedConv2D')).toHaveLength(gan.numStyles);
      expect(classes.filter((c) => c === 'TfgenNoiseInjection')).toHaveLength(1 + 2 * doublings);
      expect(gan.discriminator.layers.map((l) => l.getClassName())).toContain('MinibatchStddev');
    });
  }

  it('trains one step without leaks, and training updates the mean style by its moving average', () => {
    const gan = styleGan({ imageShape: [16, 16, 3], ...small, styleAverageDecay: 0.9, seed: 4 });
    const z = normal(new Rng(1), [4, 6]);
    const mapped = gan.mapping.predict(z) as tf.Tensor;
    const before = meanStyle(gan.generator);
    expect(Array.from(before.dataSync())).toEqual([0, 0, 0, 0, 0]);
    tf.tidy(() => {
      gan.generator.apply(z, { training: true });
    });
    const expected = tf.mul(tf.mean(mapped, 0), 0.1);
    expect(maxAbsDiff(meanStyle(gan.generator), expected)).toBeLessThan(1e-6);

    const real = tf.tanh(normal(new Rng(2), [4, 16, 16, 3]));
    const averageBefore = meanStyle(gan.generator);
    const metrics = trainWithGanStep({ generator: gan.generator, discriminator: gan.discriminator, real, latentDim: 6 });
    expect(Number.isFinite(metrics['loss/generator'])).toBe(true);
    // The GAN step runs G with training: true, so the tracked mean style moved.
    expect(maxAbsDiff(meanStyle(gan.generator), averageBefore)).toBeGreaterThan(0);
  });

  it('style mixing: slots before the crossover carry w(z1), slots from it on carry w(z2)', () => {
    const gan = styleGan({ imageShape: [16, 16, 3], ...small, seed: 2 });
    const rng = new Rng(3);
    const [z1, z2] = [normal(rng, [2, 6]), normal(rng, [2, 6])];
    const [w1, w2] = [gan.mapping.predict(z1) as tf.Tensor, gan.mapping.predict(z2) as tf.Tensor];
    const crossover = 3;
    const styles = computeStyles(gan.generator, { latents: z1, mixLatents: z2, crossoverLayer: crossover });
    expect(styles.shape).toEqual([2, gan.numStyles, 5]);
    for (let slot = 0; slot < gan.numStyles; slot++) {
      const row = tf.squeeze(tf.slice(styles, [0, slot, 0], [-1, 1, -1]), [1]);
      expect(maxAbsDiff(row, slot < crossover ? w1 : w2)).toBe(0);
    }
    // Whole images: crossover 0 is z2 alone, crossover numStyles is z1 alone; in between differs from both.
    const image = (opts: Partial<Parameters<typeof synthesize>[1]>) => synthesize(gan.generator, { latents: z1, rng: new Rng(9), ...opts });
    const onlyZ2 = synthesize(gan.generator, { latents: z2, rng: new Rng(9) });
    expect(maxAbsDiff(image({ mixLatents: z2, crossoverLayer: 0 }), onlyZ2)).toBeLessThan(1e-6);
    expect(maxAbsDiff(image({ mixLatents: z2, crossoverLayer: gan.numStyles }), image({}))).toBeLessThan(1e-6);
    // Public functions leave nothing behind but the tensor they return.
    const mixed = expectNoTensorLeakSync('synthesize', () => image({ mixLatents: z2, crossoverLayer: crossover }));
    tf.dispose(expectNoTensorLeakSync('computeStyles', () => computeStyles(gan.generator, { latents: z1, mixLatents: z2, truncation: 0.5 })));
    tf.dispose(expectNoTensorLeakSync('meanStyle', () => meanStyle(gan.generator)));
    expect(maxAbsDiff(mixed, onlyZ2)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(mixed, image({}))).toBeGreaterThan(1e-4);
  });

  it('truncation 0 gives the mean style (all latents give one image); truncation psi interpolates', () => {
    const gan = styleGan({ imageShape: [16, 16, 3], ...small, styleAverageDecay: 0.5, seed: 6 });
    const rng = new Rng(4);
    tf.tidy(() => {
      gan.generator.apply(normal(rng, [8, 6]), { training: true });
    });
    const average = meanStyle(gan.generator);
    const z = normal(rng, [3, 6]);
    const styles = computeStyles(gan.generator, { latents: z, truncation: 0 });
    expect(maxAbsDiff(styles, tf.broadcastTo(average, [3, gan.numStyles, 5]))).toBeLessThan(1e-6);
    const images = synthesize(gan.generator, { latents: z, truncation: 0 }); // noise strengths start at 0
    expect(maxAbsDiff(tf.slice(images, [0], [1]), tf.slice(images, [2], [1]))).toBeLessThan(1e-6);
    const half = tf.squeeze(tf.slice(computeStyles(gan.generator, { latents: z, truncation: 0.5 }), [0, 0, 0], [-1, 1, -1]), [1]);
    const w = gan.mapping.predict(z) as tf.Tensor;
    expect(maxAbsDiff(half, tf.add(average, tf.mul(tf.sub(w, average), 0.5)))).toBeLessThan(1e-6);
  });

  it('reloads (nested mapping/synthesis, custom layers, mean style) with identical outputs', async () => {
    const gan = styleGan({ imageShape: [16, 16, 1], ...small, seed: 8 });
    const rng = new Rng(5);
    tf.tidy(() => {
      gan.generator.apply(normal(rng, [4, 6]), { training: true });
    });
    // Give the noise inputs weight so the round trip covers them.
    for (const layer of gan.synthesis.layers.filter((l) => l.getClassName() === 'TfgenNoiseInjection')) layer.setWeights([tf.fill([3], 0.3)]);
    const loaded = await saveAndLoad(gan.generator);
    const z = normal(rng, [2, 6]);
    const z2 = normal(rng, [2, 6]);
    const opts = { latents: z, mixLatents: z2, crossoverLayer: 2, truncation: 0.7 };
    const a = synthesize(gan.generator, { ...opts, rng: new Rng(1) });
    const b = synthesize(loaded, { ...opts, rng: new Rng(1) });
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(maxAbsDiff(meanStyle(gan.generator), meanStyle(loaded))).toBe(0);
    const loadedD = await saveAndLoad(gan.discriminator);
    const images = tf.tanh(normal(rng, [2, 16, 16, 1]));
    expect(maxAbsDiff(gan.discriminator.predict(images) as tf.Tensor, loadedD.predict(images) as tf.Tensor)).toBe(0);
  });

  it('rejects bad options and misuse with clear errors', () => {
    const gan = styleGan({ imageShape: [16, 16, 3], ...small });
    const z = tf.zeros([2, 6]);
    expect(() => styleGan({ imageShape: [16, 16, 3], styleDim: 0 })).toThrow(/options.styleDim/);
    expect(() => styleGan({ imageShape: [20, 16, 3] })).toThrow(/options.imageShape/);
    expect(() => computeStyles(gan.generator, { latents: z, mixLatents: z, crossoverLayer: 99 })).toThrow(/options.crossoverLayer: expected an integer in \[0, 8\], got 99/);
    expect(() => computeStyles(gan.generator, { latents: tf.zeros([2, 5]) })).toThrow(/options.latents: expected a tensor of shape \[N, 6\]/);
    expect(() => synthesize(dcgan({ imageShape: [28, 28, 1], width: 2 }).generator as tfl.LayersModel, { latents: z })).toThrow(ArgumentError);
  });
});
