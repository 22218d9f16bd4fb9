import { describe, expect, it } from 'vitest';
import { fastGemm } from './fast-conv';
import { FastKernelsRuntime } from './fast-kernels-runtime';
import { Rng } from './random';

/** C = A B in float64, the reference. */
function referenceProduct(a: Float32Array, b: Float32Array, rows: number, depth: number, columns: number): Float64Array {
  const c = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) for (let k = 0; k < depth; k++) for (let j = 0; j < columns; j++) c[i * columns + j]! += a[i * depth + k]! * b[k * columns + j]!;
  return c;
}

describe('FastKernelsRuntime', () => {
  it('splits a GEMM between the main thread and a worker, with the same result as one thread', async () => {
    const [rows, depth, columns] = [301, 77, 130];
    const rng = new Rng(3);
    const a = rng.normalArray(rows * depth);
    const b = rng.normalArray(depth * columns);
    const expected = referenceProduct(a, b, rows, depth, columns);
    const runtime = new FastKernelsRuntime();
    const product = () => {
      runtime.reset();
      const ao = runtime.put(a);
      const bo = runtime.put(b);
      const c = runtime.alloc(rows * columns);
      fastGemm(runtime, rows, columns, depth, { offset: ao, rowStride: depth, colStride: 1 }, { offset: bo, rowStride: columns, colStride: 1 }, c, columns);
      return Float32Array.from(runtime.view(c, rows * columns));
    };
    const single = product();
    expect(runtime.lastJob.onCallingThread).toBe(runtime.lastJob.tasks);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(single[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
    expect(worst).toBeLessThan(1e-5);
    runtime.setThreads(2);
    expect(runtime.threads).toBe(2);
    // The worker starts asynchronously; until it runs, the main thread does every task.
    let shared = false;
    for (let attempt = 0; attempt < 200 && !shared; attempt++) {
      const result = product();
      expect(result).toEqual(single); // each tile is computed by one thread in a fixed order
      shared = runtime.lastJob.onCallingThread < runtime.lastJob.tasks;
      if (!shared) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(shared).toBe(true);
    runtime.stopWorkers();
    expect(runtime.threads).toBe(1);
    expect(product()).toEqual(single);
    expect(runtime.lastJob.onCallingThread).toBe(runtime.lastJob.tasks);
  });

  it('rejects bad thread counts', () => {
    const runtime = new FastKernelsRuntime();
    expect(() => runtime.setThreads(0)).toThrow(/threads: expected an integer from 1 to 16, got 0/);
  });
});
