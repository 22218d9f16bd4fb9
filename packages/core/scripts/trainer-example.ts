// The README's Trainer example: fits y = sin(3x) with a tiny MLP, with progress, a JSONL log
// and checkpoints; run it twice and the second run resumes from the checkpoint.
// Run (after `pnpm build`): cd packages/core && npx tsx scripts/trainer-example.ts
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, Trainer, progressCallback, stateOfVariables, withSeededRandom, type BatchIterator, type TrainableModel } from '@tfgen/core';
import { FileCheckpointStore, jsonlFileLog, stopOnSignal } from '@tfgen/core/node';

await tf.setBackend('cpu');
const seed = 1;

// A model: a 1-32-1 MLP built inside withSeededRandom, so its initial weights follow the seed.
const net = withSeededRandom(new Rng(seed).fork('init'), () =>
  tfl.sequential({ layers: [tfl.layers.dense({ units: 32, activation: 'tanh', inputShape: [1] }), tfl.layers.dense({ units: 1 })] }),
);
const optimizer = tf.train.adam(0.01);
const model: TrainableModel = {
  kind: 'example/sine-mlp',
  trainStep: (batch) => {
    const loss = optimizer.minimize(() => tf.losses.meanSquaredError(batch.y!, net.apply(batch.x) as tf.Tensor) as tf.Scalar, true)!;
    const value = loss.dataSync()[0];
    loss.dispose();
    return { loss: value };
  },
  stateVariables: () => stateOfVariables('net', net),
  optimizers: () => ({ model: optimizer }),
  config: () => ({ hidden: 32 }),
};

// Data: fresh points each batch from a seeded generator whose state is checkpointed.
const dataRng = new Rng(seed).fork('data');
const data: BatchIterator = {
  batchSize: 32,
  batchesPerEpoch: 100,
  next: () => {
    const x = dataRng.uniformArray(32, -1, 1);
    return { x: tf.tensor2d(x, [32, 1]), y: tf.tensor2d(x.map((v) => Math.sin(3 * v)), [32, 1]) };
  },
  getState: () => [...dataRng.getState()],
  setState: (state) => dataRng.setState(state as [number, number, number, number]),
};

const store = new FileCheckpointStore('runs/example/checkpoint.tfgen');
const trainer = new Trainer(model, { seed, callbacks: [progressCallback(), jsonlFileLog('runs/example/metrics.jsonl', { every: 10 })] });
const release = stopOnSignal(trainer); // Ctrl-C: finish the step, checkpoint, return
const summary = await trainer.fit(data, { steps: 1000, checkpoint: { store, every: 200 }, resumeFrom: store });
release();
console.log(`done: ${summary.steps} steps, loss ${summary.metrics.loss.toFixed(5)}, ${summary.stepsPerSecond.toFixed(0)} steps/s, resumed from ${summary.resumedFrom}`);
