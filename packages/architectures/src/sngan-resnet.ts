import * as tfl from '@tensorflow/tfjs-layers';
import { type Rng, expectInteger, withSeededRandom } from '@tfgen/core';
import { type GanVariant, snganHinge, spectralNorm } from '@tfgen/strategies';
import { ConditionalBatchNorm } from './conditional-batch-norm';
import { Downsample2x } from './downsample2x';
import { GlobalSumPooling } from './global-sum-pooling';
import { type ImageShape, type ResolutionPlan, checkImageShape, checkOptions, rngFrom } from './options';

type Sym = tfl.SymbolicTensor;

/**
 * The SNGAN ResNet training recipe (Miyato et al. 2018, CIFAR-10 ResNet): hinge loss, Adam with
 * lr 2e-4, beta1 0, beta2 0.9, five discriminator steps per generator step, batch 64.
 */
export const SNGAN_RESNET_PRESET = {
  description: 'SNGAN ResNet (Miyato et al. 2018): hinge loss, Adam(2e-4, 0, 0.9), 5 D steps per G step',
  loss: 'hinge',
  discriminatorSteps: 5,
  optimizer: { kind: 'adam', learningRate: 2e-4, beta1: 0, beta2: 0.9 },
  batchSize: 64,
} as const;

/**
 * The {@link SNGAN_RESNET_PRESET} as a GAN variant for `createGan` (hinge loss, Adam 2e-4 / 0 / 0.9,
 * five discriminator steps per generator step unless overridden).
 *
 * @example
 * const gan = createGan({ generator, discriminator, latentDim: 128, variant: snganResnetVariant() });
 */
export function snganResnetVariant(options: { discriminatorSteps?: number } = {}): GanVariant {
  return snganHinge({ discriminatorSteps: options.discriminatorSteps ?? SNGAN_RESNET_PRESET.discriminatorSteps, learningRate: SNGAN_RESNET_PRESET.optimizer.learningRate });
}

/** Options of {@link snganResnet}. */
export interface SnganResnetOptions {
  /** Image shape (default `[32, 32, 3]`); any square b*2^k side with b in 3..7 works. */
  imageShape?: ImageShape;
  /** Latent size (default 128). */
  latentDim?: number;
  /** Discriminator channels; the generator uses twice as many (default 128: G 256, D 128 as in the paper). */
  width?: number;
  /** Power-method steps of the spectral norms per training call (default 1). */
  powerIterations?: number;
  /** Seed or generator for the initial weights (default 0). */
  seed?: number | string | Rng;
}

/** What {@link snganResnet} returns. */
export interface SnganResnet {
  /** `[N, latentDim]` -> `[N, H, W, C]` in (-1, 1). */
  readonly generator: tfl.LayersModel;
  /** `[N, H, W, C]` -> `[N, 1]` logits; spectral norm on every conv and dense layer. */
  readonly discriminator: tfl.LayersModel;
  readonly latentDim: number;
  readonly imageShape: ImageShape;
  /** The training recipe of the paper. */
  readonly preset: typeof SNGAN_RESNET_PRESET;
}

/** @internal Sizes shared by the SNGAN ResNet and the projection cGAN. */
export interface ResnetSizes {
  plan: ResolutionPlan;
  imageShape: ImageShape;
  latentDim: number;
  generatorWidth: number;
  discriminatorWidth: number;
  powerIterations: number;
  /** Present for the conditional (projection) variant. */
  numClasses?: number;
}

const conv = (filters: number, kernelSize: number) => tfl.layers.conv2d({ filters, kernelSize, padding: 'same', kernelInitializer: 'glorotUniform' });

function normalize(x: Sym, labels: Sym | undefined, numClasses: number | undefined): Sym {
  if (labels && numClasses) return new ConditionalBatchNorm({ numClasses }).apply([x, labels]) as Sym;
  return tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(x) as Sym;
}

function generatorBlock(x: Sym, filters: number, labels: Sym | undefined, numClasses: number | undefined): Sym {
  let h = tfl.layers.reLU().apply(normalize(x, labels, numClasses)) as Sym;
  h = tfl.layers.upSampling2d({ size: [2, 2] }).apply(h) as Sym;
  h = conv(filters, 3).apply(h) as Sym;
  h = tfl.layers.reLU().apply(normalize(h, labels, numClasses)) as Sym;
  h = conv(filters, 3).apply(h) as Sym;
  let shortcut = tfl.layers.upSampling2d({ size: [2, 2] }).apply(x) as Sym;
  shortcut = conv(filters, 1).apply(shortcut) as Sym;
  return tfl.layers.add().apply([h, shortcut]) as Sym;
}

/** @internal ResNet generator with (class-conditional) batch norm: `[z] or [z, labels]` -> images. */
export function resnetGenerator(sizes: ResnetSizes, name: string): tfl.LayersModel {
  const { plan, latentDim, generatorWidth: width, numClasses } = sizes;
  const z = tfl.input({ shape: [latentDim], name: 'latent' });
  const labels = numClasses ? tfl.input({ shape: [1], dtype: 'int32', name: 'label' }) : undefined;
  let h = tfl.layers.dense({ units: plan.base * plan.base * width }).apply(z) as Sym;
  h = tfl.layers.reshape({ targetShape: [plan.base, plan.base, width] }).apply(h) as Sym;
  for (let i = 0; i < plan.doublings; i++) h = generatorBlock(h, width, labels, numClasses);
  h = tfl.layers.reLU().apply(normalize(h, labels, numClasses)) as Sym;
  const images = tfl.layers
    .conv2d({ filters: sizes.imageShape[2], kernelSize: 3, padding: 'same', activation: 'tanh' })
    .apply(h) as Sym;
  return tfl.model({ inputs: labels ? [z, labels] : z, outputs: images, name });
}

/** @internal ResNet discriminator with spectral norm throughout (and a projection head when conditional). */
export function resnetDiscriminator(sizes: ResnetSizes, name: string): tfl.LayersModel {
  const { plan, discriminatorWidth: width, numClasses, powerIterations } = sizes;
  const sn = (layer: tfl.layers.Layer) => spectralNorm(layer, { powerIterations });
  const snConv = (filters: number, kernelSize: number) => sn(conv(filters, kernelSize));
  const relu = (x: Sym) => tfl.layers.reLU().apply(x) as Sym;
  const down = (x: Sym) => new Downsample2x().apply(x) as Sym;

  const image = tfl.input({ shape: [...sizes.imageShape], name: 'image' });
  // Optimized first block: conv, ReLU, conv, pool; shortcut pool then 1x1 conv (no ReLU on the raw image).
  let h = down(snConv(width, 3).apply(relu(snConv(width, 3).apply(image) as Sym)) as Sym);
  let shortcut = snConv(width, 1).apply(down(image)) as Sym;
  h = tfl.layers.add().apply([h, shortcut]) as Sym;
  const downBlocks = Math.max(plan.doublings - 2, 0);
  for (let i = 0; i < downBlocks + 2; i++) {
    const downsample = i < downBlocks;
    let r = snConv(width, 3).apply(relu(h)) as Sym;
    r = snConv(width, 3).apply(relu(r)) as Sym;
    if (downsample) {
      r = down(r);
      shortcut = down(snConv(width, 1).apply(h) as Sym);
    } else {
      shortcut = h;
    }
    h = tfl.layers.add().apply([r, shortcut]) as Sym;
  }
  const features = new GlobalSumPooling().apply(relu(h)) as Sym;
  let logit = sn(tfl.layers.dense({ units: 1, kernelInitializer: 'glorotUniform' })).apply(features) as Sym;
  if (!numClasses) return tfl.model({ inputs: image, outputs: logit, name });
  // Projection (Miyato & Koyama 2018): logit += <embed(y), features>.
  const labels = tfl.input({ shape: [1], dtype: 'int32', name: 'label' });
  let embedded = sn(tfl.layers.embedding({ inputDim: numClasses, outputDim: width, embeddingsInitializer: 'glorotUniform' })).apply(labels) as Sym;
  embedded = tfl.layers.flatten().apply(embedded) as Sym;
  const projection = tfl.layers.dot({ axes: 1 }).apply([embedded, features]) as Sym;
  logit = tfl.layers.add({ name: 'logit' }).apply([logit, projection]) as Sym;
  return tfl.model({ inputs: [image, labels], outputs: logit, name });
}

/** @internal Validates the ResNet options. */
export function resnetSizes(options: SnganResnetOptions & { numClasses?: number }, defaultWidth: number): ResnetSizes {
  const imageShape = (options.imageShape ?? [32, 32, 3]) as ImageShape;
  const plan = checkImageShape(imageShape, 'options.imageShape');
  const width = expectInteger(options.width ?? defaultWidth, 'options.width', 1);
  return {
    plan,
    imageShape: [...imageShape] as unknown as ImageShape,
    latentDim: expectInteger(options.latentDim ?? 128, 'options.latentDim', 1),
    generatorWidth: 2 * width,
    discriminatorWidth: width,
    powerIterations: expectInteger(options.powerIterations ?? 1, 'options.powerIterations', 1),
    ...(options.numClasses === undefined ? {} : { numClasses: options.numClasses }),
  };
}

/**
 * SNGAN ResNet (Miyato et al. 2018): a generator of upsampling residual blocks with batch norm and a
 * discriminator of downsampling residual blocks (optimized first block, global sum pooling) with
 * spectral norm on every layer. Train it with {@link SNGAN_RESNET_PRESET} (hinge loss).
 *
 * @example
 * const { generator, discriminator, preset } = snganResnet({ width: 32, seed: 1 });
 * // preset.loss === 'hinge', preset.discriminatorSteps === 5
 */
export function snganResnet(options: SnganResnetOptions = {}): SnganResnet {
  checkOptions(options, 'snganResnet options');
  const sizes = resnetSizes(options, 128);
  return withSeededRandom(rngFrom(options.seed), () => ({
    generator: resnetGenerator(sizes, 'sngan_generator'),
    discriminator: resnetDiscriminator(sizes, 'sngan_discriminator'),
    latentDim: sizes.latentDim,
    imageShape: sizes.imageShape,
    preset: SNGAN_RESNET_PRESET,
  }));
}
