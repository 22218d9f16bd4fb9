import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@tfgen/core';
import type { Contender } from './contenders';

/** Losses per step, and how training went. */
export interface TrainingTrace {
  readonly losses: Record<string, number[]>;
  /** Steps whose losses were NaN/Inf; training stops at the first one (counted as a divergence). */
  readonly diverged: boolean;
  readonly divergedAtStep: number | null;
  readonly steps: number;
  readonly seconds: number;
  /** Process CPU seconds spent training (user + system): steadier than wall time on a shared machine. */
  readonly cpuSeconds: number;
}

/**
 * Trains `contender` for `steps` steps on batches from `nextBatch`, recording every loss. Stops at
 * the first non-finite loss (a divergence). Leaves no tensors behind (the batch is disposed here).
 * Yields to the event loop every 10 steps.
 */
export async function train(contender: Contender, nextBatch: (rng: Rng) => tf.Tensor, steps: number, seed: number, onStep?: (step: number) => void): Promise<TrainingTrace> {
  const rng = new Rng(seed).fork(`train/${contender.name}`);
  const dataRng = new Rng(seed).fork(`data/${contender.name}`);
  const losses: Record<string, number[]> = {};
  for (const key of contender.lossKeys) losses[key] = [];
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let divergedAtStep: number | null = null;
  for (let step = 0; step < steps; step++) {
    const x = nextBatch(dataRng);
    let metrics: Record<string, number>;
    try {
      metrics = contender.step(x, step, rng);
    } finally {
      x.dispose();
    }
    let finite = true;
    for (const key of contender.lossKeys) {
      const value = metrics[key];
      losses[key].push(value);
      if (!Number.isFinite(value)) finite = false;
    }
    onStep?.(step);
    if (step % 10 === 9) await yieldToEventLoop();
    if (!finite) {
      divergedAtStep = step;
      break;
    }
  }
  return {
    losses,
    diverged: divergedAtStep !== null,
    divergedAtStep,
    steps: losses[contender.lossKeys[0]].length,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: cpuSince(cpuStarted),
  };
}

/** Process CPU seconds (user + system) since `start` (a `process.cpuUsage()` reading). */
export function cpuSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Lets timers and signals run between synchronous chunks of work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Standard deviation of the main loss over the second half of training (lower = steadier). */
export function lateLossStd(trace: TrainingTrace, key: string): number {
  const values = trace.losses[key] ?? [];
  const late = values.slice(Math.floor(values.length / 2)).filter(Number.isFinite);
  if (late.length < 2) return NaN;
  const mean = late.reduce((s, v) => s + v, 0) / late.length;
  return Math.sqrt(late.reduce((s, v) => s + (v - mean) ** 2, 0) / (late.length - 1));
}

/** Times drawing `count` samples (after one warm-up call); returns the samples and samples/s. */
export function timedSample(contender: Contender, count: number, seed: number): { samples: tf.Tensor; perSecond: number } {
  const rng = new Rng(seed).fork(`sample/${contender.name}`);
  // warm-up call (kernel set-up); PixelCNN's 784 passes per sample amortize it already
  if (contender.name !== 'pixelcnn') tf.dispose(contender.sample(Math.min(count, 2), rng));
  const started = performance.now();
  const samples = contender.sample(count, rng);
  samples.dataSync();
  const seconds = (performance.now() - started) / 1000;
  return { samples, perSecond: count / Math.max(seconds, 1e-6) };
}
