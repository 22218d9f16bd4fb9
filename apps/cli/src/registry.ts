import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mlpGan, dcgan } from '@tfgen/architectures';
import { ArgumentError, Rng, type BatchIterator, type TrainableModel } from '@tfgen/core';
import { gridOfGaussians, ringOfGaussians, type ImageDataset, type Mixture2D } from '@tfgen/datasets';
import { loadFashionMnist, loadMnist } from '@tfgen/datasets/node';
import { createVae } from '@tfgen/explicit';
import { getGanLoss } from '@tfgen/losses';
import { createGan, getGanVariant, gradientPenaltyRegularizer, type GanVariant, type OptimizerSpec } from '@tfgen/strategies';
import type { DatasetName, LossName, TrainConfig } from './config';

/** A model the CLI can train, with the sampling the `sample` command and callbacks use. */
export type CliModel = TrainableModel & { sample(count: number, rng: Rng): tf.Tensor };

/** The data side of a run: an iterator plus what plots and metrics need to know about it. */
export interface CliData {
  readonly name: DatasetName;
  readonly kind: 'points' | 'images';
  readonly iterator: BatchIterator;
  /** The true mixture for 2D datasets (centers and std for plots and mode coverage). */
  readonly mixture?: Mixture2D;
  /** The image dataset for image datasets. */
  readonly images?: ImageDataset;
}

/** A model and its data, built from a config. */
export interface BuiltRun {
  readonly model: CliModel;
  readonly data: CliData;
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

/** The 2D mixture behind a dataset name (PacGAN's settings: ring std 0.01 radius 1; grid std 0.05 spacing 2). */
export function mixtureFor(name: DatasetName): Mixture2D | undefined {
  if (name === 'ring') return ringOfGaussians({ modes: 8, radius: 1, std: 0.01 });
  if (name === 'grid') return gridOfGaussians({ side: 5, spacing: 2, std: 0.05 });
  return undefined;
}

/** Builds the dataset iterator of a config (seeded from the run's seed so a resume sees the same batches). */
export function buildData(config: TrainConfig): CliData {
  const mixture = mixtureFor(config.dataset);
  const seed = new Rng(config.seed).fork('data').nextUint32();
  if (mixture) {
    return { name: config.dataset, kind: 'points', mixture, iterator: mixture.batches({ batchSize: config.batchSize, seed }) };
  }
  const vae = config.model === 'vae';
  const options = vae ? ({ scale: '[0,1]', binarize: 'dynamic', binarizeSeed: seed } as const) : ({ scale: '[-1,1]' } as const);
  const images = config.dataset === 'mnist' ? loadMnist(options) : loadFashionMnist(options);
  return { name: config.dataset, kind: 'images', images, iterator: images.batches({ batchSize: config.batchSize, seed }) };
}

/** The GAN variant a config describes: its loss, optional gradient penalty, critic steps and optimizers. */
export function ganVariantFor(config: TrainConfig): GanVariant {
  const [generatorRate, discriminatorRate] = config.ttur ?? [config.learningRate, config.learningRate];
  const optimizer = (learningRate: number): OptimizerSpec => ({ kind: 'adam', learningRate, beta1: config.beta1, beta2: config.beta2 });
  if (config.variant !== undefined) {
    // A preset owns the loss, penalties and critic steps; mixing them with flags would be ambiguous.
    if (config.loss !== 'non-saturating') unsupported(config, 'loss', 'runs without --variant');
    if (config.gradientPenalty > 0) unsupported(config, 'gradientPenalty', 'runs without --variant');
    if (config.discriminatorSteps !== 1) unsupported(config, 'discriminatorSteps', 'runs without --variant');
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
  return {
    name: config.loss,
    loss: getGanLoss(LOSS_KEYS[config.loss]),
    regularizers: config.gradientPenalty > 0 ? [gradientPenaltyRegularizer({ weight: config.gradientPenalty })] : [],
    discriminatorSteps: config.discriminatorSteps,
    optimizers: { generator: optimizer(generatorRate), discriminator: optimizer(discriminatorRate) },
  };
}

function unsupported(config: TrainConfig, field: keyof TrainConfig, models: string): never {
  throw new ArgumentError(`config.${field}`, `left at its default for model ${JSON.stringify(config.model)} (supported by: ${models})`, config[field]);
}

/**
 * Builds model and data from a config. Weights are a function of `config.seed` (the
 * builders take a forked generator), so the same config builds the same network.
 */
export function buildRun(config: TrainConfig): BuiltRun {
  const data = buildData(config);
  const initSeed = new Rng(config.seed).fork('init');

  if (config.model === 'vae') {
    if (data.kind !== 'images') throw new ArgumentError('config.dataset', 'an image dataset (mnist, fashion-mnist) for model "vae"', config.dataset);
    for (const field of ['unrolledSteps', 'gradientPenalty', 'spectralNorm'] as const) if (config[field]) unsupported(config, field, 'GAN models');
    if (config.packing > 1) unsupported(config, 'packing', 'GAN models');
    if (config.architecture !== 'default') unsupported(config, 'architecture', 'mlp-gan');
    const vae = createVae({
      inputShape: [...data.images!.shape],
      latentDim: config.latentDim ?? 20,
      hiddenUnits: Array.from({ length: config.hiddenLayers ?? 2 }, () => config.hiddenUnits ?? 200),
      decoder: 'bernoulli',
      learningRate: config.learningRate === 2e-4 ? 1e-3 : config.learningRate,
      seed: initSeed.nextUint32(),
    });
    return { model: vae, data, dispose: () => undefined };
  }

  let networks: { generator: tfl.LayersModel; discriminator: tfl.LayersModel; latentDim: number };
  if (config.model === 'mlp-gan') {
    if (data.kind !== 'points') throw new ArgumentError('config.dataset', 'a 2D dataset (ring, grid) for model "mlp-gan"', config.dataset);
    if (config.batchSize % config.packing !== 0) {
      throw new ArgumentError('config.batchSize (--batch-size)', `a multiple of the packing ${config.packing}`, config.batchSize);
    }
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
    if (data.kind !== 'images') throw new ArgumentError('config.dataset', 'an image dataset (mnist, fashion-mnist) for model "dcgan"', config.dataset);
    if (config.unrolledSteps > 0) unsupported(config, 'unrolledSteps', 'mlp-gan');
    if (config.batchSize % config.packing !== 0) {
      throw new ArgumentError('config.batchSize (--batch-size)', `a multiple of the packing ${config.packing}`, config.batchSize);
    }
    if (config.packing > 1) unsupported(config, 'packing', 'mlp-gan');
    if (config.architecture !== 'default') unsupported(config, 'architecture', 'mlp-gan');
    const shape = data.images!.shape;
    networks = dcgan({
      imageShape: [shape[0], shape[1], shape[2]] as never,
      latentDim: config.latentDim ?? 100,
      width: config.hiddenUnits ?? 32,
      criticSafe: config.gradientPenalty > 0,
      spectralNorm: config.spectralNorm,
      seed: initSeed,
    });
  }
  const gan = createGan({
    generator: networks.generator,
    discriminator: networks.discriminator,
    latentDim: networks.latentDim,
    variant: ganVariantFor(config),
    packing: 1,
    ...(config.unrolledSteps > 0 ? { unrolled: { steps: config.unrolledSteps } } : {}),
    ...(config.emaDecay > 0 ? { ema: { decay: config.emaDecay } } : {}),
    kind: `gan/${config.model}`,
  });
  return { model: gan, data, dispose: () => gan.dispose() };
}
