import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  ArgumentError,
  CheckpointError,
  Rng,
  captureOptimizer,
  captureVariables,
  expectInteger,
  expectNumber,
  expectOneOf,
  imageGrid,
  restoreOptimizer,
  restoreVariables,
  type ImageGrid,
  type JsonValue,
  type NamedArray,
  type OptimizerSnapshot,
  type RngState,
} from '@tfgen/core';
import { conditionalGan, dcgan } from '@tfgen/architectures';
import type { ImageBatchIterator, ImageDataset } from '@tfgen/datasets';
import { createGan, vanillaGan, type Gan } from '@tfgen/strategies';
import { IMAGE_DATASETS, type ImageDatasetName } from './assets';

/** The image GANs of the Images tab: DCGAN, and a class-conditional DCGAN (label embedding concatenated in G and D). */
export const GAN_IMAGE_MODELS = ['dcgan', 'cgan'] as const;
/** One of {@link GAN_IMAGE_MODELS}. */
export type GanImageModel = (typeof GAN_IMAGE_MODELS)[number];

/** Settings of a {@link GanImagesLab} run. */
export interface GanImagesSettings {
  model: GanImageModel;
  dataset: ImageDatasetName;
  seed: number;
  /** DCGAN width: channels of the 14x14 layers (the 7x7 ones have twice as many). Small keeps a browser step cheap. */
  width: number;
  batchSize: number;
  latentDim: number;
  /** Adam learning rate of both networks (beta1 0.5, as in DCGAN). */
  learningRate: number;
}

/** Browser-sized defaults: width 16, batch 32 (a step is tens of milliseconds on wasm). */
export const DEFAULT_GAN_IMAGES: GanImagesSettings = {
  model: 'dcgan',
  dataset: 'fashion-mnist',
  seed: 1,
  width: 16,
  batchSize: 32,
  latentDim: 32,
  learningRate: 5e-4,
};

/** Samples per row of the grid; the unconditional grid is square, the conditional one has one row per class. */
export const GRID_COLUMNS = 8;
/** Classes of both datasets (one grid row each for the conditional GAN). */
export const NUM_CLASSES = 10;

/** Validates settings (every field named in the error); returns a clean copy. */
export function checkGanImagesSettings(raw: unknown): GanImagesSettings {
  if (!raw || typeof raw !== 'object') throw new ArgumentError('settings', 'a GanImagesSettings object', raw);
  const s = raw as Record<string, unknown>;
  return {
    model: expectOneOf(s.model, 'model', GAN_IMAGE_MODELS),
    dataset: expectOneOf(s.dataset, 'dataset', IMAGE_DATASETS),
    seed: expectInteger(s.seed, 'seed', 0),
    width: expectInteger(s.width, 'width', 2, 128),
    batchSize: expectInteger(s.batchSize, 'batchSize', 2, 512),
    latentDim: expectInteger(s.latentDim, 'latentDim', 1, 512),
    learningRate: expectNumber(s.learningRate, 'learningRate', 0, 1, true),
  };
}

/** What the page draws: the sample grid of fixed latents (and labels) as RGBA, plus numbers. */
export interface GanImagesView {
  step: number;
  model: GanImageModel;
  dataset: ImageDatasetName;
  grid: ImageGrid;
  /** Grid rows and columns of samples (conditional: one row per class). */
  rows: number;
  columns: number;
  metrics: Record<string, number>;
  history: { step: number; discriminator: number; generator: number }[];
}

/** A run as plain data (weights, Adam slots, random streams): what IndexedDB stores. */
export interface SavedGanImages {
  format: 'tfgen-web-gan-images';
  version: 1;
  settings: GanImagesSettings;
  step: number;
  rngState: RngState;
  batchState: JsonValue;
  history: GanImagesView['history'];
  variables: NamedArray[];
  optimizers: { generator: OptimizerSnapshot; discriminator: OptimizerSnapshot };
}

const HISTORY_LIMIT = 2000;

/**
 * A DCGAN (Radford et al. 2016) or class-conditional DCGAN (Mirza & Osindero 2014) from
 * @tfgen/architectures on a 28x28 dataset subset, trained with @tfgen/strategies' GAN step
 * (non-saturating loss, Adam beta1 0.5). The view is a grid from fixed latents, so it changes
 * only when the generator does.
 */
export class GanImagesLab {
  readonly settings: GanImagesSettings;
  readonly generator: tfl.LayersModel;
  readonly discriminator: tfl.LayersModel;
  readonly gan: Gan;
  private readonly batches: ImageBatchIterator;
  private rng: Rng;
  private stepCount = 0;
  private metrics: Record<string, number> = {};
  private history: GanImagesView['history'] = [];

  constructor(data: ImageDataset, settings: GanImagesSettings) {
    this.settings = checkGanImagesSettings(settings);
    const { model, width, latentDim, seed, batchSize, learningRate } = this.settings;
    if (data.shape[0] !== 28 || data.shape[1] !== 28 || data.shape[2] !== 1) throw new ArgumentError('data.shape', '[28, 28, 1]', data.shape);
    if (data.valueRange[0] !== -1 || data.valueRange[1] !== 1) throw new ArgumentError('data.valueRange', '[-1, 1] (the generator ends in tanh)', data.valueRange);
    if (batchSize > data.count) throw new ArgumentError('batchSize', `at most the ${data.count} images of the subset`, batchSize);
    const root = new Rng(seed);
    const nets =
      model === 'dcgan'
        ? dcgan({ imageShape: [28, 28, 1], width, latentDim, seed: root.fork('init') })
        : conditionalGan({ kind: 'concat', numClasses: NUM_CLASSES, imageShape: [28, 28, 1], width, latentDim, labelEmbeddingDim: NUM_CLASSES, seed: root.fork('init') });
    this.generator = nets.generator;
    this.discriminator = nets.discriminator;
    const adam = { kind: 'adam' as const, learningRate, beta1: 0.5, beta2: 0.999 };
    try {
      this.gan = createGan({
        generator: this.generator,
        discriminator: this.discriminator,
        latentDim,
        variant: vanillaGan(),
        optimizers: { generator: adam, discriminator: adam },
        ...(model === 'cgan' ? { conditional: { numClasses: NUM_CLASSES } } : {}),
      });
    } catch (error) {
      this.generator.dispose();
      this.discriminator.dispose();
      throw error;
    }
    this.batches = data.batches({ batchSize, seed: root.fork('data').nextUint32(), withLabels: model === 'cgan' });
    this.rng = root.fork('train');
  }

  get step(): number {
    return this.stepCount;
  }

  /** Runs `steps` GAN steps (one D update, one G update each); returns the last step's metrics. Non-finite losses are an error. */
  train(steps: number): Record<string, number> {
    expectInteger(steps, 'steps', 0);
    for (let i = 0; i < steps; i++) {
      const batch = this.batches.next();
      try {
        this.metrics = this.gan.trainStep(batch, { step: this.stepCount, rng: this.rng });
      } finally {
        tf.dispose([batch.x, ...(batch.y ? [batch.y] : [])]);
      }
      this.stepCount++;
      const d = this.metrics['loss/discriminator'];
      const g = this.metrics['loss/generator'];
      if (!Number.isFinite(d) || !Number.isFinite(g)) throw new ArgumentError('training', 'finite losses (lower the learning rate)', `D ${d}, G ${g} at step ${this.stepCount}`);
      this.history.push({ step: this.stepCount, discriminator: d, generator: g });
      if (this.history.length > HISTORY_LIMIT) this.history = this.history.filter((_, k) => k % 2 === 1);
    }
    return { ...this.metrics };
  }

  /** Grid labels, row-major: row r is class r for the conditional GAN; none for DCGAN. */
  gridLabels(): number[] | undefined {
    if (this.settings.model !== 'cgan') return undefined;
    return Array.from({ length: NUM_CLASSES * GRID_COLUMNS }, (_, i) => Math.floor(i / GRID_COLUMNS));
  }

  /** Generated images `[rows * columns, 28, 28, 1]` in (-1, 1) from the fixed latents (inference mode); the caller disposes. */
  samples(): tf.Tensor4D {
    const labels = this.gridLabels();
    const count = labels?.length ?? GRID_COLUMNS * GRID_COLUMNS;
    // The same latents every time: a fresh stream from the run's seed.
    return this.gan.sample(count, new Rng(this.settings.seed).fork('grid-latents'), labels) as tf.Tensor4D;
  }

  view(): GanImagesView {
    const images = this.samples();
    let grid: ImageGrid;
    try {
      grid = imageGrid(images, { range: '[-1,1]', columns: GRID_COLUMNS, padding: 2, background: [40, 40, 40] });
    } finally {
      images.dispose();
    }
    const rows = this.settings.model === 'cgan' ? NUM_CLASSES : GRID_COLUMNS;
    return { step: this.stepCount, model: this.settings.model, dataset: this.settings.dataset, grid, rows, columns: GRID_COLUMNS, metrics: { ...this.metrics }, history: this.history.slice() };
  }

  /** The run as plain arrays; {@link GanImagesLab.load} continues it exactly. */
  async save(): Promise<SavedGanImages> {
    const optimizers = this.gan.optimizers();
    return {
      format: 'tfgen-web-gan-images',
      version: 1,
      settings: { ...this.settings },
      step: this.stepCount,
      rngState: this.rng.getState(),
      batchState: this.batches.getState(),
      history: this.history.slice(),
      variables: await captureVariables(this.gan.stateVariables()),
      optimizers: {
        generator: await captureOptimizer(optimizers.generator, 'generator'),
        discriminator: await captureOptimizer(optimizers.discriminator, 'discriminator'),
      },
    };
  }

  /** Rebuilds a run saved by {@link GanImagesLab.save} on `data` (the same dataset subset). */
  static async load(data: ImageDataset, saved: SavedGanImages): Promise<GanImagesLab> {
    if (!saved || saved.format !== 'tfgen-web-gan-images' || saved.version !== 1) {
      throw new CheckpointError('saved GAN run', 'a tfgen-web-gan-images run, version 1', saved && typeof saved === 'object' ? `${saved.format} v${saved.version}` : saved);
    }
    const lab = new GanImagesLab(data, saved.settings);
    try {
      restoreVariables(lab.gan.stateVariables(), saved.variables, 'saved GAN run');
      const optimizers = lab.gan.optimizers();
      await restoreOptimizer(optimizers.generator, saved.optimizers.generator, 'saved GAN run', 'generator');
      await restoreOptimizer(optimizers.discriminator, saved.optimizers.discriminator, 'saved GAN run', 'discriminator');
      lab.batches.setState(saved.batchState);
    } catch (error) {
      lab.dispose();
      throw error;
    }
    lab.stepCount = saved.step;
    lab.rng = Rng.fromState(saved.rngState);
    lab.history = saved.history.slice();
    return lab;
  }

  dispose(): void {
    this.gan.dispose();
    this.generator.dispose();
    this.discriminator.dispose();
  }
}
