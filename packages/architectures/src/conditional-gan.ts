import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, type Rng, expectInteger, expectOneOf, withSeededRandom } from '@tfgen/core';
import { dcganDiscriminatorTrunk, dcganGeneratorBody, dcganInit, dcganSizes } from './dcgan';
import { type ImageShape, checkOptions, rngFrom } from './options';
import { resnetDiscriminator, resnetGenerator, resnetSizes } from './sngan-resnet';

type Sym = tfl.SymbolicTensor;

/** The conditional GAN families {@link conditionalGan} builds. */
export const CONDITIONAL_GAN_KINDS = ['concat', 'acgan', 'projection'] as const;
/** One of {@link CONDITIONAL_GAN_KINDS}. */
export type ConditionalGanKind = (typeof CONDITIONAL_GAN_KINDS)[number];

/** Options of {@link conditionalGan}. */
export interface ConditionalGanOptions {
  /**
   * `concat`: Mirza & Osindero 2014 on DCGAN bodies, a label embedding concatenated to z in G and
   * to the image (as an extra channel) in D. `acgan`: Odena et al. 2017, G as `concat`, D with two
   * outputs `[adversarial logit, class logits]`. `projection`: Miyato & Koyama 2018, a ResNet G with
   * class-conditional batch norm and a spectrally normalized ResNet D with a projection head.
   */
  kind: ConditionalGanKind;
  /** Number of classes (at least 2). */
  numClasses: number;
  /** Image shape, e.g. `[28, 28, 1]` or `[32, 32, 3]`. */
  imageShape: ImageShape;
  /** Latent size (default 100 for concat/acgan, 128 for projection). */
  latentDim?: number;
  /** Channel width (DCGAN width for concat/acgan, default 64; D width for projection, default 128). */
  width?: number;
  /** Size of G's label embedding for concat/acgan (default 50). */
  labelEmbeddingDim?: number;
  /** No batch norm in D for concat/acgan, for gradient penalties (default false). */
  criticSafe?: boolean;
  /** Spectral-norm power iterations for projection (default 1). */
  powerIterations?: number;
  /** Seed or generator for the initial weights (default 0). */
  seed?: number | string | Rng;
}

/** What {@link conditionalGan} returns. */
export interface ConditionalGan {
  /** Inputs `[z [N, latentDim], labels [N, 1] int32]` -> images `[N, H, W, C]` in (-1, 1). */
  readonly generator: tfl.LayersModel;
  /**
   * concat/projection: inputs `[images, labels]` -> `[N, 1]` logits. acgan: input images ->
   * outputs `[adversarial logits [N, 1], class logits [N, numClasses]]`.
   */
  readonly discriminator: tfl.LayersModel;
  readonly latentDim: number;
  readonly numClasses: number;
  readonly imageShape: ImageShape;
  readonly kind: ConditionalGanKind;
  /** Whether the discriminator takes the labels as its second input (concat, projection). */
  readonly discriminatorTakesLabels: boolean;
}

function concatGenerator(latentDim: number, numClasses: number, embeddingDim: number, build: (code: Sym) => Sym): tfl.LayersModel {
  const z = tfl.input({ shape: [latentDim], name: 'latent' });
  const labels = tfl.input({ shape: [1], dtype: 'int32', name: 'label' });
  const embedded = tfl.layers.flatten().apply(tfl.layers.embedding({ inputDim: numClasses, outputDim: embeddingDim }).apply(labels)) as Sym;
  const code = tfl.layers.concatenate().apply([z, embedded]) as Sym;
  return tfl.model({ inputs: [z, labels], outputs: build(code), name: 'cgan_generator' });
}

/**
 * Conditional GANs: concatenation cGAN, AC-GAN and the projection discriminator, with class-labelled
 * generators. Labels are int32 class ids of shape `[N, 1]` (tfjs-layers also accepts `[N]` in
 * `apply`). Train AC-GAN with {@link auxiliaryClassifierLoss} added to both players' losses.
 *
 * @example
 * const { generator } = conditionalGan({ kind: 'projection', numClasses: 10, imageShape: [32, 32, 3], width: 32 });
 * const images = sampleByClass(generator, [0, 1, 2], new Rng(1)); // [3, 32, 32, 3]
 */
export function conditionalGan(options: ConditionalGanOptions): ConditionalGan {
  checkOptions(options, 'conditionalGan options');
  const kind = expectOneOf(options.kind, 'options.kind', CONDITIONAL_GAN_KINDS);
  const numClasses = expectInteger(options.numClasses, 'options.numClasses', 2);
  const rng = rngFrom(options.seed);
  if (kind === 'projection') {
    const sizes = resnetSizes({ ...options, numClasses }, 128);
    if (options.imageShape === undefined) throw new ArgumentError('options.imageShape', '[height, width, channels]', undefined);
    return withSeededRandom(rng, () => ({
      generator: resnetGenerator(sizes, 'projection_generator'),
      discriminator: resnetDiscriminator(sizes, 'projection_discriminator'),
      latentDim: sizes.latentDim,
      numClasses,
      imageShape: sizes.imageShape,
      kind,
      discriminatorTakesLabels: true,
    }));
  }
  const { plan, latentDim, width, imageShape } = dcganSizes(options, { latentDim: 100, width: 64 });
  const embeddingDim = expectInteger(options.labelEmbeddingDim ?? 50, 'options.labelEmbeddingDim', 1);
  const criticSafe = options.criticSafe ?? false;
  if (typeof criticSafe !== 'boolean') throw new ArgumentError('options.criticSafe', 'a boolean', criticSafe);
  const [height, imageWidth, channels] = imageShape;
  return withSeededRandom(rng, () => {
    const generator = concatGenerator(latentDim, numClasses, embeddingDim, (code) => dcganGeneratorBody(code, plan, width, channels));
    const image = tfl.input({ shape: [...imageShape], name: 'image' });
    let discriminator: tfl.LayersModel;
    if (kind === 'concat') {
      const labels = tfl.input({ shape: [1], dtype: 'int32', name: 'label' });
      let labelMap = tfl.layers.embedding({ inputDim: numClasses, outputDim: height * imageWidth }).apply(labels) as Sym;
      labelMap = tfl.layers.reshape({ targetShape: [height, imageWidth, 1] }).apply(labelMap) as Sym;
      const joined = tfl.layers.concatenate({ axis: -1 }).apply([image, labelMap]) as Sym;
      const features = dcganDiscriminatorTrunk(joined, plan, width, !criticSafe);
      const logit = tfl.layers.dense({ units: 1, kernelInitializer: dcganInit(), name: 'logit' }).apply(features) as Sym;
      discriminator = tfl.model({ inputs: [image, labels], outputs: logit, name: 'cgan_discriminator' });
    } else {
      const features = dcganDiscriminatorTrunk(image, plan, width, !criticSafe);
      const logit = tfl.layers.dense({ units: 1, kernelInitializer: dcganInit(), name: 'logit' }).apply(features) as Sym;
      const classLogits = tfl.layers.dense({ units: numClasses, kernelInitializer: dcganInit(), name: 'class_logits' }).apply(features) as Sym;
      discriminator = tfl.model({ inputs: image, outputs: [logit, classLogits], name: 'acgan_discriminator' });
    }
    return { generator, discriminator, latentDim, numClasses, imageShape, kind, discriminatorTakesLabels: kind === 'concat' };
  });
}
