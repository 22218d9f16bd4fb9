import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, Rng } from '@tfgen/core';
import { createGan, vanillaGan } from '@tfgen/strategies';
import { describe, expect, it } from 'vitest';
import { auxiliaryClassifierLoss } from './auxiliary-classifier-loss';
import { conditionalGan } from './conditional-gan';
import { dcgan } from './dcgan';
import { MLP_GAN_PRESETS, mlpGan } from './mlp-gan';
import { sampleByClass } from './sample-by-class';
import { SNGAN_RESNET_PRESET, snganResnet, snganResnetVariant } from './sngan-resnet';
import { maxAbsDiff, saveAndLoad, trainWithGanStep } from './test-support';

const normal = (rng: Rng, shape: number[]) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
const out = (m: tfl.LayersModel, x: tf.Tensor | tf.Tensor[]) => m.predict(x) as tf.Tensor;

/** Runs `fn` and checks it leaves no tensor behind. */
function noLeak<T>(fn: () => T): T {
  const before = tf.memory().numTensors;
  const result = fn();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

/** One step of the strategies GAN step (run twice, leak-checked); checks finite losses and that G's weights moved. */
function trainOnce(args: Parameters<typeof trainWithGanStep>[0]) {
  const weightsBefore = args.generator.getWeights().map((w) => w.clone());
  const metrics = trainWithGanStep(args);
  expect(Object.values(metrics).every(Number.isFinite)).toBe(true);
  expect(metrics['loss/generator']).toBeDefined();
  const moved = args.generator.getWeights().some((w, i) => maxAbsDiff(w, weightsBefore[i]) > 0);
  expect(moved).toBe(true);
  tf.dispose(weightsBefore);
  return metrics;
}

async function expectSameAfterReload(model: tfl.LayersModel, inputs: tf.Tensor | tf.Tensor[]) {
  const loaded = await saveAndLoad(model);
  const a = out(model, inputs);
  const b = out(loaded, inputs);
  expect(b.shape).toEqual(a.shape);
  expect(maxAbsDiff(a, b)).toBe(0);
  tf.dispose([a, b]);
  loaded.dispose();
}

describe('mlpGan', () => {
  it('builds the PacGAN preset: 4x400 BN generator, packed maxout discriminator, N(0, 0.02) weights', () => {
    const gan = mlpGan({ preset: 'pacgan' });
    const maxoutKernel = gan.discriminator.layers.find((l) => l.getClassName() === 'TfgenMaxout')!.getWeights()[0];
    const spread = Math.sqrt(tf.moments(maxoutKernel).variance.dataSync()[0]);
    expect(spread).toBeGreaterThan(0.018);
    expect(spread).toBeLessThan(0.022);
    expect(gan.latentDim).toBe(2);
    expect(gan.packing).toBe(2);
    expect(gan.preset).toBe(MLP_GAN_PRESETS.pacgan);
    const classes = gan.generator.layers.map((l) => l.getClassName());
    expect(classes.filter((c) => c === 'BatchNormalization')).toHaveLength(4);
    expect(classes.filter((c) => c === 'Dense')).toHaveLength(5);
    expect(gan.discriminator.layers.filter((l) => l.getClassName() === 'TfgenMaxout')).toHaveLength(3);
    const x = normal(new Rng(1), [6, 2]);
    expect(out(gan.generator, x).shape).toEqual([6, 2]);
    expect(out(gan.discriminator, x).shape).toEqual([3, 1]);
  });

  it('builds the unrolled-GAN preset with a 256-D latent and x/4 input scaling', () => {
    const gan = mlpGan({ preset: 'unrolled' });
    expect(gan.latentDim).toBe(256);
    expect(gan.preset?.training.unrollSteps).toBe(5);
    expect(gan.discriminator.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Rescaling', 'Dense', 'Activation', 'Dense']);
    const z = normal(new Rng(1), [4, 256]);
    expect(out(gan.generator, z).shape).toEqual([4, 2]);
    // Orthogonal initialization with gain 0.8: W^T W = 0.64 I for the 256x128 first kernel and the 128x2 output kernel.
    const first = gan.generator.layers.find((l) => l.getClassName() === 'Dense')!.getWeights()[0];
    expect(first.shape).toEqual([256, 128]);
    const gram = tf.matMul(first, first, true, false);
    expect(maxAbsDiff(gram, tf.mul(tf.eye(128), 0.64))).toBeLessThan(1e-4);
    const last = gan.generator.getLayer('sample').getWeights()[0]; // [128, 2]
    expect(maxAbsDiff(tf.matMul(last, last, true, false), tf.mul(tf.eye(2), 0.64))).toBeLessThan(1e-5);
  });

  it('trains under the unrolled GAN step it was made for (its Rescaling layer unrolls too)', () => {
    const gan = mlpGan({ preset: 'unrolled', seed: 3 });
    const step = createGan({ generator: gan.generator, discriminator: gan.discriminator, latentDim: gan.latentDim, variant: vanillaGan(), unrolled: { steps: 2 } });
    const batch = { x: normal(new Rng(4), [16, 2]) };
    const rng = new Rng(5);
    step.trainStep(batch, { step: 0, rng });
    const before = tf.memory().numTensors;
    const metrics = step.trainStep(batch, { step: 1, rng });
    expect(tf.memory().numTensors).toBe(before);
    expect(Number.isFinite(metrics['loss/generator'])).toBe(true);
    step.dispose();
    batch.x.dispose();
  });

  it('is reproducible from a seed, trains one step without leaks and reloads identically', async () => {
    const a = mlpGan({ hiddenUnits: 16, hiddenLayers: 2, dataDim: 3, latentDim: 4, seed: 5, packing: 2, batchNorm: true });
    const b = mlpGan({ hiddenUnits: 16, hiddenLayers: 2, dataDim: 3, latentDim: 4, seed: 5, packing: 2, batchNorm: true });
    a.generator.getWeights().forEach((w, i) => expect(maxAbsDiff(w, b.generator.getWeights()[i])).toBe(0));
    const real = normal(new Rng(2), [8, 3]);
    trainOnce({ generator: a.generator, discriminator: a.discriminator, real, latentDim: 4 });
    await expectSameAfterReload(a.generator, normal(new Rng(3), [5, 4]));
    await expectSameAfterReload(a.discriminator, real);
  });

  it('rejects bad options with the argument named', () => {
    expect(() => mlpGan({ preset: 'wgan' as never })).toThrow(/options.preset: expected one of "pacgan", "unrolled"/);
    expect(() => mlpGan({ hiddenUnits: 0 })).toThrow(ArgumentError);
    expect(() => mlpGan({ activation: 'swish' as never })).toThrow(/options.activation/);
  });
});

describe('dcgan', () => {
  for (const imageShape of [[28, 28, 1], [32, 32, 3], [64, 64, 3]] as const) {
    it(`gives ${imageShape.join('x')} images and [N, 1] logits`, () => {
      const gan = dcgan({ imageShape, latentDim: 8, width: 2 });
      const images = noLeak(() => tf.tidy(() => out(gan.generator, normal(new Rng(1), [2, 8])).shape));
      expect(images).toEqual([2, ...imageShape]);
      const logits = out(gan.discriminator, tf.zeros([2, ...imageShape]));
      expect(logits.shape).toEqual([2, 1]);
      const classes = gan.discriminator.layers.map((l) => l.getClassName());
      expect(classes).toContain('LeakyReLU');
      expect(classes).toContain('BatchNormalization');
      expect(gan.generator.layers.map((l) => l.getClassName())).toContain('BatchNormalization');
    });
  }

  it('criticSafe removes batch norm from D only', () => {
    const gan = dcgan({ imageShape: [32, 32, 3], width: 2, criticSafe: true });
    expect(gan.discriminator.layers.map((l) => l.getClassName())).not.toContain('BatchNormalization');
    expect(gan.generator.layers.map((l) => l.getClassName())).toContain('BatchNormalization');
    // Per-example independence: a critic without batch statistics scores an image the same in any batch.
    const rng = new Rng(4);
    const x = normal(rng, [3, 32, 32, 3]);
    const alone = gan.discriminator.apply(tf.slice(x, [0], [1]), { training: true }) as tf.Tensor;
    const inBatch = tf.slice(gan.discriminator.apply(x, { training: true }) as tf.Tensor, [0], [1]);
    expect(maxAbsDiff(alone, inBatch)).toBeLessThan(1e-5);
  });

  it('trains one step (28x28) without leaks and reloads identically', async () => {
    const gan = dcgan({ imageShape: [28, 28, 1], latentDim: 8, width: 4, seed: 1 });
    const real = tf.tanh(normal(new Rng(2), [4, 28, 28, 1]));
    trainOnce({ generator: gan.generator, discriminator: gan.discriminator, real, latentDim: 8 });
    await expectSameAfterReload(gan.generator, normal(new Rng(3), [2, 8]));
    await expectSameAfterReload(gan.discriminator, real);
  });

  it('rejects non-square, odd-sized and many-channel images and bad widths', () => {
    expect(() => dcgan({ imageShape: [28, 32, 1] })).toThrow(/options.imageShape: expected a square image/);
    expect(() => dcgan({ imageShape: [27, 27, 1] })).toThrow(/b \* 2\^k/);
    expect(() => dcgan({ imageShape: [32, 32, 2] })).toThrow(/channels.*1, 3 or 4 channels, got 2/);
    expect(() => dcgan({ imageShape: [32, 32, 3], width: 1.5 })).toThrow(/options.width/);
    expect(() => dcgan(undefined as never)).toThrow(/dcgan options/);
  });
});

describe('spectralNorm option', () => {
  it('wraps every discriminator layer of mlpGan and dcgan (no batch norm left) and trains', () => {
    const mlp = mlpGan({ hiddenUnits: 8, hiddenLayers: 2, latentDim: 3, spectralNorm: true, seed: 2 });
    const mlpClasses = mlp.discriminator.layers.map((l) => l.getClassName());
    expect(mlpClasses.filter((c) => c === 'SpectralNormalization')).toHaveLength(3);
    expect(mlpClasses).not.toContain('Dense');
    expect(mlp.generator.layers.map((l) => l.getClassName())).not.toContain('SpectralNormalization');
    trainOnce({ generator: mlp.generator, discriminator: mlp.discriminator, real: normal(new Rng(3), [8, 2]), latentDim: 3 });

    const conv = dcgan({ imageShape: [28, 28, 1], width: 4, latentDim: 8, spectralNorm: true, seed: 2 });
    const convClasses = conv.discriminator.layers.map((l) => l.getClassName());
    expect(convClasses.filter((c) => c === 'SpectralNormalization')).toHaveLength(3);
    expect(convClasses).not.toContain('BatchNormalization');
    expect(convClasses).not.toContain('Conv2D');
    trainOnce({ generator: conv.generator, discriminator: conv.discriminator, real: normal(new Rng(4), [4, 28, 28, 1]), latentDim: 8 });
  });

  it('rejects bad values and maxout discriminators', () => {
    expect(() => mlpGan({ spectralNorm: 'yes' as never })).toThrow(/options\.spectralNorm: expected a boolean, got "yes"/);
    expect(() => mlpGan({ preset: 'pacgan', spectralNorm: true })).toThrow(/options\.spectralNorm: expected false with maxout/);
    expect(() => dcgan({ imageShape: [28, 28, 1], spectralNorm: 1 as never })).toThrow(/options\.spectralNorm: expected a boolean/);
  });
});

describe('snganResnet', () => {
  it('has residual blocks, spectral norm on every D weight layer and the hinge preset', () => {
    const gan = snganResnet({ width: 4, latentDim: 8 });
    expect(gan.preset).toBe(SNGAN_RESNET_PRESET);
    expect(gan.preset.loss).toBe('hinge');
    const dClasses = gan.discriminator.layers.map((l) => l.getClassName());
    expect(dClasses.filter((c) => c === 'Conv2D' || c === 'Dense')).toHaveLength(0);
    // opt block: 3 convs; 1 down block: 3 convs; 2 plain blocks: 2 convs each; dense: 1.
    expect(dClasses.filter((c) => c === 'SpectralNormalization')).toHaveLength(3 + 3 + 4 + 1);
    expect(dClasses.filter((c) => c === 'Add')).toHaveLength(4);
    expect(gan.generator.layers.filter((l) => l.getClassName() === 'Add')).toHaveLength(3);
    const images = out(gan.generator, normal(new Rng(1), [2, 8]));
    expect(images.shape).toEqual([2, 32, 32, 3]);
    expect(out(gan.discriminator, images).shape).toEqual([2, 1]);
  });

  it('trains one step without leaks and reloads identically (spectral norm included)', async () => {
    const gan = snganResnet({ imageShape: [16, 16, 3], width: 2, latentDim: 4, seed: 3 });
    const real = tf.tanh(normal(new Rng(2), [2, 16, 16, 3]));
    const metrics = trainOnce({ generator: gan.generator, discriminator: gan.discriminator, real, latentDim: 4, variant: snganResnetVariant({ discriminatorSteps: 1 }) });
    expect(metrics['loss/discriminator']).toBeGreaterThan(0); // hinge: 2 at D = 0, positive unless both margins are met
    await expectSameAfterReload(gan.generator, normal(new Rng(3), [2, 4]));
    await expectSameAfterReload(gan.discriminator, real);
  });
});

describe('conditionalGan', () => {
  const labels = tf.tensor2d([0, 1, 2, 1], [4, 1], 'int32');

  for (const kind of ['concat', 'acgan', 'projection'] as const) {
    it(`${kind}: shapes, one step without leaks, reload, and class-dependent output`, async () => {
      const imageShape = kind === 'projection' ? ([16, 16, 3] as const) : ([28, 28, 1] as const);
      const gan = conditionalGan({ kind, numClasses: 3, imageShape, latentDim: 6, width: kind === 'projection' ? 2 : 4, seed: 2 });
      const z = normal(new Rng(1), [4, 6]);
      const images = out(gan.generator, [z, labels]);
      expect(images.shape).toEqual([4, ...imageShape]);
      const judged = gan.discriminator.predict(gan.discriminatorTakesLabels ? [images, labels] : images) as tf.Tensor | tf.Tensor[];
      if (kind === 'acgan') {
        const [logit, classLogits] = judged as tf.Tensor[];
        expect(logit.shape).toEqual([4, 1]);
        expect(classLogits.shape).toEqual([4, 3]);
      } else {
        expect((judged as tf.Tensor).shape).toEqual([4, 1]);
      }

      const real = tf.tanh(normal(new Rng(2), [4, ...imageShape]));
      trainOnce({
        generator: gan.generator,
        discriminator: gan.discriminator,
        real,
        labels: tf.reshape(labels, [4]),
        numClasses: 3,
        latentDim: 6,
        auxiliaryClassifier: kind === 'acgan',
      });
      // The same latent with another class gives another image (after a step: CBN starts at gamma 1, beta 0 for all classes).
      const sameZ = tf.concat([tf.slice(z, [0], [1]), tf.slice(z, [0], [1])]);
      const twoClasses = out(gan.generator, [sameZ, tf.tensor2d([0, 2], [2, 1], 'int32')]);
      const [first, second] = [tf.slice(twoClasses, [0], [1]), tf.slice(twoClasses, [1], [1])];
      expect(maxAbsDiff(first, second) / tf.max(tf.abs(first)).dataSync()[0]).toBeGreaterThan(1e-3);
      await expectSameAfterReload(gan.generator, [z, labels]);
      if (kind !== 'acgan') await expectSameAfterReload(gan.discriminator, [real, labels]);
      else {
        const loaded = await saveAndLoad(gan.discriminator);
        const [a, b] = [gan.discriminator.predict(real) as tf.Tensor[], loaded.predict(real) as tf.Tensor[]];
        expect(maxAbsDiff(a[1], b[1])).toBe(0);
        expect(maxAbsDiff(a[0], b[0])).toBe(0);
      }
    });
  }

  it('projection D uses class-conditional BN in G and a projection head in D', () => {
    const gan = conditionalGan({ kind: 'projection', numClasses: 5, imageShape: [32, 32, 3], width: 2, latentDim: 4 });
    expect(gan.generator.layers.filter((l) => l.getClassName() === 'TfgenConditionalBatchNorm').length).toBe(7);
    expect(gan.discriminator.layers.map((l) => l.getClassName())).toContain('Dot');
    // Projection: D(x, y) - D(x, y') = <e_y - e_y', phi(x)>, so the logit changes with the label.
    const x = normal(new Rng(5), [2, 32, 32, 3]);
    const a = out(gan.discriminator, [x, tf.tensor2d([0, 0], [2, 1], 'int32')]);
    const b = out(gan.discriminator, [x, tf.tensor2d([4, 4], [2, 1], 'int32')]);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(1e-6);
  });

  it('sampleByClass draws one reproducible image per class id and checks the ids', () => {
    const gan = conditionalGan({ kind: 'concat', numClasses: 4, imageShape: [28, 28, 1], latentDim: 5, width: 2 });
    const a = noLeak(() => tf.tidy(() => sampleByClass(gan.generator, [0, 3, 3], new Rng(7)).arraySync()));
    const b = sampleByClass(gan.generator, Int32Array.from([0, 3, 3]), new Rng(7));
    expect(b.shape).toEqual([3, 28, 28, 1]);
    expect(maxAbsDiff(tf.tensor(a), b)).toBe(0);
    expect(() => sampleByClass(gan.generator, [4], new Rng(1))).toThrow(/labels\[0\]: expected an integer class id in \[0, 3\], got 4/);
    expect(() => sampleByClass(dcgan({ imageShape: [28, 28, 1], width: 2 }).generator, [0], new Rng(1))).toThrow(/inputs \[z, labels\]/);
  });

  it('auxiliaryClassifierLoss is the mean softmax cross-entropy (closed form)', () => {
    const logits = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
    const loss = auxiliaryClassifierLoss(logits, tf.tensor1d([2, 0], 'int32')).dataSync()[0];
    const ce1 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
    const ce2 = Math.log(3);
    expect(loss).toBeCloseTo((ce1 + ce2) / 2, 5);
    expect(() => auxiliaryClassifierLoss(logits, tf.tensor1d([1], 'int32'))).toThrow(/labels: expected shape \[2\] or \[2, 1\]/);
  });

  it('criticSafe drops batch norm from concat and AC-GAN discriminators', () => {
    for (const kind of ['concat', 'acgan'] as const) {
      const safe = conditionalGan({ kind, numClasses: 3, imageShape: [28, 28, 1], width: 2, criticSafe: true });
      const plain = conditionalGan({ kind, numClasses: 3, imageShape: [28, 28, 1], width: 2 });
      expect(safe.discriminator.layers.map((l) => l.getClassName())).not.toContain('BatchNormalization');
      expect(plain.discriminator.layers.map((l) => l.getClassName())).toContain('BatchNormalization');
    }
  });

  it('rejects a bad kind and fewer than two classes', () => {
    expect(() => conditionalGan({ kind: 'infogan' as never, numClasses: 3, imageShape: [28, 28, 1] })).toThrow(/options.kind/);
    expect(() => conditionalGan({ kind: 'concat', numClasses: 1, imageShape: [28, 28, 1] })).toThrow(/options.numClasses: expected an integer >= 2, got 1/);
    expect(() => conditionalGan({ kind: 'projection', numClasses: 3, imageShape: [30, 30, 3] })).toThrow(/options.imageShape/);
  });
});
