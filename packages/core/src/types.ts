import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from './random';

/** JSON-serializable values (configs, iterator state, checkpoint metadata). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object (model configs, `StepMetrics`-like records, checkpoint headers). */
export type JsonObject = { [key: string]: JsonValue };

/** One batch of training data. `x` is the data, `y` optional labels (int32 class ids). */
export interface Batch {
  readonly x: tf.Tensor;
  readonly y?: tf.Tensor;
}

/**
 * The one iterator interface every dataset offers and the Trainer consumes.
 * `next()` hands ownership of the batch's tensors to the caller, who disposes
 * them (the Trainer does so after each step). The state is plain JSON so a
 * checkpoint can store it and a resumed run sees the same batches.
 */
export interface BatchIterator {
  /** The next batch; the caller owns (and disposes) its tensors. */
  next(): Batch;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  /** The position in the data (epoch, order, cursor) as JSON, for checkpoints. */
  getState(): JsonValue;
  /** Restores a position from {@link BatchIterator.getState}, so a resumed run sees the same batches. */
  setState(state: JsonValue): void;
}

/** What a step gets besides its batch. */
export interface StepContext {
  /** Zero-based index of this step in the run (continues across resumes). */
  readonly step: number;
  /** The run's generator for latent draws, noise and interpolation weights; checkpointed. */
  readonly rng: Rng;
  /**
   * Draws another batch from the same iterator, for steps that need several (e.g. five critic
   * updates per generator update, each on fresh real data). Batches drawn this way are disposed
   * by the Trainer after the step, like the step's own batch. Absent when there is no iterator.
   */
  readonly nextBatch?: () => Batch;
}

/** Scalar results of one step, keyed like `loss/generator`, `penalty/gradient`. */
export type StepMetrics = Record<string, number>;

/**
 * One piece of state a checkpoint saves and restores: a model weight, a
 * non-trainable buffer (batch-norm statistics, spectral-norm vectors), an EMA copy.
 * tfjs-layers `LayerVariable`s and `tf.Variable`s adapt to this (see `stateOfVariables`).
 */
export interface StateVariable {
  readonly name: string;
  /** The current value (not a copy the caller must dispose). */
  read(): tf.Tensor;
  /** Overwrites the value; the shape must match. */
  write(value: tf.Tensor): void;
}

/**
 * Anything the Trainer can train: GANs (the strategies' GAN step) and explicit
 * models (VAE, PixelCNN, WaveNet) alike.
 */
export interface TrainableModel {
  /** Short model kind, stored in checkpoints and checked on load, e.g. `gan/dcgan` or `vae`. */
  readonly kind: string;
  /** One optimization step. Must leave `tf.memory().numTensors` unchanged. */
  trainStep(batch: Batch, context: StepContext): StepMetrics | Promise<StepMetrics>;
  /** Every variable a checkpoint must hold to resume exactly (optimizer slots excluded). */
  stateVariables(): StateVariable[];
  /** The optimizers by role (`generator`, `discriminator`, `model`); their slots are checkpointed. */
  optimizers(): Record<string, tf.Optimizer>;
  /** Draws `count` samples for sample-image callbacks; images are NHWC in [-1, 1]. Optional. */
  sample?(count: number, rng: Rng): tf.Tensor;
  /** The configuration that rebuilds this model; stored in checkpoints. */
  config(): JsonObject;
}

/** Variables with a name and read/write, as `tf.Variable` and tfjs-layers' `LayerVariable` have. */
export interface VariableLike {
  readonly name: string;
  /** Current value (tfjs-layers `LayerVariable`). */
  read?(): tf.Tensor;
  /** Overwrites the value (tfjs-layers `LayerVariable`). */
  write?(value: tf.Tensor): unknown;
  /** Overwrites the value (`tf.Variable`). */
  assign?(value: tf.Tensor): void;
}
