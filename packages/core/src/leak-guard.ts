import * as tf from '@tensorflow/tfjs-core';
import { TensorLeakError } from './errors';

/** Number of live tensors in the active engine. */
export function liveTensorCount(): number {
  return tf.memory().numTensors;
}

/**
 * Runs `fn` and throws a {@link TensorLeakError} if it changed the live tensor
 * count by anything other than the tensors it returned. Works for sync and async functions.
 */
export async function expectNoTensorLeak<T>(label: string, fn: () => T | Promise<T>): Promise<T> {
  const before = liveTensorCount();
  const result = await fn();
  const returned = countTensorsIn(result);
  const after = liveTensorCount();
  if (after - before !== returned) {
    throw new TensorLeakError(label, `${before + returned} live tensors (${before} before + ${returned} returned)`, after, `${after - before - returned} tensor(s) leaked`);
  }
  return result;
}

/** Synchronous variant of {@link expectNoTensorLeak}. */
export function expectNoTensorLeakSync<T>(label: string, fn: () => T): T {
  const before = liveTensorCount();
  const result = fn();
  const returned = countTensorsIn(result);
  const after = liveTensorCount();
  if (after - before !== returned) {
    throw new TensorLeakError(label, `${before + returned} live tensors (${before} before + ${returned} returned)`, after, `${after - before - returned} tensor(s) leaked`);
  }
  return result;
}

/** Counts distinct tensors reachable in a value (a tensor, array or plain object of tensors). */
export function countTensorsIn(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (value instanceof tf.Tensor) return value.isDisposed ? 0 : 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countTensorsIn(v, seen), 0);
  if (Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).reduce((n: number, v) => n + countTensorsIn(v, seen), 0);
  }
  return 0;
}
