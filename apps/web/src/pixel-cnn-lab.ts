import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  CheckpointError,
  Rng,
  captureOptimizer,
  captureVariables,
  expectInteger,
  expectNumber,
  restoreOptimizer,
  restoreVariables,
  type BatchIterator,
  type JsonValue,
  type NamedArray,
  type OptimizerSnapshot,
  type RngState,
} from '@tfgen/core';
import type { ImageDataset } from '@tfgen/datasets';
import { createPixelCnn, type PixelCnn } from '@tfgen/explicit';

/** Options of {@link PixelCnnLab}: a small gated PixelCNN so a browser trains it in minutes. */
export interface PixelCnnLabOptions {
  seed?: number;
  layers?: number;
  filters?: number;
  batchSize?: number;
  learningRate?: number;
}

/** Browser-sized defaults. */
export const DEFAULT_PIXEL_CNN = { seed: 1, layers: 4, filters: 16, batchSize: 16, learningRate: 3e-3 } as const;

/** A trained PixelCNN as plain data (weights, Adam slots, data order, random streams): what IndexedDB and model files hold. */
export interface SavedPixelCnn {
  format: 'tfgen-web-pixelcnn';
  version: 1;
  options: Required<PixelCnnLabOptions>;
  step: number;
  rngState: RngState;
  batchState: JsonValue;
  metrics: Record<string, number>;
  variables: NamedArray[];
  optimizer: OptimizerSnapshot;
}

/** One sampled pixel: its raster index and the 0/1 value drawn for each image. */
export interface SampledPixel {
  index: number;
  row: number;
  column: number;
  values: number[];
}

/**
 * Draws binary images from a Bernoulli PixelCNN one pixel at a time, in raster order, so a page can
 * show each pixel as it is drawn. Uses the same random numbers in the same order as
 * `PixelCnn.generate`, so with the same seed the finished images are identical to it.
 */
export class PixelSampler {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** The images so far, `[count, height, width]` row-major, 0/1 (undrawn pixels are 0). */
  readonly canvas: Float32Array;
  private next = 0;

  constructor(
    private readonly model: PixelCnn,
    count: number,
    private readonly rng: Rng,
  ) {
    this.count = expectInteger(count, 'count', 1, 64);
    const [h, w, c] = model.imageShape;
    if (c !== 1) throw new ArgumentError('model.imageShape', 'one channel (binary images)', model.imageShape);
    this.height = h;
    this.width = w;
    this.canvas = new Float32Array(this.count * h * w);
  }

  /** Pixels drawn so far. */
  get drawn(): number {
    return this.next;
  }

  get done(): boolean {
    return this.next >= this.height * this.width;
  }

  /** Draws the next pixel of every image (one forward pass); null when all are drawn. */
  step(): SampledPixel | null {
    if (this.done) return null;
    const index = this.next;
    const row = Math.floor(index / this.width);
    const column = index % this.width;
    const { count, height, width } = this;
    const logits = tf.tidy(() => {
      const x = tf.tensor4d(this.canvas, [count, height, width, 1]);
      const all = this.model.logitsFromInput(this.model.networkInput(x));
      return tf.slice(all, [0, row, column, 0], [count, 1, 1, 1]).dataSync();
    });
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      const probability = 1 / (1 + Math.exp(-logits[i]));
      const value = this.rng.next() < probability ? 1 : 0;
      this.canvas[(i * height + row) * width + column] = value;
      values.push(value);
    }
    this.next++;
    return { index, row, column, values };
  }
}

/**
 * A gated PixelCNN (van den Oord et al. 2016, from @tfgen/explicit) with Bernoulli outputs, trained
 * on a dynamically binarized 28x28 subset; {@link PixelCnnLab.sampler} draws from it pixel by pixel.
 */
export class PixelCnnLab {
  readonly model: PixelCnn;
  readonly options: Required<PixelCnnLabOptions>;
  private readonly batches: BatchIterator;
  private rng: Rng;
  private stepCount = 0;
  private metrics: Record<string, number> = {};

  constructor(data: ImageDataset, options: PixelCnnLabOptions = {}) {
    const seed = expectInteger(options.seed ?? DEFAULT_PIXEL_CNN.seed, 'options.seed', 0);
    const batchSize = expectInteger(options.batchSize ?? DEFAULT_PIXEL_CNN.batchSize, 'options.batchSize', 1, data.count);
    if (data.binarization !== 'dynamic' || data.valueRange[0] !== 0 || data.valueRange[1] !== 1) {
      throw new ArgumentError('data', 'dynamically binarized pixels in [0, 1]', `binarization ${data.binarization}, range [${data.valueRange.join(', ')}]`);
    }
    this.options = {
      seed,
      batchSize,
      layers: expectInteger(options.layers ?? DEFAULT_PIXEL_CNN.layers, 'options.layers', 1, 12),
      filters: expectInteger(options.filters ?? DEFAULT_PIXEL_CNN.filters, 'options.filters', 1, 128),
      learningRate: expectNumber(options.learningRate ?? DEFAULT_PIXEL_CNN.learningRate, 'options.learningRate', 0, 1, true),
    };
    this.model = createPixelCnn({
      imageShape: [28, 28, 1],
      architecture: 'gated',
      output: 'bernoulli',
      layers: this.options.layers,
      filters: this.options.filters,
      learningRate: this.options.learningRate,
      seed,
    });
    this.batches = data.batches({ batchSize, seed });
    this.rng = new Rng(seed).fork('pixelcnn-train');
  }

  get step(): number {
    return this.stepCount;
  }

  /** The last step's `loss` (nats per image) and `bitsPerDim`. */
  get lastMetrics(): Record<string, number> {
    return { ...this.metrics };
  }

  /** Runs `steps` maximum-likelihood steps; returns the last step's metrics. */
  train(steps: number): Record<string, number> {
    expectInteger(steps, 'steps', 0);
    for (let i = 0; i < steps; i++) {
      const batch = this.batches.next();
      try {
        this.metrics = this.model.trainStep(batch, { step: this.stepCount, rng: this.rng });
      } finally {
        tf.dispose([batch.x, ...(batch.y ? [batch.y] : [])]);
      }
      this.stepCount++;
    }
    return { ...this.metrics };
  }

  /** A pixel-by-pixel sampler of `count` images from `seed`. */
  sampler(count: number, seed: number): PixelSampler {
    return new PixelSampler(this.model, count, new Rng(expectInteger(seed, 'seed', 0)));
  }

  /** The run as plain arrays; {@link PixelCnnLab.load} continues it exactly. */
  async save(): Promise<SavedPixelCnn> {
    return {
      format: 'tfgen-web-pixelcnn',
      version: 1,
      options: { ...this.options },
      step: this.stepCount,
      rngState: this.rng.getState(),
      batchState: this.batches.getState(),
      metrics: { ...this.metrics },
      variables: await captureVariables(this.model.stateVariables()),
      optimizer: await captureOptimizer(this.model.optimizers().model, 'model'),
    };
  }

  /** Rebuilds a run saved by {@link PixelCnnLab.save} on `data` (the same dataset subset); a foreign record is a {@link CheckpointError}. */
  static async load(data: ImageDataset, saved: SavedPixelCnn): Promise<PixelCnnLab> {
    if (!saved || saved.format !== 'tfgen-web-pixelcnn' || saved.version !== 1) {
      throw new CheckpointError('saved PixelCNN', 'a tfgen-web-pixelcnn run, version 1', saved && typeof saved === 'object' ? `${saved.format} v${saved.version}` : saved);
    }
    const lab = new PixelCnnLab(data, saved.options);
    try {
      restoreVariables(lab.model.stateVariables(), saved.variables, 'saved PixelCNN');
      await restoreOptimizer(lab.model.optimizers().model, saved.optimizer, 'saved PixelCNN', 'model');
      lab.batches.setState(saved.batchState);
    } catch (error) {
      lab.dispose();
      throw error;
    }
    lab.stepCount = expectInteger(saved.step, 'saved.step', 0);
    lab.rng = Rng.fromState(saved.rngState);
    lab.metrics = { ...saved.metrics };
    return lab;
  }

  dispose(): void {
    this.model.dispose();
  }
}
