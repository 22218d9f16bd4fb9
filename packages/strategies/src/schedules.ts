import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, expectInteger, expectNumber } from '@tfgen/core';

/** A learning rate as a function of the (zero-based) training step of its network. */
export type LearningRateSchedule = (step: number) => number;

/** The same rate at every step. */
export function constantSchedule(learningRate: number): LearningRateSchedule {
  expectNumber(learningRate, 'learningRate', 0, Infinity, true);
  return () => learningRate;
}

/**
 * Linear decay from `initial` to `final` over `steps`, starting at `startStep`
 * (constant before; `final` after). BigGAN/WGAN-GP style "decay to zero".
 */
export function linearDecay(options: { initial: number; final?: number; steps: number; startStep?: number }): LearningRateSchedule {
  const initial = expectNumber(options?.initial, 'initial', 0, Infinity, true);
  const final = expectNumber(options.final ?? 0, 'final', 0);
  const steps = expectInteger(options.steps, 'steps', 1);
  const start = expectInteger(options.startStep ?? 0, 'startStep', 0);
  return (step) => {
    const t = Math.min(1, Math.max(0, (step - start) / steps));
    return initial + (final - initial) * t;
  };
}

/** `initial * decayRate^(step / decaySteps)`; with `staircase` the exponent is floored. */
export function exponentialDecay(options: {
  initial: number;
  decayRate: number;
  decaySteps: number;
  staircase?: boolean;
}): LearningRateSchedule {
  const initial = expectNumber(options?.initial, 'initial', 0, Infinity, true);
  const rate = expectNumber(options.decayRate, 'decayRate', 0, 1, true);
  const decaySteps = expectInteger(options.decaySteps, 'decaySteps', 1);
  const staircase = options.staircase ?? false;
  return (step) => {
    const exponent = step / decaySteps;
    return initial * rate ** (staircase ? Math.floor(exponent) : exponent);
  };
}

/**
 * Cosine decay from `initial` to `final` over `steps`, after an optional linear
 * warm-up from 0 over `warmupSteps`.
 */
export function cosineDecay(options: { initial: number; steps: number; final?: number; warmupSteps?: number }): LearningRateSchedule {
  const initial = expectNumber(options?.initial, 'initial', 0, Infinity, true);
  const steps = expectInteger(options.steps, 'steps', 1);
  const final = expectNumber(options.final ?? 0, 'final', 0);
  const warmup = expectInteger(options.warmupSteps ?? 0, 'warmupSteps', 0);
  return (step) => {
    if (step < warmup) return (initial * (step + 1)) / warmup;
    const t = Math.min(1, (step - warmup) / steps);
    return final + 0.5 * (initial - final) * (1 + Math.cos(Math.PI * t));
  };
}

/**
 * Sets a tfjs optimizer's learning rate in place (between steps). SGD and momentum
 * cache it as a tensor (`setLearningRate`); Adam, Adamax, RMSProp, Adagrad and
 * Adadelta read the `learningRate` field at each `applyGradients`.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  expectNumber(learningRate, 'learningRate', 0);
  const target = optimizer as unknown as { learningRate?: number; setLearningRate?: (lr: number) => void };
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else if (typeof target.learningRate === 'number') target.learningRate = learningRate;
  else throw new ArgumentError('optimizer', 'a tfjs optimizer with a learningRate', optimizer?.getClassName?.() ?? optimizer);
}

/** Reads a tfjs optimizer's current learning rate. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const rate = (optimizer as unknown as { learningRate?: number }).learningRate;
  if (typeof rate !== 'number') throw new ArgumentError('optimizer', 'a tfjs optimizer with a learningRate', optimizer);
  return rate;
}
