import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { conditionalGan, dcgan, mlpGan, snganResnet, styleGan, type ImageShape } from '@tfgen/architectures';
import { ArgumentError, Rng, type BatchIterator, type TrainableModel } from '@tfgen/core';
import {
  audioWindows,
  chirps,
  gridOfGaussians,
  muLawDecode,
  ringOfGaussians,
  sineMixture,
  spiral,
  stackedMnist,
  twoMoons,
  type ImageDataset,
  type Mixture2D,
} from '@tfgen/datasets';
import { loadFashionMnist, loadImageFolder, loadMnist } from '@tfgen/datasets/node';
import { WaveNet, createPixelCnn, createVae } from '@tfgen/explicit';
import { getGanLoss } from '@tfgen/losses';
import { createGan, getGanVariant, gradientPenaltyRegularizer, type GanVariant, type OptimizerSpec } from '@tfgen/strategies';
import { CONDITIONAL_MODELS, MODEL_RECIPES, type DatasetName, type LossName, type TrainConfig } from './config';

/** A model the CLI can train, with the sampling the `sample` command and callbacks use. */
export type CliModel = TrainableModel & {
  /** Images in [-1, 1], 2D points, or audio in [-1, 1] `[count, samples]`; `labels` for class-conditional models. */
  sample(count: number, rng: Rng, labels?: ArrayLike<number>): tf.Tensor;
};

/** An audio dataset: the signal WaveNet trains on and how it is quantized. */
export interface CliAudio {
  readonly signal: Float32Array;
  readonly sampleRate: number;
  /** Mu-law levels of the codes (the model's softmax size). */
  readonly levels: number;
  /** Samples per training window. */
  readonly windowLength: number;
}

/** The data side of a run: an iterator plus what plots and metrics need to know about it. */
export interface CliData {
  readonly name: DatasetName;
  readonly kind: 'points' | 'images' | 'audio';
  readonly iterator: BatchIterator;
  /** The true mixture for 2D datasets (centers and std for plots and mode coverage). */
  readonly mixture?: Mixture2D;
  /** The image dataset for image datasets. */
  readonly images?: ImageDataset;
  /** The signal for audio datasets. */
  readonly audio?: CliAudio;
}

/** A model and its data, built from a config. */
export interface BuiltRun {
  readonly model: CliModel;
  readonly data: CliData;
  /** Classes of a class-conditional model (one row each in `tfgen sample`); absent otherwise. */
  readonly numClasses?: number;
  /** Frees the model's optimizers (tfjs-layers models are left to the process' end). */
  dispose(): void;
}

const LOSS_KEYS: Record<LossName, string> = {
  minimax: 'minimax',
  'non-saturating': 'nonSaturating',
  wasserstein: 'wasserstein',
  hinge: 'hinge',
  'least-squares': 'leastSquares',
  relativistic: 'relativisticAverage',
  'relativistic-hinge': 'relativisticAverageHinge',
};

/** Images of the stacked-mnist dataset (three random MNIST digits per image; 1000 modes) unless `imageLimit` sets the count. */
export const STACKED_MNIST_COUNT = 12_800;
/** Sample rate of the audio datasets unless the config sets one. */
export const DEFAULT_SAMPLE_RATE = 8000;
/** Seconds of signal the audio datasets hold. */
export const AUDIO_SECONDS = 4;

/** The 2D mixture behind a dataset name (PacGAN's settings: ring std 0.01 radius 1; grid std 0.05 spacing 2). */
export function mixtureFor(name: DatasetName): Mixture2D | undefined {
  if (name === 'ring') return ringOfGaussians({ modes: 8, radius: 1, std: 0.01 });
  if (name === 'grid') return gridOfGaussians({ side: 5, spacing: 2, std: 0.05 });
  if (name === 'spiral') return spiral();
  if (name === 'two-moons') return twoMoons();
  return undefined;
}

/** Segments of the sine dataset, each with its own random phases. */
export const SINE_SEGMENTS = 8;

/**
 * The audio signal of an audio dataset: `sine` (220 Hz + 330 Hz + 440 Hz in {@link SINE_SEGMENTS}
 * back-to-back segments, each with new random phases from `seed`, so a model learns the tones rather
 * than one waveform) or `chirp` (8 linear sweeps 100 Hz -> 0.4 x sample rate). A different seed
 * gives held-out sines.
 */
export function audioSignal(name: DatasetName, sampleRate: number, seed: number, seconds = AUDIO_SECONDS): Float32Array {
  if (name === 'sine') {
    const frequencies = [220, 330, 440].filter((f) => f < sampleRate / 2);
    const total = Math.round(sampleRate * seconds);
    const out = new Float32Array(total);
    const rng = new Rng(seed).fork('sine-phases');
    for (let segment = 0, start = 0; segment < SINE_SEGMENTS && start < total; segment++) {
      const end = Math.round((total * (segment + 1)) / SINE_SEGMENTS);
      if (end === start) continue;
      out.set(sineMixture({ sampleRate, seconds: (end - start) / sampleRate, frequencies, seed: rng.nextUint32() }), start);
      start = end;
    }
    return out;
  }
  if (name === 'chirp') return chirps({ sampleRate, seconds, startFrequency: 100, endFrequency: 0.4 * sampleRate, count: 8 });
  throw new ArgumentError('dataset', 'an audio dataset ("sine", "chirp")', name);
}

/** WaveNet dilations of a config: `hiddenLayers` layers 1, 2, 4, ... (default 8: up to 128). */
export function waveNetDilations(config: TrainConfig): number[] {
  return Array.from({ length: config.hiddenLayers ?? 8 }, (_, i) => 2 ** i);
}

function imageScale(config: TrainConfig): { scale: '[0,1]' | '[-1,1]'; binarize?: 'dynamic' } {
  // The Bernoulli explicit models see dynamically binarized {0, 1} pixels; GANs see grey levels in [-1, 1].
  return config.model === 'vae' || config.model === 'pixelcnn' ? { scale: '[0,1]', binarize: 'dynamic' } : { scale: '[-1,1]' };
}

function dataSeed(config: TrainConfig): number {
  return new Rng(config.seed).fork('data').nextUint32();
}

function imageData(config: TrainConfig, images: ImageDataset): CliData {
  const withLabels = CONDITIONAL_MODELS.includes(config.model);
  return { name: config.dataset, kind: 'images', images, iterator: images.batches({ batchSize: config.batchSize, seed: dataSeed(config), withLabels }) };
}

/**
 * Builds the dataset iterator of a config (seeded from the run's seed so a resume sees the same
 * batches). `image-folder` reads files asynchronously: use {@link loadData} for it.
 */
export function buildData(config: TrainConfig): CliData {
  const seed = dataSeed(config);
  const mixture = mixtureFor(config.dataset);
  if (mixture) {
    return { name: config.dataset, kind: 'points', mixture, iterator: mixture.batches({ batchSize: config.batchSize, seed }) };
  }
  if (config.dataset === 'sine' || config.dataset === 'chirp') {
    const sampleRate = config.sampleRate ?? DEFAULT_SAMPLE_RATE;
    const levels = config.muLawLevels ?? 256;
    const signal = audioSignal(config.dataset, sampleRate, config.seed);
    const receptiveField = 2 + waveNetDilations(config).reduce((a, b) => a + b, 0);
    const windowLength = config.windowLength ?? receptiveField + 128;
    if (windowLength > signal.length) {
      throw new ArgumentError('config.windowLength (--window-length)', `at most the ${signal.length} samples of the signal`, windowLength);
    }
    return {
      name: config.dataset,
      kind: 'audio',
      audio: { signal, sampleRate, levels, windowLength },
      iterator: audioWindows(signal, { windowLength, batchSize: config.batchSize, seed, muLawLevels: levels }),
    };
  }
  const scale = imageScale(config);
  const limit = config.imageLimit === undefined ? {} : { limit: config.imageLimit };
  const options = { ...scale, ...(scale.binarize ? { binarizeSeed: seed } : {}), ...limit } as const;
  if (config.dataset === 'mnist') return imageData(config, loadMnist(options));
  if (config.dataset === 'fashion-mnist') return imageData(config, loadFashionMnist(options));
  if (config.dataset === 'stacked-mnist') {
    const digits = loadMnist({ scale: '[-1,1]', ...limit });
    const count = config.imageLimit ?? STACKED_MNIST_COUNT;
    return imageData(config, stackedMnist(digits, { count, seed: new Rng(config.seed).fork('stacked-mnist').nextUint32() }));
  }
  throw new ArgumentError('config.dataset', 'a dataset that loads synchronously (use loadData for "image-folder")', config.dataset);
}

/** {@link buildData} for every dataset, including `image-folder` (read from `config.dataDir`). */
export async function loadData(config: TrainConfig): Promise<CliData> {
  if (config.dataset !== 'image-folder') return buildData(config);
  const size = config.imageSize ?? 32;
  const folder = await loadImageFolder(config.dataDir!, { height: size, width: size, channels: (config.channels ?? 3) as 1 | 3, scale: '[-1,1]' });
  const images = config.imageLimit !== undefined && config.imageLimit < folder.count ? folder.take(config.imageLimit) : folder;
  if (images.count < config.batchSize) {
    throw new ArgumentError('config.dataDir (--data-dir)', `a folder with at least --batch-size ${config.batchSize} images`, `${images.count} images in ${config.dataDir}`);
  }
  return imageData(config, images);
}

/** The GAN variant a config describes: its loss, optional gradient penalty, critic steps and optimizers. */
export function ganVariantFor(config: TrainConfig): GanVariant {
  const [generatorRate, discriminatorRate] = config.ttur ?? [config.learningRate, config.learningRate];
  const optimizer = (learningRate: number): OptimizerSpec => ({ kind: 'adam', learningRate, beta1: config.beta1, beta2: config.beta2 });
  if (config.variant !== undefined) {
    // A preset owns the loss, penalties and critic steps; mixing them with flags would be ambiguous.
    const recipe = MODEL_RECIPES[config.model];
    if (config.loss !== recipe.loss) unsupported(config, 'loss', 'runs without --variant');
    if (config.gradientPenalty > 0) unsupported(config, 'gradientPenalty', 'runs without --variant');
    if (config.gradientPenaltyTarget !== 1) unsupported(config, 'gradientPenaltyTarget', 'runs without --variant');
    if (config.discriminatorSteps !== recipe.discriminatorSteps) unsupported(config, 'discriminatorSteps', 'runs without --variant');
    const preset = getGanVariant(config.variant);
    // --ttur still sets the two learning rates, keeping the preset's Adam betas.
    if (!config.ttur || !preset.optimizers) return preset;
    return {
      ...preset,
      optimizers: {
        generator: { ...preset.optimizers.generator, learningRate: generatorRate },
        discriminator: { ...preset.optimizers.discriminator, learningRate: discriminatorRate },
      },
    };
  }
  if (config.gradientPenalty === 0 && config.gradientPenaltyTarget !== 1) unsupported(config, 'gradientPenaltyTarget', 'runs with --gradient-penalty > 0');
  return {
    name: config.loss,
    loss: getGanLoss(LOSS_KEYS[config.loss]),
    regularizers: config.gradientPenalty > 0 ? [gradientPenaltyRegularizer({ weight: config.gradientPenalty, target: config.gradientPenaltyTarget })] : [],
    discriminatorSteps: config.discriminatorSteps,
    optimizers: { generator: optimizer(generatorRate), discriminator: optimizer(discriminatorRate) },
  };
}

function unsupported(config: TrainConfig, field: keyof TrainConfig, models: string): never {
  throw new ArgumentError(`config.${field}`, `left at its default for model ${JSON.stringify(config.model)} (supported by: ${models})`, config[field]);
}

/** Explicit models have no discriminator: the GAN strategy flags are errors there. */
function rejectGanFlags(config: TrainConfig): void {
  for (const field of ['unrolledSteps', 'gradientPenalty', 'spectralNorm', 'emaDecay', 'variant', 'ttur'] as const) if (config[field]) unsupported(config, field, 'GAN models');
  if (config.gradientPenaltyTarget !== 1) unsupported(config, 'gradientPenaltyTarget', 'GAN models');
  if (config.packing > 1) unsupported(config, 'packing', 'GAN models');
  if (config.architecture !== 'default') unsupported(config, 'architecture', 'mlp-gan');
}

/** WaveNet with the `sample` the CLI's callbacks and `tfgen sample` use: mu-law codes decoded to audio. */
export class CliWaveNet extends WaveNet {
  constructor(
    options: ConstructorParameters<typeof WaveNet>[0],
    /** Samples per clip `sample()` draws (training-time sample files). */
    readonly clipLength: number,
    readonly levels: number,
  ) {
    super(options);
  }

  /** `count` clips of `clipLength` samples, float32 `[count, clipLength]` in [-1, 1] (mu-law decoded, as trained). */
  sample(count: number, rng: Rng): tf.Tensor2D {
    return this.sampleAudio(count, this.clipLength, rng);
  }

  /** `count` clips of `length` samples in [-1, 1]. */
  sampleAudio(count: number, length: number, rng: Rng): tf.Tensor2D {
    const codes = this.generate(count, length, { method: 'fast', rng });
    try {
      return tf.tensor2d(muLawDecode(codes.dataSync() as Int32Array, this.levels), [count, length]);
    } finally {
      codes.dispose();
    }
  }
}

function imageShapeOf(data: CliData): ImageShape {
  const shape = data.images!.shape;
  return [shape[0], shape[1], shape[2]] as unknown as ImageShape;
}

function explicitModel(config: TrainConfig, data: CliData, seed: number): BuiltRun {
  rejectGanFlags(config);
  if (config.model === 'vae') {
    const vae = createVae({
      inputShape: [...data.images!.shape],
      latentDim: config.latentDim ?? 20,
      hiddenUnits: Array.from({ length: config.hiddenLayers ?? 2 }, () => config.hiddenUnits ?? 200),
      decoder: 'bernoulli',
      learningRate: config.learningRate,
      seed,
    });
    return { model: vae, data, dispose: () => undefined };
  }
  if (config.latentDim !== undefined) unsupported(config, 'latentDim', 'latent-variable models');
  if (config.model === 'pixelcnn') {
    const pixelCnn = createPixelCnn({
      imageShape: [...data.images!.shape],
      architecture: 'gated',
      output: 'bernoulli',
      layers: config.hiddenLayers ?? 5,
      filters: config.hiddenUnits ?? 32,
      learningRate: config.learningRate,
      seed,
    });
    return { model: pixelCnn, data, dispose: () => pixelCnn.dispose() };
  }
  const audio = data.audio!;
  const wavenet = new CliWaveNet(
    { dilations: waveNetDilations(config), residualChannels: config.hiddenUnits ?? 16, levels: audio.levels, learningRate: config.learningRate, seed },
    // Training-time sample files: a quarter second.
    Math.max(1, Math.round(audio.sampleRate / 4)),
    audio.levels,
  );
  return { model: wavenet, data, dispose: () => wavenet.dispose() };
}

/**
 * Builds model and data from a config. Weights are a function of `config.seed` (the
 * builders take a forked generator), so the same config builds the same network. Pass the
 * data from {@link loadData} for `image-folder` runs.
 */
export function buildRun(config: TrainConfig, data: CliData = buildData(config)): BuiltRun {
  const initSeed = new Rng(config.seed).fork('init');
  if (config.model === 'vae' || config.model === 'pixelcnn' || config.model === 'wavenet') return explicitModel(config, data, initSeed.nextUint32());

  let networks: { generator: tfl.LayersModel; discriminator: tfl.LayersModel; latentDim: number };
  let numClasses: number | undefined;
  if (config.batchSize % config.packing !== 0) {
    throw new ArgumentError('config.batchSize (--batch-size)', `a multiple of the packing ${config.packing}`, config.batchSize);
  }
  if (config.model === 'mlp-gan') {
    // The MLP's discriminator packs its own input (PackSamples), so createGan gets packing 1.
    const preset = config.architecture === 'default' ? undefined : config.architecture;
    networks = mlpGan({
      ...(preset
        ? { preset, latentDim: config.latentDim, hiddenUnits: config.hiddenUnits, hiddenLayers: config.hiddenLayers }
        : { latentDim: config.latentDim ?? 16, hiddenUnits: config.hiddenUnits ?? 128, hiddenLayers: config.hiddenLayers ?? 2 }),
      packing: config.packing,
      spectralNorm: config.spectralNorm,
      seed: initSeed,
    });
  } else {
    if (config.unrolledSteps > 0) unsupported(config, 'unrolledSteps', 'mlp-gan');
    if (config.packing > 1) unsupported(config, 'packing', 'mlp-gan');
    if (config.architecture !== 'default') unsupported(config, 'architecture', 'mlp-gan');
    if (config.hiddenLayers !== undefined) unsupported(config, 'hiddenLayers', 'mlp-gan, vae, pixelcnn, wavenet');
    const imageShape = imageShapeOf(data);
    if (config.model === 'dcgan') {
      networks = dcgan({
        imageShape,
        latentDim: config.latentDim ?? 100,
        width: config.hiddenUnits ?? 32,
        criticSafe: config.gradientPenalty > 0,
        spectralNorm: config.spectralNorm,
        seed: initSeed,
      });
    } else {
      // The ResNet and StyleGAN discriminators are fixed by their papers: spectral norm is built into the ResNet ones.
      if (config.spectralNorm && config.model !== 'sngan-resnet' && config.model !== 'cgan-projection') unsupported(config, 'spectralNorm', 'mlp-gan, dcgan (built into sngan-resnet and cgan-projection)');
      if (config.model === 'sngan-resnet') {
        networks = snganResnet({ imageShape, latentDim: config.latentDim ?? 128, width: config.hiddenUnits ?? 64, seed: initSeed });
      } else if (config.model === 'stylegan2') {
        networks = styleGan({ imageShape, latentDim: config.latentDim ?? 64, styleDim: config.latentDim ?? 64, width: config.hiddenUnits ?? 32, seed: initSeed });
      } else {
        numClasses = data.images!.numClasses ?? 10;
        const kind = config.model === 'cgan-concat' ? 'concat' : config.model === 'acgan' ? 'acgan' : 'projection';
        networks = conditionalGan({
          kind,
          numClasses,
          imageShape,
          latentDim: config.latentDim,
          width: config.hiddenUnits ?? (kind === 'projection' ? 64 : 32),
          ...(kind === 'projection' ? {} : { criticSafe: config.gradientPenalty > 0 }),
          seed: initSeed,
        });
      }
    }
  }
  const gan = createGan({
    generator: networks.generator,
    discriminator: networks.discriminator,
    latentDim: networks.latentDim,
    variant: ganVariantFor(config),
    packing: 1,
    ...(config.unrolledSteps > 0 ? { unrolled: { steps: config.unrolledSteps } } : {}),
    ...(config.emaDecay > 0 ? { ema: { decay: config.emaDecay } } : {}),
    ...(numClasses !== undefined ? { conditional: { numClasses } } : {}),
    ...(config.model === 'acgan' ? { auxiliaryClassifier: { weight: 1 } } : {}),
    kind: `gan/${config.model}`,
  });
  return { model: gan, data, ...(numClasses !== undefined ? { numClasses } : {}), dispose: () => gan.dispose() };
}
