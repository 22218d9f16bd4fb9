import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, type Rng, expectInteger, expectOneOf, withSeededRandom } from '@tfgen/core';
import { Maxout } from './maxout';
import { type LayerWrapper, checkOptions, rngFrom, spectralNormOption } from './options';
import { PackSamples } from './pack-samples';

/** Hidden-layer activations the MLP builder accepts. */
export const MLP_ACTIVATIONS = ['relu', 'leakyRelu', 'tanh', 'elu', 'maxout'] as const;
/** One of {@link MLP_ACTIVATIONS}; `maxout` uses {@link Maxout} with `maxoutPieces` pieces. */
export type MlpActivation = (typeof MLP_ACTIVATIONS)[number];

/** Settings of a published 2D-mixture experiment: architecture plus the training recipe. */
export interface MlpGanPreset {
  readonly description: string;
  /** Where the settings come from. */
  readonly source: string;
  readonly latentDim: number;
  /** Initial weights of every kernel (biases start at 0). */
  readonly initializer: { readonly kind: 'normal'; readonly stddev: number } | { readonly kind: 'orthogonal'; readonly gain: number };
  readonly generator: { readonly hiddenUnits: number; readonly hiddenLayers: number; readonly activation: MlpActivation; readonly batchNorm: boolean };
  readonly discriminator: {
    readonly hiddenUnits: number;
    readonly hiddenLayers: number;
    readonly activation: MlpActivation;
    readonly maxoutPieces: number;
    /** Multiplies the discriminator's input first (the unrolled-GAN D divides by 4). */
    readonly inputScale: number;
    /** PacGAN packing degree m (1: no packing). */
    readonly packing: number;
  };
  /** Training recipe for the GAN step (not enforced by the builder). */
  readonly training: {
    readonly loss: 'nonSaturating' | 'minimax';
    readonly optimizer: 'adam';
    readonly learningRate: number;
    /** Generator learning rate when it differs from `learningRate`. */
    readonly generatorLearningRate?: number;
    readonly beta1: number;
    readonly batchSize: number;
    readonly unrollSteps: number;
  };
}

/**
 * The 2D-mixture settings of two published experiments.
 *
 * `pacgan` (Lin et al. 2018), checked against the authors' code (github.com/fjxmlzn/PacGAN,
 * `synthetic_data_experiments/2D{Ring,Grid}_GAN&PacGAN`): G 4 hidden layers of 400 ReLU units with
 * batch norm (no hidden biases), D 3 LinearMaxout layers of 200 units with 5 pieces, weights
 * N(0, 0.02), 2-D standard normal latent, Adam lr 1e-4 with beta1 0.8, batch 100, packing 2 (the
 * paper reports m = 2, 3, 4).
 *
 * `unrolled` (Metz et al. 2017, appendix A, from the paper as we recall it; not checked against
 * code): G 2 hidden layers of 128 ReLU units from a 256-D normal latent, D scales its input by 1/4
 * then 1 hidden layer of 128 ReLU units, orthogonal initialization with gain 0.8, Adam lr 1e-4 with
 * beta1 0.5, 5 unrolling steps. (The authors' public demo notebook uses other settings.)
 */
export const MLP_GAN_PRESETS: Readonly<Record<'pacgan' | 'unrolled', MlpGanPreset>> = {
  pacgan: {
    description: 'PacGAN 2D mixtures (Lin et al. 2018): G 4x400 ReLU+BN, D 3x200 maxout(5), packing 2',
    source: 'github.com/fjxmlzn/PacGAN synthetic_data_experiments config.py and pacgan_task.py',
    latentDim: 2,
    initializer: { kind: 'normal', stddev: 0.02 },
    generator: { hiddenUnits: 400, hiddenLayers: 4, activation: 'relu', batchNorm: true },
    discriminator: { hiddenUnits: 200, hiddenLayers: 3, activation: 'maxout', maxoutPieces: 5, inputScale: 1, packing: 2 },
    training: { loss: 'nonSaturating', optimizer: 'adam', learningRate: 1e-4, beta1: 0.8, batchSize: 100, unrollSteps: 0 },
  },
  unrolled: {
    description: 'Unrolled GAN 2D mixtures (Metz et al. 2017): G 2x128 ReLU from 256-D z, D x/4 then 1x128 ReLU, 5 unrolling steps',
    source: 'Metz et al. 2017, Unrolled Generative Adversarial Networks, appendix A (recalled, not checked against code)',
    latentDim: 256,
    initializer: { kind: 'orthogonal', gain: 0.8 },
    generator: { hiddenUnits: 128, hiddenLayers: 2, activation: 'relu', batchNorm: false },
    discriminator: { hiddenUnits: 128, hiddenLayers: 1, activation: 'relu', maxoutPieces: 5, inputScale: 0.25, packing: 1 },
    training: { loss: 'minimax', optimizer: 'adam', learningRate: 1e-4, beta1: 0.5, batchSize: 512, unrollSteps: 5 },
  },
};

/** Options of {@link mlpGan}. */
export interface MlpGanOptions {
  /** Dimension of the data points (default 2). */
  dataDim?: number;
  /** Latent size (default 2, or the preset's). */
  latentDim?: number;
  /** Units per hidden layer of both networks (default 128, or the preset's per network). */
  hiddenUnits?: number;
  /** Hidden layers of both networks (default 2, or the preset's per network). */
  hiddenLayers?: number;
  /** Hidden activation of both networks (default 'relu', or the preset's per network). */
  activation?: MlpActivation;
  /** Batch norm after each generator hidden layer (default false, PacGAN preset true). */
  batchNorm?: boolean;
  /** Pieces of maxout units (default 5). */
  maxoutPieces?: number;
  /** PacGAN packing degree of the discriminator (default 1, PacGAN preset 2). */
  /** Spectral normalization on every discriminator Dense layer (not with maxout). Default false. */
  spectralNorm?: boolean;
  packing?: number;
  /** Start from a published experiment's settings; explicit options override them. */
  preset?: 'pacgan' | 'unrolled';
  /** Seed or generator for the initial weights (default 0). */
  seed?: number | string | Rng;
}

/** What {@link mlpGan} returns. */
export interface MlpGan {
  /** `[N, latentDim]` -> `[N, dataDim]`, linear output. */
  readonly generator: tfl.LayersModel;
  /** `[N, dataDim]` -> `[N / packing, 1]` logits. */
  readonly discriminator: tfl.LayersModel;
  readonly latentDim: number;
  readonly dataDim: number;
  readonly packing: number;
  /** The preset used, with its training recipe, if any. */
  readonly preset?: MlpGanPreset;
}

/**
 * Fully connected GAN for low-dimensional data such as 2D Gaussian mixtures.
 *
 * @example
 * const { generator, discriminator } = mlpGan({ preset: 'pacgan', seed: 1 });
 * const points = generator.predict(tf.randomNormal([100, 2])); // [100, 2]
 */
export function mlpGan(options: MlpGanOptions = {}): MlpGan {
  checkOptions(options, 'mlpGan options');
  const preset = options.preset === undefined ? undefined : MLP_GAN_PRESETS[expectOneOf(options.preset, 'options.preset', ['pacgan', 'unrolled'])];
  const dataDim = expectInteger(options.dataDim ?? 2, 'options.dataDim', 1);
  const latentDim = expectInteger(options.latentDim ?? preset?.latentDim ?? 2, 'options.latentDim', 1);
  const units = (fallback: number | undefined) => expectInteger(options.hiddenUnits ?? fallback ?? 128, 'options.hiddenUnits', 1);
  const layers = (fallback: number | undefined) => expectInteger(options.hiddenLayers ?? fallback ?? 2, 'options.hiddenLayers', 1);
  const act = (fallback: MlpActivation | undefined) => expectOneOf(options.activation ?? fallback ?? 'relu', 'options.activation', MLP_ACTIVATIONS);
  const g = { units: units(preset?.generator.hiddenUnits), layers: layers(preset?.generator.hiddenLayers), activation: act(preset?.generator.activation) };
  const d = { units: units(preset?.discriminator.hiddenUnits), layers: layers(preset?.discriminator.hiddenLayers), activation: act(preset?.discriminator.activation) };
  const batchNorm = options.batchNorm ?? preset?.generator.batchNorm ?? false;
  if (typeof batchNorm !== 'boolean') throw new ArgumentError('options.batchNorm', 'a boolean', batchNorm);
  const maxoutPieces = expectInteger(options.maxoutPieces ?? preset?.discriminator.maxoutPieces ?? 5, 'options.maxoutPieces', 2);
  const packing = expectInteger(options.packing ?? preset?.discriminator.packing ?? 1, 'options.packing', 1);
  const inputScale = preset?.discriminator.inputScale ?? 1;
  const { enabled: spectralNorm, wrap: discriminatorWrap } = spectralNormOption(options.spectralNorm);
  if (spectralNorm && d.activation === 'maxout') throw new ArgumentError('options.spectralNorm', 'false with maxout discriminators (Maxout is not a Dense layer)', spectralNorm);
  const rng = rngFrom(options.seed);

  return withSeededRandom(rng, () => {
    const init = preset?.initializer;
    // Orthogonal kernels are set after building (tfjs' orthogonal initializer needs chained ops and is slow).
    const kernelInitializer = () =>
      init?.kind === 'normal' ? tfl.initializers.randomNormal({ mean: 0, stddev: init.stddev }) : tfl.initializers.glorotUniform({});
    const maxoutStddev = init?.kind === 'normal' ? init.stddev : null;
    const hidden = (x: tfl.SymbolicTensor, width: number, activation: MlpActivation, norm: boolean, wrap: LayerWrapper = (layer) => layer): tfl.SymbolicTensor => {
      if (activation === 'maxout') return new Maxout({ units: width, pieces: maxoutPieces, kernelStddev: maxoutStddev }).apply(x) as tfl.SymbolicTensor;
      let h = wrap(tfl.layers.dense({ units: width, useBias: !norm, kernelInitializer: kernelInitializer() })).apply(x) as tfl.SymbolicTensor;
      if (norm) h = tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(h) as tfl.SymbolicTensor;
      if (activation === 'leakyRelu') return tfl.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tfl.SymbolicTensor;
      return tfl.layers.activation({ activation }).apply(h) as tfl.SymbolicTensor;
    };

    const z = tfl.input({ shape: [latentDim], name: 'latent' });
    let h = z;
    for (let i = 0; i < g.layers; i++) h = hidden(h, g.units, g.activation, batchNorm);
    const generated = tfl.layers.dense({ units: dataDim, kernelInitializer: kernelInitializer(), name: 'sample' }).apply(h) as tfl.SymbolicTensor;
    const generator = tfl.model({ inputs: z, outputs: generated, name: 'mlp_generator' });

    const x = tfl.input({ shape: [dataDim], name: 'data' });
    let f: tfl.SymbolicTensor = x;
    if (inputScale !== 1) f = tfl.layers.rescaling({ scale: inputScale }).apply(f) as tfl.SymbolicTensor;
    if (packing > 1) f = new PackSamples({ packing }).apply(f) as tfl.SymbolicTensor;
    for (let i = 0; i < d.layers; i++) f = hidden(f, d.units, d.activation, false, discriminatorWrap);
    const logit = discriminatorWrap(tfl.layers.dense({ units: 1, kernelInitializer: kernelInitializer(), name: 'logit' })).apply(f) as tfl.SymbolicTensor;
    const discriminator = tfl.model({ inputs: x, outputs: logit, name: 'mlp_discriminator' });
    if (init?.kind === 'orthogonal') {
      for (const model of [generator, discriminator]) {
        for (const layer of model.layers.filter((l) => l.getClassName() === 'Dense')) {
          const [kernel, ...rest] = layer.getWeights();
          const [rows, columns] = kernel.shape;
          const orthogonal = tf.tensor2d(orthogonalMatrix(rows, columns, init.gain, Math.random), [rows, columns]);
          layer.setWeights([orthogonal, ...rest]);
          orthogonal.dispose();
        }
      }
    }
    return { generator, discriminator, latentDim, dataDim, packing, ...(preset ? { preset } : {}) };
  });
}

/**
 * A `rows x columns` matrix with orthonormal columns (or rows, whichever are fewer) times `gain`:
 * Gram-Schmidt on standard normal draws from `random` (Saxe et al. 2014's orthogonal initialization).
 * Row-major values.
 */
export function orthogonalMatrix(rows: number, columns: number, gain: number, random: () => number): Float32Array {
  const count = Math.min(rows, columns);
  const length = Math.max(rows, columns);
  const normal = () => {
    let u = 0;
    while (u === 0) u = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const vectors: Float64Array[] = [];
  while (vectors.length < count) {
    const v = Float64Array.from({ length }, normal);
    for (const q of vectors) {
      let dot = 0;
      for (let i = 0; i < length; i++) dot += v[i] * q[i];
      for (let i = 0; i < length; i++) v[i] -= dot * q[i];
    }
    const norm = Math.sqrt(v.reduce((sum, value) => sum + value * value, 0));
    if (norm < 1e-6) continue; // numerically dependent draw: draw again
    for (let i = 0; i < length; i++) v[i] /= norm;
    vectors.push(v);
  }
  const out = new Float32Array(rows * columns);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < length; i++) {
      // Vectors are the columns when rows >= columns, else the rows.
      const [r, c] = rows >= columns ? [i, k] : [k, i];
      out[r * columns + c] = gain * vectors[k][i];
    }
  }
  return out;
}
