import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError, expectInteger } from './errors';
import { imageGrid, type ImageGrid, type ImageGridOptions } from './image-grid';
import { Rng } from './random';
import type { TrainerCallback } from './trainer';

/** One sample sheet handed to a {@link SampleImagesOptions.write} sink. */
export interface SampleSheet {
  /** Completed steps when the samples were drawn. */
  readonly step: number;
  /** `step-000100.png`: zero-padded so files sort by step. */
  readonly fileName: string;
  readonly grid: ImageGrid;
}

/** Options of {@link sampleImagesCallback}. */
export interface SampleImagesOptions extends ImageGridOptions {
  /** Draw a sheet every this many steps (and at the end of training). */
  readonly every: number;
  /** Images per sheet. Default 64. */
  readonly count?: number;
  /** Seed of the fixed sampling generator: every sheet uses the same latents, so sheets over time are comparable. Default `'samples'`. */
  readonly seed?: number | string;
  /** Receives each sheet (the node entry's `sampleImageFiles(dir)` writes PNGs). */
  readonly write: (sheet: SampleSheet) => void | Promise<void>;
}

/**
 * Periodically draws `model.sample(count, rng)` with a fixed, separate generator (it never
 * touches the Trainer's RNG, so sampling does not change the training run) and hands the
 * tiled RGBA grid to `write`.
 */
export function sampleImagesCallback(options: SampleImagesOptions): TrainerCallback {
  const every = expectInteger(options?.every, 'options.every', 1);
  const count = expectInteger(options.count ?? 64, 'options.count', 1);
  if (typeof options.write !== 'function') throw new ArgumentError('options.write', 'a function receiving each sample sheet', options.write);
  const seedState = new Rng(options.seed ?? 'samples').getState();
  let lastSheet = -1;
  const draw = async (step: number, model: { sample?(count: number, rng: Rng): tf.Tensor }) => {
    lastSheet = step;
    const images = model.sample!(count, Rng.fromState(seedState));
    let grid: ImageGrid;
    try {
      if (images.rank !== 4) throw new ShapeError('model.sample() result', 'NHWC images of rank 4', images.shape);
      grid = imageGrid(images, options);
    } finally {
      images.dispose();
    }
    await options.write({ step, fileName: `step-${String(step).padStart(6, '0')}.png`, grid });
  };
  return {
    onTrainBegin: (info) => {
      if (typeof info.model.sample !== 'function') throw new ArgumentError('model.sample', `a sample(count, rng) method on model kind ${JSON.stringify(info.model.kind)}`, undefined);
      lastSheet = -1;
    },
    onStepEnd: async (step, _metrics, info) => {
      if (step % every === 0) await draw(step, info.model);
    },
    onTrainEnd: async (summary, info) => {
      if (summary.stopReason !== 'failed' && summary.stopReason !== 'diverged' && summary.stepsThisRun > 0 && lastSheet !== summary.steps) {
        await draw(summary.steps, info.model);
      }
    },
  };
}
