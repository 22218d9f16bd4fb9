import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { snganResnet, snganResnetVariant } from '@tfgen/architectures';
import { ArgumentError, Rng, type Batch, type BatchIterator, type TrainableModel } from '@tfgen/core';
import { audioWindows, sineMixture } from '@tfgen/datasets';
import { loadMnist } from '@tfgen/datasets/node';
import { createPixelCnn, createWaveNet } from '@tfgen/explicit';
import { createGan } from '@tfgen/strategies';
import { parseTrainConfig, type TrainConfigInput } from './config';
import { buildRun } from './registry';

/** One model as the bench runs it: built fresh on each backend, then called repeatedly. */
export interface BenchWorkload {
  /** Samples one call trains on or produces (examples, images, or audio samples). */
  readonly samplesPerCall: number;
  /** Generation: sequential network evaluations per call (pixels or audio steps), for the per-step time. */
  readonly sequentialSteps?: number;
  /** False: do not run the warm-up under `tf.profile` (its peak computation overflows the stack past ~100k kernels). */
  readonly profileWarmup?: boolean;
  /** The input of the next call, drawn outside the timing (the caller disposes it), or null. */
  nextBatch(): Batch | null;
  /** The timed call: one training step, or one generation; returned tensors are disposed by the caller. */
  call(batch: Batch | null, step: number, rng: Rng): unknown;
  dispose(): void;
}

/** A bench model: what it is and how to build its workload on the active backend. */
export interface BenchModel {
  readonly kind: 'train' | 'generate';
  /** One line: architecture, data and sizes. */
  readonly description: string;
  /** What samples/s counts. */
  readonly unit: 'examples' | 'images' | 'audio samples';
  /** Batch size (training) or sequences per generation call. */
  readonly batchSize: number;
  /** Why the cpu backend is not timed by default (a call takes tens of seconds or more there). */
  readonly slowOnCpu?: string;
  build(): BenchWorkload;
}

/** The DCGAN width whose channels are those of issue 10's DCGAN (D 64, 128; G 128, 64). */
export const BENCH_DCGAN_WIDTH = 64;

/** CLI training configs (the same `buildRun` that `tfgen train` uses). */
const CLI_CONFIGS: Record<'mlp-gan' | 'dcgan' | 'vae', Omit<TrainConfigInput, 'out'>> = {
  'mlp-gan': { model: 'mlp-gan', dataset: 'ring', batchSize: 256, hiddenUnits: 128, hiddenLayers: 2, latentDim: 16 },
  dcgan: { model: 'dcgan', dataset: 'mnist', batchSize: 64, hiddenUnits: BENCH_DCGAN_WIDTH, latentDim: 100 },
  vae: { model: 'vae', dataset: 'mnist', batchSize: 64, hiddenUnits: 200, hiddenLayers: 2, latentDim: 20 },
};

/** Frees a model's weights too (buildRun leaves tfjs-layers models to the process' end; the bench builds many). */
function disposeNetworks(model: object): void {
  const { generator, discriminator } = model as { generator?: tfl.LayersModel; discriminator?: tfl.LayersModel };
  if (generator && discriminator) {
    generator.dispose();
    discriminator.dispose();
  }
}

function cliWorkload(name: keyof typeof CLI_CONFIGS): BenchWorkload {
  const config = parseTrainConfig({ ...CLI_CONFIGS[name], out: 'bench' });
  const built = buildRun(config);
  return {
    samplesPerCall: config.batchSize,
    nextBatch: () => built.data.iterator.next(),
    call: (batch, step, rng) => built.model.trainStep(batch!, { step, rng }),
    dispose: () => {
      built.dispose();
      const model = built.model as { dispose?: () => void };
      // A GAN's dispose (in built.dispose) frees its optimizers; a VAE's frees weights and optimizer.
      if ('generator' in model) disposeNetworks(model);
      else model.dispose?.();
    },
  };
}

function iteratorWorkload(iterator: BatchIterator, model: Pick<TrainableModel, 'trainStep'> & { dispose(): void }): BenchWorkload {
  return {
    samplesPerCall: iterator.batchSize,
    nextBatch: () => iterator.next(),
    call: (batch, step, rng) => model.trainStep(batch!, { step, rng }),
    dispose: () => {
      model.dispose();
      disposeNetworks(model);
    },
  };
}

let binarizedMnist: ReturnType<typeof loadMnist> | null = null;
/** Dynamically binarized MNIST in {0, 1}, loaded once per process (PixelCNN's data). */
function binaryMnist(): ReturnType<typeof loadMnist> {
  binarizedMnist ??= loadMnist({ scale: '[0,1]', binarize: 'dynamic', binarizeSeed: 1 });
  return binarizedMnist;
}

/** CIFAR-10-shaped batches of uniform noise in [-1, 1] (no CIFAR ships with tfgen; step time does not depend on pixel values). */
function noiseImages(batchSize: number, shape: readonly [number, number, number], seed: number): BatchIterator {
  const rng = new Rng(seed);
  const size = batchSize * shape[0] * shape[1] * shape[2];
  return {
    batchSize,
    batchesPerEpoch: 1,
    next: () => ({ x: tf.tensor4d(rng.uniformArray(size, -1, 1), [batchSize, ...shape]) }),
    getState: () => null,
    setState: () => undefined,
  };
}

const SNGAN_WIDTH = 32;
const SNGAN_BATCH = 32;
const WAVENET_WINDOW = 1024;
const WAVENET_BATCH = 8;
const PIXELCNN_GENERATE_COUNT = 1;
const WAVENET_GENERATE_COUNT = 4;
const WAVENET_GENERATE_LENGTH = 2000;

const pixelCnn = () => createPixelCnn({ imageShape: [28, 28, 1], architecture: 'gated', output: 'bernoulli', layers: 5, filters: 32, seed: 1 });

/** The models of `tfgen bench`, by name, in table order. */
export const BENCH_MODELS: Readonly<Record<string, BenchModel>> = {
  'mlp-gan': {
    kind: 'train',
    description: 'MLP GAN (G and D 2x128, latent 16) on the 2D ring of 8 Gaussians, non-saturating loss, Adam',
    unit: 'examples',
    batchSize: 256,
    build: () => cliWorkload('mlp-gan'),
  },
  dcgan: {
    kind: 'train',
    description:
      `DCGAN on MNIST 28x28 (dcgan width ${BENCH_DCGAN_WIDTH}: G dense 100->7x7x128, BN, convT 4x4 ->64, BN, convT 4x4 ->1; ` +
      'D conv 4x4 64, conv 4x4 128 + BN, dense), one D + one G update, non-saturating loss, Adam(2e-4, 0.5)',
    unit: 'examples',
    batchSize: 64,
    slowOnCpu: 'about 20 s per step on the cpu backend (DESIGN.md)',
    build: () => cliWorkload('dcgan'),
  },
  'sngan-resnet': {
    kind: 'train',
    description:
      `SNGAN ResNet 32x32x3 (width ${SNGAN_WIDTH}: D ${SNGAN_WIDTH}, G ${2 * SNGAN_WIDTH} channels, spectral norm on D), hinge loss, Adam(2e-4, 0, 0.9), ` +
      `one D + one G update per step (the paper's recipe does 5 D updates), batches of ${SNGAN_BATCH} noise images`,
    unit: 'examples',
    batchSize: SNGAN_BATCH,
    slowOnCpu: 'residual conv blocks take minutes per step on the cpu backend',
    build: () => {
      const net = snganResnet({ imageShape: [32, 32, 3], width: SNGAN_WIDTH, seed: 1 });
      const gan = createGan({ generator: net.generator, discriminator: net.discriminator, latentDim: net.latentDim, variant: snganResnetVariant({ discriminatorSteps: 1 }), kind: 'gan/sngan-resnet' });
      return iteratorWorkload(noiseImages(SNGAN_BATCH, [32, 32, 3], 2), gan);
    },
  },
  vae: {
    kind: 'train',
    description: 'VAE (MLP 2x200, latent 20, Bernoulli decoder) on binarized MNIST, Adam',
    unit: 'examples',
    batchSize: 64,
    build: () => cliWorkload('vae'),
  },
  pixelcnn: {
    kind: 'train',
    description: 'gated PixelCNN (5 layers x 32 filters, Bernoulli) on binarized MNIST, Adam',
    unit: 'examples',
    batchSize: 64,
    slowOnCpu: 'masked 3x3 convs over 28x28x32 maps take tens of seconds per step on the cpu backend',
    build: () => iteratorWorkload(binaryMnist().batches({ batchSize: 64, seed: 3 }), pixelCnn()),
  },
  wavenet: {
    kind: 'train',
    description: `WaveNet (dilations 1..32, 16 residual / 32 skip channels, 256 mu-law levels) on ${WAVENET_BATCH} windows of ${WAVENET_WINDOW} samples of a sine mixture, Adam`,
    unit: 'examples',
    batchSize: WAVENET_BATCH,
    build: () => {
      const signal = sineMixture({ sampleRate: 8000, seconds: 4, frequencies: [220, 330, 440], noiseStd: 0.01, seed: 1 });
      return iteratorWorkload(audioWindows(signal, { windowLength: WAVENET_WINDOW, batchSize: WAVENET_BATCH, seed: 2, muLawLevels: 256 }), createWaveNet({ seed: 1 }));
    },
  },
  'pixelcnn-generate': {
    kind: 'generate',
    description: `the PixelCNN above (untrained weights) drawing ${PIXELCNN_GENERATE_COUNT} 28x28 image pixel by pixel (784 forward passes)`,
    unit: 'images',
    batchSize: PIXELCNN_GENERATE_COUNT,
    slowOnCpu: '784 full forward passes take minutes on the cpu backend',
    build: () => {
      const model = pixelCnn();
      return {
        samplesPerCall: PIXELCNN_GENERATE_COUNT,
        sequentialSteps: 28 * 28,
        profileWarmup: false,
        nextBatch: () => null,
        call: (_batch, _step, rng) => model.generate(PIXELCNN_GENERATE_COUNT, { rng }),
        dispose: () => model.dispose(),
      };
    },
  },
  'wavenet-generate': {
    kind: 'generate',
    description: `the WaveNet above (untrained weights) generating ${WAVENET_GENERATE_COUNT} sequences x ${WAVENET_GENERATE_LENGTH} samples with per-layer queues ('fast')`,
    unit: 'audio samples',
    batchSize: WAVENET_GENERATE_COUNT,
    build: () => {
      const model = createWaveNet({ seed: 1 });
      return {
        samplesPerCall: WAVENET_GENERATE_COUNT * WAVENET_GENERATE_LENGTH,
        sequentialSteps: WAVENET_GENERATE_LENGTH,
        profileWarmup: false,
        nextBatch: () => null,
        call: (_batch, _step, rng) => model.generate(WAVENET_GENERATE_COUNT, WAVENET_GENERATE_LENGTH, { method: 'fast', rng }),
        dispose: () => model.dispose(),
      };
    },
  },
};

/** Every bench model name, in table order. */
export const BENCH_MODEL_NAMES = Object.keys(BENCH_MODELS);

/** The model of a name, or an ArgumentError listing the names. */
export function benchModel(name: string): BenchModel {
  const model = BENCH_MODELS[name];
  if (!model) throw new ArgumentError('--models', `names from ${BENCH_MODEL_NAMES.join(', ')}`, name);
  return model;
}
