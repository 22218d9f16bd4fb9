import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, withSeededRandom, type TrainableModel } from '@tfgen/core';
import * as explicit from '@tfgen/explicit';
import {
  createGan,
  ganVariants,
  getGanVariant,
  minibatchDiscrimination,
  snganHinge,
  spectralNorm,
  ttur,
  vanillaGan,
  wganGp,
  type Gan,
} from '@tfgen/strategies';

/** One model in the study: GANs and explicit models behind one small interface. */
export interface Contender {
  readonly name: string;
  readonly family: 'GAN' | 'explicit';
  /** What it is, for the report. */
  readonly description: string;
  /** One training step on a batch (points `[n, d]` or images); returns its losses. */
  step(x: tf.Tensor, step: number, rng: Rng): Record<string, number>;
  /** Loss keys to plot and to measure stability on (first one = the "main" loss). */
  readonly lossKeys: readonly string[];
  /** `count` samples in data space (points, or images in [-1, 1]). */
  sample(count: number, rng: Rng): tf.Tensor;
  /** Per-example NLL in nats of held-out data (explicit models only). */
  nll?(x: tf.Tensor, rng: Rng): Float32Array;
  /** Whether the NLL is exact or a bound / importance-sampled estimate. */
  readonly nllKind?: string;
  dispose(): void;
}

/** The GAN recipes the study runs; each is a strategy from @tfgen/strategies on the same networks. */
export const GAN_RECIPES = ['gan', 'unrolled', 'minibatch-disc', 'pacgan2', 'wgan-gp', 'sn-hinge', 'ttur'] as const;
export type GanRecipe = (typeof GAN_RECIPES)[number];

/**
 * A row of the study: one of the built-in recipes, or the name of any variant registered in
 * @tfgen/strategies' `ganVariants` (trained on the plain networks), so a new variant gets a row
 * without edits here.
 */
export type GanRow = GanRecipe | (string & {});

function isRecipe(name: string): name is GanRecipe {
  return (GAN_RECIPES as readonly string[]).includes(name);
}

const RECIPE_DESCRIPTIONS: Record<GanRecipe, string> = {
  gan: 'vanilla GAN (non-saturating loss, Adam 2e-4, beta1 0.5)',
  unrolled: 'unrolled GAN (vanilla + discriminator unrolled k steps, second order)',
  'minibatch-disc': 'vanilla + minibatch discrimination layer before the last dense',
  pacgan2: 'PacGAN2 (vanilla, discriminator sees pairs of samples)',
  'wgan-gp': 'WGAN-GP (5 critic steps, penalty 10, Adam 1e-4, betas 0/0.9)',
  'sn-hinge': 'SN-GAN (spectral norm on every critic layer, hinge loss)',
  ttur: 'TTUR (vanilla loss, Adam G 1e-4 / D 4e-4, betas 0/0.9)',
};

/** Network sizes of one data kind. */
export interface NetworkShape {
  readonly dataDim: number;
  readonly latentDim: number;
  readonly generatorUnits: readonly number[];
  readonly discriminatorUnits: readonly number[];
  /** Output activation of G: linear for 2D points, tanh for images in [-1, 1]. */
  readonly outputActivation: 'linear' | 'tanh';
  /** Images are reshaped to this shape after G (and flattened before D). */
  readonly imageShape?: readonly [number, number, number];
}

function buildGenerator(shape: NetworkShape): tfl.LayersModel {
  const z = tfl.input({ shape: [shape.latentDim] });
  let h = z;
  for (const units of shape.generatorUnits) h = tfl.layers.dense({ units, activation: 'relu' }).apply(h) as tfl.SymbolicTensor;
  let out = tfl.layers.dense({ units: shape.dataDim, activation: shape.outputActivation }).apply(h) as tfl.SymbolicTensor;
  if (shape.imageShape) out = tfl.layers.reshape({ targetShape: [...shape.imageShape] }).apply(out) as tfl.SymbolicTensor;
  return tfl.model({ inputs: z, outputs: out });
}

function buildDiscriminator(shape: NetworkShape, recipe: GanRow): tfl.LayersModel {
  const packing = recipe === 'pacgan2' ? 2 : 1;
  const input = tfl.input({ shape: shape.imageShape ? [...shape.imageShape.slice(0, 2), shape.imageShape[2] * packing] : [shape.dataDim * packing] });
  let h: tfl.SymbolicTensor = shape.imageShape ? (tfl.layers.flatten().apply(input) as tfl.SymbolicTensor) : input;
  for (const units of shape.discriminatorUnits) {
    if (recipe === 'sn-hinge') {
      h = spectralNorm(tfl.layers.dense({ units })).apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.activation({ activation: 'relu' }).apply(h) as tfl.SymbolicTensor;
    } else {
      h = tfl.layers.dense({ units, activation: 'relu' }).apply(h) as tfl.SymbolicTensor;
    }
  }
  if (recipe === 'minibatch-disc') h = minibatchDiscrimination({ numKernels: 16, kernelDim: 4 }).apply(h) as tfl.SymbolicTensor;
  const logit = (recipe === 'sn-hinge' ? spectralNorm(tfl.layers.dense({ units: 1 })) : tfl.layers.dense({ units: 1 })).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logit });
}

/** A GAN contender: the same G and D architecture for every recipe, the recipe's strategy on top. */
export function ganContender(recipe: GanRow, shape: NetworkShape, seed: number, options: { unrollSteps?: number } = {}): Contender {
  // Unknown names fail here, before any network is built, with the registered names listed.
  const registered = isRecipe(recipe) ? null : getGanVariant(recipe);
  const rng = new Rng(seed).fork(`init/${recipe}`);
  const generator = withSeededRandom(rng, () => buildGenerator(shape));
  const discriminator = withSeededRandom(rng, () => buildDiscriminator(shape, recipe));
  const common = { generator, discriminator, latentDim: shape.latentDim };
  let gan: Gan;
  if (registered) gan = createGan({ ...common, variant: registered });
  else switch (recipe as GanRecipe) {
    case 'gan':
    case 'minibatch-disc':
      gan = createGan({ ...common, variant: vanillaGan() });
      break;
    case 'unrolled':
      gan = createGan({ ...common, variant: vanillaGan(), unrolled: { steps: options.unrollSteps ?? 5 } });
      break;
    case 'pacgan2':
      gan = createGan({ ...common, variant: vanillaGan(), packing: 2 });
      break;
    case 'wgan-gp':
      gan = createGan({ ...common, variant: wganGp() });
      break;
    case 'sn-hinge':
      gan = createGan({ ...common, variant: snganHinge() });
      break;
    case 'ttur':
      gan = createGan({ ...common, variant: vanillaGan(), optimizers: ttur() });
      break;
  }
  return {
    name: recipe,
    family: 'GAN',
    description: registered
      ? `variant "${recipe}" from @tfgen/strategies: ${ganVariants[recipe].description}`
      : RECIPE_DESCRIPTIONS[recipe as GanRecipe] + (recipe === 'unrolled' ? ` (k = ${options.unrollSteps ?? 5})` : ''),
    lossKeys: ['loss/generator', 'loss/discriminator'],
    step: (x, step, stepRng) => gan.trainStep({ x }, { step, rng: stepRng }),
    sample: (count, sampleRng) => gan.sample(count, sampleRng),
    dispose: () => {
      gan.dispose();
      generator.dispose();
      discriminator.dispose();
    },
  };
}

/** A VAE on 2D points: MLP encoder/decoder, Gaussian decoder with learned variance; samples include decoder noise. */
export function vae2dContender(seed: number, options: { latentDim?: number; units?: number; nllSamples?: number } = {}): Contender {
  const vae = explicit.createVae({
    inputShape: [2],
    latentDim: options.latentDim ?? 2,
    encoder: 'mlp',
    decoder: 'gaussian',
    hiddenUnits: [options.units ?? 128, options.units ?? 128],
    activation: 'relu',
    learningRate: 1e-3,
    seed,
  });
  const nllSamples = options.nllSamples ?? 100;
  return {
    name: 'vae',
    family: 'explicit',
    description: `VAE (MLP ${options.units ?? 128}x2, Gaussian decoder, ELBO, latent ${options.latentDim ?? 2})`,
    lossKeys: ['loss'],
    nllKind: `importance-sampled, k = ${nllSamples}`,
    step: (x, step, stepRng) => vae.trainStep({ x }, { step, rng: stepRng }),
    sample: (count, sampleRng) =>
      tf.tidy(() => {
        const z = tf.randomNormal([count, options.latentDim ?? 2], 0, 1, 'float32', sampleRng.tfSeed());
        const parameters = vae.decodeParameters(z); // [count, 2, 2]: mean, log-variance
        const [mean, logVariance] = tf.split(parameters, 2, 2).map((t) => tf.squeeze(t, [2]));
        const noise = tf.randomNormal(mean.shape, 0, 1, 'float32', sampleRng.tfSeed());
        return tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVariance)), noise));
      }),
    nll: (x, nllRng) => {
      const ll = vae.logLikelihood(x, { samples: nllSamples, chunkSize: Math.min(nllSamples, 100), rng: nllRng });
      const out = Float32Array.from(ll.dataSync(), (v) => -v);
      ll.dispose();
      return out;
    },
    dispose: () => vae.dispose(),
  };
}

/** A VAE on binarized MNIST (MLP 2x[units], Bernoulli decoder); samples are decoder means in [-1, 1]. */
export function vaeMnistContender(seed: number, options: { latentDim?: number; units?: number; nllSamples?: number } = {}): Contender {
  const latentDim = options.latentDim ?? 32;
  const units = options.units ?? 256;
  const vae = explicit.createVae({ inputShape: [28, 28, 1], latentDim, encoder: 'mlp', decoder: 'bernoulli', hiddenUnits: [units, units], activation: 'relu', seed });
  const nllSamples = options.nllSamples ?? 100;
  return {
    name: 'vae',
    family: 'explicit',
    description: `VAE (MLP ${units}x2, Bernoulli decoder, latent ${latentDim}); samples = decoder means`,
    lossKeys: ['loss'],
    nllKind: `importance-sampled, k = ${nllSamples}`,
    step: (x, step, stepRng) => vae.trainStep({ x }, { step, rng: stepRng }),
    sample: (count, sampleRng) => vae.sample(count, sampleRng),
    nll: (x, nllRng) => {
      const ll = vae.logLikelihood(x, { samples: nllSamples, chunkSize: Math.min(nllSamples, 50), rng: nllRng });
      const out = Float32Array.from(ll.dataSync(), (v) => -v);
      ll.dispose();
      return out;
    },
    dispose: () => vae.dispose(),
  };
}

interface PixelCnnLike extends TrainableModel {
  nll(x: tf.Tensor): tf.Tensor1D;
  sample(count: number, rng: Rng): tf.Tensor;
  dispose(): void;
}

/**
 * A gated PixelCNN on binarized MNIST (exact NLL); sampling takes one forward pass per pixel.
 * Returns null when this build of @tfgen/explicit has no PixelCNN.
 */
export function pixelCnnContender(seed: number, options: { layers?: number; filters?: number } = {}): Contender | null {
  const create = (explicit as unknown as { createPixelCnn?: (o: Record<string, unknown>) => PixelCnnLike }).createPixelCnn;
  if (typeof create !== 'function') return null;
  const layers = options.layers ?? 5;
  const filters = options.filters ?? 32;
  const model = create({ imageShape: [28, 28, 1], architecture: 'gated', output: 'bernoulli', layers, filters, seed });
  return {
    name: 'pixelcnn',
    family: 'explicit',
    description: `gated PixelCNN (${layers} layers x ${filters} filters, Bernoulli pixels)`,
    lossKeys: ['loss'],
    nllKind: 'exact',
    step: (x, step, stepRng) => model.trainStep({ x }, { step, rng: stepRng }) as Record<string, number>,
    sample: (count, sampleRng) => model.sample(count, sampleRng),
    nll: (x) => {
      const nll = model.nll(x);
      const out = Float32Array.from(nll.dataSync());
      nll.dispose();
      return out;
    },
    dispose: () => model.dispose(),
  };
}
