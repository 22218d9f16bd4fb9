import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, type Rng, expectInteger, withSeededRandom } from '@tfgen/core';
import { type ImageShape, type LayerWrapper, type ResolutionPlan, checkImageShape, checkOptions, rngFrom, spectralNormOption } from './options';

/** Options of {@link dcgan}. */
export interface DcganOptions {
  /** `[28, 28, 1]`, `[32, 32, 3]`, `[64, 64, 3]` or another square b*2^k image (b in 3..7). */
  imageShape: ImageShape;
  /** Latent size (default 100). */
  latentDim?: number;
  /** Channels of the widest-resolution layer; the others double per halving (default 64). */
  width?: number;
  /**
   * Build a critic safe under gradient penalties: no batch norm in the discriminator, whose
   * per-example gradients batch statistics would couple (WGAN-GP, Gulrajani et al. 2017). Layer
   * norm is not used either: its second-order gradient is missing in tfjs 4.22.
   */
  criticSafe?: boolean;
  /**
   * Spectral normalization (Miyato et al. 2018) on every discriminator layer, which then has no
   * batch norm (as in SNGAN). Default false.
   */
  spectralNorm?: boolean;
  /** Seed or generator for the initial weights (default 0). */
  seed?: number | string | Rng;
}

/** What {@link dcgan} returns. */
export interface Dcgan {
  /** `[N, latentDim]` -> `[N, H, W, C]` in (-1, 1) (tanh). */
  readonly generator: tfl.LayersModel;
  /** `[N, H, W, C]` -> `[N, 1]` logits. */
  readonly discriminator: tfl.LayersModel;
  readonly latentDim: number;
  readonly imageShape: ImageShape;
}

/** The DCGAN initializer: N(0, 0.02) (Radford et al. 2016). */
export function dcganInit(): ReturnType<typeof tfl.initializers.randomNormal> {
  return tfl.initializers.randomNormal({ mean: 0, stddev: 0.02 });
}

function batchNorm(x: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return tfl.layers
    .batchNormalization({ momentum: 0.9, epsilon: 1e-5, gammaInitializer: tfl.initializers.randomNormal({ mean: 1, stddev: 0.02 }) })
    .apply(x) as tfl.SymbolicTensor;
}

/** @internal DCGAN generator body from a flat code (latent, maybe with a label embedding) to images. */
export function dcganGeneratorBody(code: tfl.SymbolicTensor, plan: ResolutionPlan, width: number, channels: number): tfl.SymbolicTensor {
  const { base, doublings } = plan;
  const startChannels = width * 2 ** (doublings - 1);
  let h = tfl.layers.dense({ units: base * base * startChannels, useBias: false, kernelInitializer: dcganInit() }).apply(code) as tfl.SymbolicTensor;
  h = tfl.layers.reshape({ targetShape: [base, base, startChannels] }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.reLU().apply(batchNorm(h)) as tfl.SymbolicTensor;
  for (let i = 0; i < doublings - 1; i++) {
    const filters = width * 2 ** (doublings - 2 - i);
    h = tfl.layers
      .conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: dcganInit() })
      .apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.reLU().apply(batchNorm(h)) as tfl.SymbolicTensor;
  }
  return tfl.layers
    .conv2dTranspose({ filters: channels, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh', kernelInitializer: dcganInit() })
    .apply(h) as tfl.SymbolicTensor;
}

/** @internal DCGAN discriminator trunk: strided 4x4 convs with LeakyReLU(0.2), flattened features. */
export function dcganDiscriminatorTrunk(
  image: tfl.SymbolicTensor,
  plan: ResolutionPlan,
  width: number,
  normalize: boolean,
  wrap: LayerWrapper = (layer) => layer,
): tfl.SymbolicTensor {
  let h = image;
  for (let i = 0; i < plan.doublings; i++) {
    const useNorm = normalize && i > 0;
    h = wrap(tfl.layers.conv2d({ filters: width * 2 ** i, kernelSize: 4, strides: 2, padding: 'same', useBias: !useNorm, kernelInitializer: dcganInit() }))
      .apply(h) as tfl.SymbolicTensor;
    if (useNorm) h = batchNorm(h);
    h = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tfl.SymbolicTensor;
  }
  return tfl.layers.flatten().apply(h) as tfl.SymbolicTensor;
}

/** @internal Validates the shared DCGAN-family options. */
export function dcganSizes(options: { imageShape: unknown; latentDim?: unknown; width?: unknown }, defaults: { latentDim: number; width: number }) {
  const plan = checkImageShape(options.imageShape, 'options.imageShape');
  const latentDim = expectInteger(options.latentDim ?? defaults.latentDim, 'options.latentDim', 1);
  const width = expectInteger(options.width ?? defaults.width, 'options.width', 1);
  return { plan, latentDim, width, imageShape: [...(options.imageShape as number[])] as unknown as ImageShape };
}

/**
 * DCGAN (Radford et al. 2016): a generator of transposed 4x4 stride-2 convolutions with batch
 * norm and ReLU (tanh output) and a discriminator of 4x4 stride-2 convolutions with LeakyReLU(0.2)
 * and batch norm after the first layer. `criticSafe: true` drops the discriminator's batch norm for
 * gradient penalties.
 *
 * @example
 * const { generator, discriminator } = dcgan({ imageShape: [28, 28, 1], width: 32, seed: 7 });
 */
export function dcgan(options: DcganOptions): Dcgan {
  checkOptions(options, 'dcgan options');
  const { plan, latentDim, width, imageShape } = dcganSizes(options, { latentDim: 100, width: 64 });
  const criticSafe = options.criticSafe ?? false;
  if (typeof criticSafe !== 'boolean') throw new ArgumentError('options.criticSafe', 'a boolean', criticSafe);
  const { enabled: spectralNorm, wrap } = spectralNormOption(options.spectralNorm);
  return withSeededRandom(rngFrom(options.seed), () => {
    const z = tfl.input({ shape: [latentDim], name: 'latent' });
    const images = dcganGeneratorBody(z, plan, width, imageShape[2]);
    const generator = tfl.model({ inputs: z, outputs: images, name: 'dcgan_generator' });
    const x = tfl.input({ shape: [...imageShape], name: 'image' });
    const features = dcganDiscriminatorTrunk(x, plan, width, !criticSafe && !spectralNorm, wrap);
    const logit = wrap(tfl.layers.dense({ units: 1, kernelInitializer: dcganInit(), name: 'logit' })).apply(features) as tfl.SymbolicTensor;
    const name = spectralNorm ? 'dcgan_sn_discriminator' : criticSafe ? 'dcgan_critic' : 'dcgan_discriminator';
    const discriminator = tfl.model({ inputs: x, outputs: logit, name });
    return { generator, discriminator, latentDim, imageShape };
  });
}
