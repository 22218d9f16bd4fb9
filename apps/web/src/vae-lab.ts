import * as tf from '@tensorflow/tfjs-core';
import { Rng, expectInteger, imageGrid, type BatchIterator, type ImageGrid } from '@tfgen/core';
import type { ImageDataset } from '@tfgen/datasets';
import { createVae, type Vae } from '@tfgen/explicit';

import { MNIST_FILES } from './assets';
import { imageSubset } from './image-subset';

export { MNIST_FILES };
/** Side of the decoded latent grid. */
export const LATENT_GRID_SIZE = 12;
/** Images in the fixed evaluation batch (its negative ELBO is the number shown). */
export const EVAL_IMAGES = 200;
/** Steps of the interpolation strip between two fixed digits. */
export const INTERPOLATION_STEPS = 10;

/** Options of {@link VaeLab}. */
export interface VaeLabOptions {
  seed?: number;
  batchSize?: number;
  hiddenUnits?: number;
  learningRate?: number;
}

/** What the Images tab draws, as plain arrays (RGBA grids). */
export interface VaeView {
  step: number;
  /** Decoder means over z in [-2, 2]^2: the 2D latent manifold. */
  latentGrid: ImageGrid;
  /** Decoder means along the line between the codes of two fixed test digits. */
  interpolation: ImageGrid;
  /** Mean negative ELBO (nats per image) of a fixed batch, with dynamic binarization off (grey levels as Bernoulli means). */
  evalLoss: number;
  metrics: Record<string, number>;
  history: { step: number; loss: number }[];
}

/**
 * Parses the app's MNIST IDX bytes (uint8 `[n, 28, 28]` images, `[n]` labels) into a dataset with
 * pixels in [0, 1], dynamically binarized per batch. Bad or mismatched files are a {@link DataError}.
 */
export function mnistSubset(imageBytes: Uint8Array, labelBytes: Uint8Array): ImageDataset {
  return imageSubset('mnist', imageBytes, labelBytes, { scale: '[0,1]', binarization: 'dynamic' });
}

/**
 * A VAE with a 2-D latent space (Kingma & Welling 2014, from @tfgen/explicit) trained on an MNIST
 * subset, with the views the Images tab shows: the decoded latent grid and an interpolation.
 */
export class VaeLab {
  readonly vae: Vae;
  private readonly batches: BatchIterator;
  private readonly rng: Rng;
  private readonly evalBatch: tf.Tensor;
  private stepCount = 0;
  private metrics: Record<string, number> = {};
  private history: { step: number; loss: number }[] = [];

  constructor(data: ImageDataset, options: VaeLabOptions = {}) {
    const seed = expectInteger(options.seed ?? 1, 'options.seed', 0);
    const batchSize = expectInteger(options.batchSize ?? 64, 'options.batchSize', 1, data.count);
    const hiddenUnits = expectInteger(options.hiddenUnits ?? 256, 'options.hiddenUnits', 1);
    this.vae = createVae({ inputShape: [28, 28, 1], latentDim: 2, hiddenUnits: [hiddenUnits, hiddenUnits], decoder: 'bernoulli', learningRate: options.learningRate ?? 1e-3, seed });
    this.batches = data.batches({ batchSize, seed });
    this.rng = new Rng(seed).fork('vae-train');
    this.evalBatch = data.toTensor(0, Math.min(EVAL_IMAGES, data.count));
  }

  get step(): number {
    return this.stepCount;
  }

  /** Runs `steps` ELBO steps on fresh batches; returns the last step's metrics (`loss`, `elbo`, `kl`, `reconstruction`). */
  train(steps: number): Record<string, number> {
    expectInteger(steps, 'steps', 0);
    for (let i = 0; i < steps; i++) {
      const batch = this.batches.next();
      try {
        this.metrics = this.vae.trainStep(batch, { step: this.stepCount, rng: this.rng });
      } finally {
        tf.dispose([batch.x, ...(batch.y ? [batch.y] : [])]);
      }
      this.stepCount++;
      this.history.push({ step: this.stepCount, loss: this.metrics.loss });
      if (this.history.length > 2000) this.history = this.history.filter((_, k) => k % 2 === 1);
    }
    return { ...this.metrics };
  }

  /** Mean negative ELBO of the fixed evaluation batch (one posterior sample, fixed seed: deterministic). */
  evalLoss(): number {
    return tf.tidy(() => -tf.mean(this.vae.elbo(this.evalBatch, 0)).dataSync()[0]);
  }

  view(): VaeView {
    const grid = (make: () => tf.Tensor4D, columns: number, padding: number): ImageGrid => {
      const images = tf.tidy(make);
      try {
        return imageGrid(images, { range: '[0,1]', columns, padding });
      } finally {
        images.dispose();
      }
    };
    const latentGrid = grid(() => tf.expandDims(this.vae.latentGrid({ size: LATENT_GRID_SIZE, range: 2 }), 0) as tf.Tensor4D, 1, 0);
    const interpolation = grid(() => {
      const a = tf.slice(this.evalBatch, [0, 0, 0, 0], [1, 28, 28, 1]);
      const b = tf.slice(this.evalBatch, [1, 0, 0, 0], [1, 28, 28, 1]);
      return tf.reshape(this.vae.interpolate(a, b, INTERPOLATION_STEPS), [INTERPOLATION_STEPS, 28, 28, 1]) as tf.Tensor4D;
    }, INTERPOLATION_STEPS, 1);
    return { step: this.stepCount, latentGrid, interpolation, evalLoss: this.evalLoss(), metrics: { ...this.metrics }, history: this.history.slice() };
  }

  dispose(): void {
    this.evalBatch.dispose();
    this.vae.dispose();
  }
}
