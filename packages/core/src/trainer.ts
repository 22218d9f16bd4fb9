import * as tf from '@tensorflow/tfjs-core';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointContents } from './checkpoint';
import type { CheckpointStore } from './checkpoint-store';
import { ArgumentError, CheckpointError, DivergenceError, TensorLeakError, expectInteger, expectNumber, expectOneOf } from './errors';
import { captureOptimizer, captureVariables, restoreOptimizer, restoreVariables } from './model-state';
import { Rng } from './random';
import type { BatchIterator, JsonObject, StepMetrics, TrainableModel } from './types';

/** What callbacks see about the run in progress. */
export interface TrainInfo {
  readonly trainer: Trainer;
  readonly model: TrainableModel;
  /** The step count the run ends at (total, across resumes). */
  readonly totalSteps: number;
  /** Completed steps when this `fit` began (non-zero after a resume). */
  readonly startStep: number;
  /** `performance.now()` when this `fit` began. */
  readonly startTime: number;
}

/** Details of a divergence the Trainer recovered from by rolling back. */
export interface RollbackEvent {
  /** The zero-based step whose metrics diverged. */
  readonly step: number;
  readonly metric: string;
  readonly value: number;
  /** Completed steps in the checkpoint restored. */
  readonly restoredStep: number;
  /** 1 for the first rollback of this fit. */
  readonly rollback: number;
  readonly message: string;
}

/**
 * Hooks into the training loop. `step` in `onStepEnd` is the number of completed steps
 * (1 after the first step), so `step % 100 === 0` fires every 100 steps.
 */
export interface TrainerCallback {
  /** Called once before the first step of `fit` (after a resume has restored the state). */
  onTrainBegin?(info: TrainInfo): void | Promise<void>;
  /** Called after every step with its metrics (the step index is zero-based). */
  onStepEnd?(step: number, metrics: StepMetrics, info: TrainInfo): void | Promise<void>;
  /** Called when the divergence guard rolled the run back to its last checkpoint. */
  onRollback?(event: RollbackEvent, info: TrainInfo): void | Promise<void>;
  /** Called once when `fit` ends, also when it ends by an error (then `summary.stopReason` is `diverged` or `failed`). */
  onTrainEnd?(summary: FitSummary, info: TrainInfo): void | Promise<void>;
}

/** How the Trainer reacts to a NaN, Inf or exploding metric. */
export interface DivergenceOptions {
  /** `stop` throws a DivergenceError; `rollback` restores the last checkpoint and goes on; `off` does nothing. Default `stop`. */
  readonly policy?: 'stop' | 'rollback' | 'off';
  /** A metric with `|value| > threshold` counts as diverged. Default 1e6. */
  readonly threshold?: number;
  /** Rollbacks allowed per `fit` before giving up with a DivergenceError. Default 3. */
  readonly maxRollbacks?: number;
  /** Without a checkpoint store, keep an in-memory snapshot for rollbacks every this many steps. Default 100. */
  readonly snapshotEvery?: number;
}

/** Options fixed for a Trainer's lifetime. */
export interface TrainerOptions {
  /** Seeds the root generator handed to every step as `context.rng`. Default 0. */
  readonly seed?: number | string;
  readonly callbacks?: readonly TrainerCallback[];
  /** What to do when a step leaves tensors behind. Default `throw`. */
  readonly leakGuard?: 'throw' | 'warn' | 'off';
  readonly divergence?: DivergenceOptions;
  /** Where warnings and rollback messages go. Default `console.warn`. */
  readonly log?: (message: string) => void;
}

/** Options of one `fit` call. Give exactly one of `steps` and `epochs`. */
export interface FitOptions {
  /** Total steps of the run (a resumed run continues up to this count). */
  readonly steps?: number;
  /** Total epochs; `epochs * data.batchesPerEpoch` steps. */
  readonly epochs?: number;
  /** Callbacks for this call only, after the Trainer's own. */
  readonly callbacks?: readonly TrainerCallback[];
  /** Continue from checkpoint bytes, or from a store's latest checkpoint (a store with none starts fresh). */
  readonly resumeFrom?: Uint8Array | CheckpointStore;
  /** Write a checkpoint every `every` steps (default 100), when `stop()` is called, and at the end. */
  readonly checkpoint?: { readonly store: CheckpointStore; readonly every?: number };
  /** Free-form JSON stored in every checkpoint (e.g. the command line that started the run). */
  readonly extra?: JsonObject;
}

/** What `fit` returns. */
export interface FitSummary {
  /** Completed steps in total (across resumes). */
  readonly steps: number;
  /** Steps run by this call. */
  readonly stepsThisRun: number;
  /** Metrics of the last completed step. */
  readonly metrics: StepMetrics;
  readonly seconds: number;
  readonly stepsPerSecond: number;
  readonly stopReason: 'completed' | 'stopped' | 'diverged' | 'failed';
  readonly rollbacks: number;
  /** The step the run resumed from, or null for a fresh start. */
  readonly resumedFrom: number | null;
}

/**
 * Runs any {@link TrainableModel} (GAN steps and explicit models alike) over a
 * {@link BatchIterator}: disposes each batch, guards against tensor leaks and
 * NaN/Inf/exploding metrics, runs callbacks, writes checkpoints and resumes exactly.
 *
 * One seed reproduces a run: build the model inside `withSeededRandom(new Rng(seed).fork('init'), ...)`,
 * draw latents and noise in `trainStep` from `context.rng` (the Trainer's root generator, which
 * checkpoints store), and shuffle data with a seeded iterator whose `getState` is checkpointed.
 *
 * @example
 * const trainer = new Trainer(model, { seed: 1, callbacks: [progressCallback()] });
 * const summary = await trainer.fit(data, { steps: 1000, checkpoint: { store, every: 100 }, resumeFrom: store });
 */
export class Trainer {
  readonly model: TrainableModel;
  /** The run's root generator (`context.rng` of every step). */
  readonly rng: Rng;
  private readonly callbacks: readonly TrainerCallback[];
  private readonly leakGuard: 'throw' | 'warn' | 'off';
  private readonly policy: 'stop' | 'rollback' | 'off';
  private readonly threshold: number;
  private readonly maxRollbacks: number;
  private readonly snapshotEvery: number;
  private readonly log: (message: string) => void;
  private completedSteps = 0;
  private stopRequested = false;
  private lastMetrics: StepMetrics = {};

  constructor(model: TrainableModel, options: TrainerOptions = {}) {
    if (!model || typeof model.trainStep !== 'function' || typeof model.stateVariables !== 'function' || typeof model.optimizers !== 'function') {
      throw new ArgumentError('model', 'a TrainableModel (kind, trainStep, stateVariables, optimizers, config)', model);
    }
    this.model = model;
    this.rng = new Rng(options.seed ?? 0);
    this.callbacks = [...(options.callbacks ?? [])];
    this.leakGuard = expectOneOf(options.leakGuard ?? 'throw', 'options.leakGuard', ['throw', 'warn', 'off'] as const);
    const divergence = options.divergence ?? {};
    this.policy = expectOneOf(divergence.policy ?? 'stop', 'options.divergence.policy', ['stop', 'rollback', 'off'] as const);
    this.threshold = expectNumber(divergence.threshold ?? 1e6, 'options.divergence.threshold', 0, Infinity, true);
    this.maxRollbacks = expectInteger(divergence.maxRollbacks ?? 3, 'options.divergence.maxRollbacks', 0);
    this.snapshotEvery = expectInteger(divergence.snapshotEvery ?? 100, 'options.divergence.snapshotEvery', 1);
    this.log = options.log ?? ((message) => console.warn(message));
  }

  /** Completed steps so far (restored by a resume). */
  get step(): number {
    return this.completedSteps;
  }

  /** Asks a running `fit` to finish its current step, write a checkpoint (if it has a store) and return. For Ctrl-C. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Captures the whole training state: model variables, optimizer slots, step, RNG and data state. */
  async captureState(data: BatchIterator | null, extra?: JsonObject): Promise<CheckpointContents> {
    const variables = await captureVariables(this.model.stateVariables());
    const optimizers: Record<string, Awaited<ReturnType<typeof captureOptimizer>>> = {};
    for (const [role, optimizer] of Object.entries(this.model.optimizers())) optimizers[role] = await captureOptimizer(optimizer, role);
    return {
      kind: this.model.kind,
      config: this.model.config(),
      step: this.completedSteps,
      rngState: this.rng.getState(),
      dataState: data ? data.getState() : null,
      metrics: { ...this.lastMetrics },
      ...(extra ? { extra } : {}),
      variables,
      optimizers,
    };
  }

  /** The encoded checkpoint of the current state (see {@link encodeCheckpoint}). */
  async checkpoint(data: BatchIterator | null, extra?: JsonObject): Promise<Uint8Array> {
    return encodeCheckpoint(await this.captureState(data, extra));
  }

  /**
   * Restores a checkpoint (bytes or decoded) into the model, its optimizers, the step counter,
   * the RNG and (when given) the data iterator. A checkpoint of another model kind, or with
   * missing or mis-shaped variables, throws a CheckpointError naming `source` and leaves the model as it was.
   */
  async restore(checkpoint: Uint8Array | CheckpointContents, data: BatchIterator | null, source = 'checkpoint'): Promise<CheckpointContents> {
    const contents = checkpoint instanceof Uint8Array ? decodeCheckpoint(checkpoint, source) : checkpoint;
    if (contents.kind !== this.model.kind) {
      throw new CheckpointError(source, `a checkpoint of model kind ${JSON.stringify(this.model.kind)}`, contents.kind, 'it was written by another model');
    }
    const optimizers = this.model.optimizers();
    const savedRoles = Object.keys(contents.optimizers).sort();
    const roles = Object.keys(optimizers).sort();
    if (savedRoles.join(',') !== roles.join(',')) {
      throw new CheckpointError(`${source}: optimizers`, `roles [${roles.join(', ')}]`, savedRoles);
    }
    restoreVariables(this.model.stateVariables(), contents.variables, source);
    for (const role of roles) await restoreOptimizer(optimizers[role], contents.optimizers[role], source, role);
    this.rng.setState(contents.rngState);
    this.completedSteps = contents.step;
    this.lastMetrics = { ...(contents.metrics ?? {}) };
    if (data) data.setState(contents.dataState);
    if (JSON.stringify(contents.config) !== JSON.stringify(this.model.config())) {
      this.log(`tfgen: ${source} was written with another model config; restored anyway (same variables). Saved: ${JSON.stringify(contents.config)}`);
    }
    return contents;
  }

  /** Trains until `steps` (or `epochs`) are done, `stop()` is called, or a guard throws. */
  async fit(data: BatchIterator, options: FitOptions): Promise<FitSummary> {
    if (!data || typeof data.next !== 'function') throw new ArgumentError('data', 'a BatchIterator', data);
    if ((options.steps === undefined) === (options.epochs === undefined)) {
      throw new ArgumentError('options', 'exactly one of `steps` and `epochs`', { steps: options.steps, epochs: options.epochs });
    }
    const totalSteps =
      options.steps !== undefined
        ? expectInteger(options.steps, 'options.steps', 0)
        : expectInteger(options.epochs, 'options.epochs', 0) * expectInteger(data.batchesPerEpoch, 'data.batchesPerEpoch', 1);
    const store = options.checkpoint?.store;
    const every = expectInteger(options.checkpoint?.every ?? 100, 'options.checkpoint.every', 1);
    const callbacks = [...this.callbacks, ...(options.callbacks ?? [])];
    this.stopRequested = false;

    let resumedFrom: number | null = null;
    if (options.resumeFrom) {
      const isBytes = options.resumeFrom instanceof Uint8Array;
      const bytes = isBytes ? (options.resumeFrom as Uint8Array) : await (options.resumeFrom as CheckpointStore).load();
      const source = isBytes ? 'resumeFrom' : (options.resumeFrom as CheckpointStore).location;
      if (bytes) {
        await this.restore(bytes, data, source);
        resumedFrom = this.completedSteps;
      }
    }

    const startTime = now();
    const info: TrainInfo = { trainer: this, model: this.model, totalSteps, startStep: this.completedSteps, startTime };
    let lastGood: { bytes: Uint8Array; step: number } | null = null;
    let lastSavedStep = -1;
    let rollbacks = 0;
    let stepsThisRun = 0;
    let firstStep = true;

    const saveCheckpoint = async (): Promise<void> => {
      const bytes = await this.checkpoint(data, options.extra);
      if (store) {
        await store.save(bytes, this.completedSteps);
        lastSavedStep = this.completedSteps;
      }
      lastGood = { bytes, step: this.completedSteps };
    };
    const summary = (stopReason: FitSummary['stopReason']): FitSummary => {
      const seconds = (now() - startTime) / 1000;
      return {
        steps: this.completedSteps,
        stepsThisRun,
        metrics: { ...this.lastMetrics },
        seconds,
        stepsPerSecond: seconds > 0 ? stepsThisRun / seconds : 0,
        stopReason,
        rollbacks,
        resumedFrom,
      };
    };

    try {
      for (const callback of callbacks) await callback.onTrainBegin?.(info);
      if (this.policy === 'rollback') lastGood = { bytes: await this.checkpoint(data, options.extra), step: this.completedSteps };

      while (this.completedSteps < totalSteps && !this.stopRequested) {
        const step = this.completedSteps;
        // Drop any cached spare normal so the stream depends only on the saved state: a run
        // that checkpoints (and so resets) draws exactly what an uninterrupted run draws.
        this.rng.setState(this.rng.getState());
        const metrics = await this.runStep(data, step, firstStep);
        firstStep = false;
        const bad = this.policy === 'off' ? null : this.findDivergence(metrics);
        if (bad) {
          const [metric, value] = bad;
          const expected = `a finite value with |value| <= ${this.threshold}`;
          if (this.policy === 'stop' || rollbacks >= this.maxRollbacks || !lastGood) {
            const detail = this.policy === 'rollback' ? `at step ${step}, after ${rollbacks} rollback(s)` : `at step ${step}`;
            throw new DivergenceError(`metrics[${JSON.stringify(metric)}]`, expected, value, step, detail);
          }
          rollbacks++;
          const good: { bytes: Uint8Array; step: number } = lastGood;
          await this.restore(good.bytes, null, 'last checkpoint');
          // Replaying the same draws would diverge the same way: move the RNG to a fresh
          // stream (still a function of the seed) and let the data iterator run on.
          this.rng.setState(this.rng.fork(`rollback-${rollbacks}`).getState());
          const message = `tfgen: metric ${metric} = ${value} at step ${step}; rolled back to the checkpoint at step ${good.step} (rollback ${rollbacks} of ${this.maxRollbacks}).`;
          this.log(message);
          const event: RollbackEvent = { step, metric, value, restoredStep: good.step, rollback: rollbacks, message };
          for (const callback of callbacks) await callback.onRollback?.(event, info);
          firstStep = true; // the restored optimizer may re-create slots it did not have then
          continue;
        }
        this.completedSteps = step + 1;
        this.lastMetrics = metrics;
        stepsThisRun++;
        for (const callback of callbacks) await callback.onStepEnd?.(this.completedSteps, metrics, info);
        // Let signal handlers, timers and UI events run (a sync trainStep never yields on its own).
        await yieldToEventLoop();
        if (store && this.completedSteps % every === 0) await saveCheckpoint();
        else if (!store && this.policy === 'rollback' && this.completedSteps % this.snapshotEvery === 0) await saveCheckpoint();
      }
      if (store && lastSavedStep !== this.completedSteps) await saveCheckpoint();
      const result = summary(this.stopRequested && this.completedSteps < totalSteps ? 'stopped' : 'completed');
      for (const callback of callbacks) await callback.onTrainEnd?.(result, info);
      return result;
    } catch (error) {
      const result = summary(error instanceof DivergenceError ? 'diverged' : 'failed');
      for (const callback of callbacks) {
        try {
          await callback.onTrainEnd?.(result, info);
        } catch {
          // the original error matters more
        }
      }
      throw error;
    }
  }

  private async runStep(data: BatchIterator, step: number, firstStep: boolean): Promise<StepMetrics> {
    const engine = tf.engine();
    const tensorsBefore = tf.memory().numTensors;
    const variablesBefore = Object.keys(engine.registeredVariables).length;
    let metrics: StepMetrics;
    const batches = [data.next()];
    const nextBatch = () => {
      const extra = data.next();
      batches.push(extra);
      return extra;
    };
    try {
      metrics = await this.model.trainStep(batches[0], { step, rng: this.rng, nextBatch });
    } finally {
      for (const batch of batches) {
        if (!batch.x.isDisposed) batch.x.dispose();
        if (batch.y && !batch.y.isDisposed) batch.y.dispose();
      }
    }
    if (!metrics || typeof metrics !== 'object') throw new ArgumentError(`trainStep() result at step ${step}`, 'an object of numbers', metrics);
    for (const [key, value] of Object.entries(metrics)) {
      if (typeof value !== 'number') throw new ArgumentError(`trainStep() result[${JSON.stringify(key)}] at step ${step}`, 'a number', value);
    }
    if (this.leakGuard !== 'off') {
      const grown = tf.memory().numTensors - tensorsBefore;
      const newVariables = Object.keys(engine.registeredVariables).length - variablesBefore;
      // The first step of a fit may create lasting state (optimizer slots, cached data).
      const leaked = firstStep ? grown - newVariables : grown;
      if (leaked > 0) {
        const error = new TensorLeakError(
          `trainStep() at step ${step}`,
          `${tensorsBefore} live tensors after the step`,
          tensorsBefore + grown,
          `${leaked} tensor(s) left behind by step ${step}; wrap the step's math in tf.tidy or dispose intermediates`,
        );
        if (this.leakGuard === 'throw') throw error;
        this.log(`tfgen: ${error.message}`);
      }
    }
    return metrics;
  }

  private findDivergence(metrics: StepMetrics): [string, number] | null {
    for (const [key, value] of Object.entries(metrics)) {
      if (!Number.isFinite(value) || Math.abs(value) > this.threshold) return [key, value];
    }
    return null;
  }
}

let lastYield = 0;
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (immediate) return new Promise((resolve) => void immediate(resolve));
  // Browsers: setTimeout is clamped to >= 4 ms, so yield at most every 50 ms.
  if (now() - lastYield < 50) return Promise.resolve();
  lastYield = now();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
