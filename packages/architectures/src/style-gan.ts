import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, type Rng, ShapeError, expectInteger, expectNumber, withSeededRandom } from '@tfgen/core';
import { MinibatchStddev } from '@tfgen/strategies';
import { ConstantInput } from './constant-input';
import { Downsample2x } from './downsample2x';
import { ModulatedConv2D } from './modulated-conv2d';
import { NoiseInjection } from './noise-injection';
import { type ImageShape, checkImageShape, checkOptions, rngFrom } from './options';
import { PixelNorm } from './pixel-norm';
import { StyleAverage } from './style-average';

type Sym = tfl.SymbolicTensor;

/** Options of {@link styleGan}. */
export interface StyleGanOptions {
  /** Image shape, e.g. `[32, 32, 3]` (4x4 base, 3 blocks) or `[28, 28, 1]` (7x7 base, 2 blocks). */
  imageShape: ImageShape;
  /** Size of the latent z (default 64). */
  latentDim?: number;
  /** Size of the intermediate latent w, the style (default 64). */
  styleDim?: number;
  /** Dense layers of the mapping network z -> w (default 4; StyleGAN uses 8). */
  mappingLayers?: number;
  /** Feature channels at every resolution of G and D (default 64). */
  width?: number;
  /** Decay of the tracked mean style used by the truncation trick (default 0.995). */
  styleAverageDecay?: number;
  /** Examples per group of the discriminator's minibatch-stddev layer (default 4). */
  stddevGroupSize?: number;
  /** Seed or generator for the initial weights (default 0). */
  seed?: number | string | Rng;
}

/** What {@link styleGan} returns. The three generator parts share their weights with `generator`. */
export interface StyleGan {
  /**
   * `z [N, latentDim]` -> images `[N, H, W, C]` (linear output, trained towards [-1, 1]). Inside:
   * the `mapping` model, the `style_average` layer (updates the mean style when called with
   * `training: true`), every style slot fed the same w, and the `synthesis` model.
   */
  readonly generator: tfl.LayersModel;
  /** Residual discriminator with minibatch stddev: images -> `[N, 1]` logits. */
  readonly discriminator: tfl.LayersModel;
  /** `z [N, latentDim]` -> `w [N, styleDim]`. */
  readonly mapping: tfl.LayersModel;
  /** Styles `[N, numStyles, styleDim]` -> images: one style row per modulated convolution. */
  readonly synthesis: tfl.LayersModel;
  readonly latentDim: number;
  readonly styleDim: number;
  /** Style slots (modulated convolutions incl. toRGB), in order from 4x4 to full resolution. */
  readonly numStyles: number;
  readonly imageShape: ImageShape;
}

const lrelu = (x: Sym) => tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x) as Sym;

/**
 * A StyleGAN2-style GAN (Karras et al. 2019, 2020) small enough for CPU and browser training:
 * a mapping network (pixel norm, dense + LeakyReLU) to the style w; a synthesis network from a
 * learned constant through modulated/demodulated 3x3 convolutions with per-layer noise inputs;
 * the skip generator (toRGB at every resolution, upsampled and summed) and a residual
 * discriminator ending in minibatch stddev. Use {@link synthesize} for style mixing and truncation.
 *
 * @example
 * const gan = styleGan({ imageShape: [32, 32, 3], width: 32, seed: 1 });
 * const images = synthesize(gan.generator, { latents: z, mixLatents: z2, crossoverLayer: 4, truncation: 0.7 });
 */
export function styleGan(options: StyleGanOptions): StyleGan {
  checkOptions(options, 'styleGan options');
  const plan = checkImageShape(options.imageShape, 'options.imageShape');
  const imageShape = [...options.imageShape] as unknown as ImageShape;
  const latentDim = expectInteger(options.latentDim ?? 64, 'options.latentDim', 1);
  const styleDim = expectInteger(options.styleDim ?? 64, 'options.styleDim', 1);
  const mappingLayers = expectInteger(options.mappingLayers ?? 4, 'options.mappingLayers', 1);
  const width = expectInteger(options.width ?? 64, 'options.width', 1);
  const decay = expectNumber(options.styleAverageDecay ?? 0.995, 'options.styleAverageDecay', 0, 1);
  const groupSize = expectInteger(options.stddevGroupSize ?? 4, 'options.stddevGroupSize', 1);
  const channels = imageShape[2];
  const numStyles = 2 + 3 * plan.doublings;

  return withSeededRandom(rngFrom(options.seed), () => {
    // Mapping network.
    const z = tfl.input({ shape: [latentDim], name: 'latent' });
    let w = new PixelNorm().apply(z) as Sym;
    for (let i = 0; i < mappingLayers; i++) w = lrelu(tfl.layers.dense({ units: styleDim }).apply(w) as Sym);
    const mapping = tfl.model({ inputs: z, outputs: w, name: 'mapping' });

    // Synthesis network (skip architecture).
    const styles = tfl.input({ shape: [numStyles, styleDim], name: 'styles' });
    let slot = 0;
    const styledConv = (x: Sym, filters: number, kernelSize: number, demodulate: boolean) =>
      new ModulatedConv2D({ filters, kernelSize, demodulate, styleIndex: slot++ }).apply([x, styles]) as Sym;
    const convBlock = (x: Sym) => lrelu(new NoiseInjection().apply(styledConv(x, width, 3, true)) as Sym);
    const toRgb = (x: Sym) => styledConv(x, channels, 1, false);
    const upsample = (x: Sym) => tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }).apply(x) as Sym;
    let x = new ConstantInput({ size: plan.base, channels: width }).apply(styles) as Sym;
    x = convBlock(x);
    let rgb = toRgb(x);
    for (let i = 0; i < plan.doublings; i++) {
      x = convBlock(upsample(x));
      x = convBlock(x);
      rgb = tfl.layers.add().apply([upsample(rgb), toRgb(x)]) as Sym;
    }
    const synthesis = tfl.model({ inputs: styles, outputs: rgb, name: 'synthesis' });

    // Generator: z -> w (mean tracked) -> same w in every slot -> image.
    const latent = tfl.input({ shape: [latentDim], name: 'latent' });
    const mapped = new StyleAverage({ decay, name: 'style_average' }).apply(mapping.apply(latent)) as Sym;
    const broadcast = tfl.layers.repeatVector({ n: numStyles }).apply(mapped) as Sym;
    const generator = tfl.model({ inputs: latent, outputs: synthesis.apply(broadcast) as Sym, name: 'stylegan_generator' });

    // Residual discriminator with minibatch stddev.
    const image = tfl.input({ shape: [...imageShape], name: 'image' });
    let h = lrelu(tfl.layers.conv2d({ filters: width, kernelSize: 1 }).apply(image) as Sym);
    for (let i = 0; i < plan.doublings; i++) {
      let r = lrelu(tfl.layers.conv2d({ filters: width, kernelSize: 3, padding: 'same' }).apply(h) as Sym);
      r = lrelu(tfl.layers.conv2d({ filters: width, kernelSize: 3, padding: 'same' }).apply(r) as Sym);
      r = new Downsample2x().apply(r) as Sym;
      const skip = tfl.layers.conv2d({ filters: width, kernelSize: 1, useBias: false }).apply(new Downsample2x().apply(h)) as Sym;
      h = tfl.layers.average().apply([r, skip]) as Sym;
    }
    h = new MinibatchStddev({ groupSize }).apply(h) as Sym;
    h = lrelu(tfl.layers.conv2d({ filters: width, kernelSize: 3, padding: 'same' }).apply(h) as Sym);
    h = lrelu(tfl.layers.dense({ units: width }).apply(tfl.layers.flatten().apply(h)) as Sym);
    const logit = tfl.layers.dense({ units: 1, name: 'logit' }).apply(h) as Sym;
    const discriminator = tfl.model({ inputs: image, outputs: logit, name: 'stylegan_discriminator' });

    return { generator, discriminator, mapping, synthesis, latentDim, styleDim, numStyles, imageShape };
  });
}

/** Options of {@link computeStyles} and {@link synthesize}. */
export interface SynthesizeOptions {
  /** Latents z `[N, latentDim]` for the first style slots. */
  latents: tf.Tensor;
  /** Second latents `[N, latentDim]` whose styles replace the first from `crossoverLayer` on (style mixing). */
  mixLatents?: tf.Tensor;
  /** First style slot that takes the second latent's style (default: half of the slots). */
  crossoverLayer?: number;
  /** Truncation psi: `w <- w_avg + psi (w - w_avg)`; 1 (default) leaves w, 0 gives the mean style. */
  truncation?: number;
  /** Makes the noise inputs reproducible (they draw from `Math.random` otherwise). */
  rng?: Rng;
}

interface StyleParts {
  mapping: tfl.LayersModel;
  average: StyleAverage;
  synthesis: tfl.LayersModel;
  numStyles: number;
  latentDim: number;
}

function partsOf(generator: tfl.LayersModel): StyleParts {
  const find = (name: string) => generator.layers.find((l) => l.name === name);
  const mapping = find('mapping');
  const average = find('style_average');
  const synthesis = find('synthesis');
  if (!(mapping instanceof tfl.LayersModel) || !(average instanceof StyleAverage) || !(synthesis instanceof tfl.LayersModel)) {
    throw new ArgumentError('generator', 'a styleGan generator (layers mapping, style_average, synthesis)', generator?.name);
  }
  return {
    mapping,
    average,
    synthesis,
    numStyles: synthesis.inputs[0].shape[1] as number,
    latentDim: mapping.inputs[0].shape[1] as number,
  };
}

/**
 * The per-slot styles `[N, numStyles, styleDim]` a styleGan generator would use: w = mapping(z),
 * truncated towards the tracked mean style, with slots from `crossoverLayer` on taken from
 * `mixLatents` when given. Works on loaded generators too.
 */
export function computeStyles(generator: tfl.LayersModel, options: SynthesizeOptions): tf.Tensor3D {
  const parts = partsOf(generator);
  const { latents, mixLatents } = options;
  const checkLatents = (t: tf.Tensor | undefined, name: string) => {
    if (!(t instanceof tf.Tensor) || t.rank !== 2 || t.shape[1] !== parts.latentDim) {
      throw new ShapeError(name, `a tensor of shape [N, ${parts.latentDim}]`, t);
    }
  };
  checkLatents(latents, 'options.latents');
  if (mixLatents !== undefined) {
    checkLatents(mixLatents, 'options.mixLatents');
    if (mixLatents.shape[0] !== latents.shape[0]) throw new ShapeError('options.mixLatents', `${latents.shape[0]} rows like latents`, mixLatents.shape);
  }
  const crossover = expectInteger(options.crossoverLayer ?? Math.floor(parts.numStyles / 2), 'options.crossoverLayer', 0, parts.numStyles);
  const psi = expectNumber(options.truncation ?? 1, 'options.truncation', -Infinity, Infinity);
  return tf.tidy(() => {
    const styleOf = (z: tf.Tensor) => {
      const w = parts.mapping.predict(z) as tf.Tensor;
      return psi === 1 ? w : parts.average.truncate(w, psi);
    };
    const first = tf.tile(tf.expandDims(styleOf(latents), 1), [1, parts.numStyles, 1]);
    if (mixLatents === undefined || crossover === parts.numStyles) return first as tf.Tensor3D;
    const second = tf.tile(tf.expandDims(styleOf(mixLatents), 1), [1, parts.numStyles - crossover, 1]);
    return tf.concat([tf.slice(first, [0, 0, 0], [-1, crossover, -1]), second], 1) as tf.Tensor3D;
  });
}

/**
 * Generates images from a styleGan generator with explicit control of the styles: style mixing
 * (two latents, crossover slot) and the truncation trick. Returns `[N, H, W, C]`; dispose it.
 *
 * @example
 * const mixed = synthesize(gan.generator, { latents: zA, mixLatents: zB, crossoverLayer: 2, rng: new Rng(1) });
 */
export function synthesize(generator: tfl.LayersModel, options: SynthesizeOptions): tf.Tensor4D {
  const parts = partsOf(generator);
  const run = () =>
    tf.tidy(() => {
      const styles = computeStyles(generator, options);
      return parts.synthesis.predict(styles) as tf.Tensor4D;
    });
  return options.rng ? withSeededRandom(options.rng, run) : run();
}

/** The tracked mean style `w_avg` `[styleDim]` of a styleGan generator (a new tensor; dispose it). */
export function meanStyle(generator: tfl.LayersModel): tf.Tensor1D {
  return partsOf(generator).average.mean();
}
