import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { MemoryCheckpointStore, Rng, Trainer, type Batch, type BatchIterator, type JsonValue } from '@tfgen/core';
import { createVae } from './vae';
import { createWaveNet } from './wavenet';

/** A seeded, resumable iterator over rows of an in-memory array. */
function rowsIterator(rows: number[][], batchSize: number, seed: number, dtype: 'float32' | 'int32' = 'float32'): BatchIterator {
  let rng = new Rng(seed);
  let order = rng.permutation(rows.length);
  let cursor = 0;
  return {
    batchSize,
    batchesPerEpoch: Math.floor(rows.length / batchSize),
    next(): Batch {
      if (cursor + batchSize > rows.length) {
        order = rng.permutation(rows.length);
        cursor = 0;
      }
      const picked = Array.from(order.subarray(cursor, cursor + batchSize), (i) => rows[i]);
      cursor += batchSize;
      return { x: tf.tensor2d(picked, undefined, dtype) };
    },
    getState(): JsonValue {
      return { rng: [...rng.getState()], order: Array.from(order), cursor };
    },
    setState(state: JsonValue) {
      const s = state as { rng: [number, number, number, number]; order: number[]; cursor: number };
      rng = Rng.fromState(s.rng);
      order = Int32Array.from(s.order);
      cursor = s.cursor;
    },
  };
}

const binaryRows = (() => {
  const rng = new Rng(1);
  return Array.from({ length: 64 }, () => Array.from({ length: 12 }, () => (rng.next() < 0.3 ? 1 : 0)));
})();

async function weightsOf(model: { stateVariables(): { name: string; read(): tf.Tensor }[] }): Promise<number[]> {
  return model.stateVariables().flatMap((v) => Array.from(v.read().dataSync()));
}

describe('explicit models under the core Trainer', () => {
  it('trains a VAE with the leak guard on, and a checkpointed resume equals an uninterrupted run', async () => {
    const options = { inputShape: [12], latentDim: 2, hiddenUnits: [8], learningRate: 0.01, seed: 4 } as const;
    const straight = createVae(options);
    const summary = await new Trainer(straight, { seed: 9 }).fit(rowsIterator(binaryRows, 16, 2), { steps: 12 });
    expect(summary.steps).toBe(12);
    expect(Number.isFinite(summary.metrics.elbo)).toBe(true);

    const store = new MemoryCheckpointStore();
    const first = createVae(options);
    await new Trainer(first, { seed: 9 }).fit(rowsIterator(binaryRows, 16, 2), { steps: 6, checkpoint: { store, every: 3 } });
    const resumed = createVae(options);
    const after = await new Trainer(resumed, { seed: 9 }).fit(rowsIterator(binaryRows, 16, 2), { steps: 12, resumeFrom: store });
    expect(after.resumedFrom).toBe(6);
    const a = await weightsOf(straight);
    const b = await weightsOf(resumed);
    expect(b.length).toBe(a.length);
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i], 5));
    [straight, first, resumed].forEach((m) => m.dispose());
  });

  it('trains a WaveNet on integer codes', async () => {
    const model = createWaveNet({ dilations: [1, 2], residualChannels: 4, skipChannels: 4, levels: 8, seed: 1 });
    const rows = Array.from({ length: 8 }, (_, i) => Array.from({ length: 16 }, (_, t) => (i + t) % 8));
    const summary = await new Trainer(model, { seed: 1 }).fit(rowsIterator(rows, 4, 3, 'int32'), { steps: 4 });
    expect(summary.steps).toBe(4);
    expect(summary.metrics.loss).toBeGreaterThan(0);
    model.dispose();
  });
});
