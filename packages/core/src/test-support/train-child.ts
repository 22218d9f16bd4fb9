// Test support: a training process for the kill-and-resume test. It trains the tiny
// regressor on the cpu backend with a file checkpoint store, resuming from it if present,
// logs every step to <dir>/losses.jsonl and prints `step N` lines to stdout.
// Usage: node --import tsx train-child.ts <dir> <steps> <checkpointEvery> <seed>
import * as fs from 'node:fs';
import * as path from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { FileCheckpointStore } from '../checkpoint-file';
import { jsonlFileLog } from '../jsonl-file-log';
import { Trainer } from '../trainer';
import { TinyRegressionData, TinyRegressor } from './tiny-regressor';

const [dir, steps, every, seed] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
await tf.setBackend('cpu');
fs.mkdirSync(dir, { recursive: true });
const model = new TinyRegressor({ seed });
const store = new FileCheckpointStore(path.join(dir, 'checkpoint.tfgen'));
const trainer = new Trainer(model, {
  seed,
  callbacks: [jsonlFileLog(path.join(dir, 'losses.jsonl')), { onStepEnd: (step) => void fs.writeSync(1, `step ${step}\n`) }],
});
const summary = await trainer.fit(new TinyRegressionData(seed), { steps, checkpoint: { store, every }, resumeFrom: store });
fs.writeSync(1, `done resumedFrom=${summary.resumedFrom} steps=${summary.steps}\n`);
