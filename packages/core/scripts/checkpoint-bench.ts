// Measures checkpoint cost for a DCGAN-sized model (about 3.6M generator + 2.8M critic
// parameters, two Adam optimizers with populated slots) on the cpu backend: capture,
// encode, atomic write, read + decode + validate, restore. Prints a markdown table.
// Run: cd packages/core && npx tsx scripts/checkpoint-bench.ts > ../../docs/results/core-checkpoint-io.md
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { decodeCheckpoint, encodeCheckpoint } from '../src/checkpoint';
import { writeFileAtomic } from '../src/checkpoint-file';
import { stateOfVariables } from '../src/model-state';
import { Rng } from '../src/random';
import { Trainer } from '../src/trainer';
import type { TrainableModel } from '../src/types';

await tf.setBackend('cpu');
const shapes = {
  generator: [[100, 4 * 4 * 512], [4 * 4 * 512], [4, 4, 256, 512], [256], [4, 4, 128, 256], [128], [4, 4, 64, 128], [64], [4, 4, 1, 64], [1]],
  critic: [[4, 4, 1, 64], [64], [4, 4, 64, 128], [128], [4, 4, 128, 256], [256], [4, 4, 256, 512], [512], [4 * 4 * 512, 1], [1], [8192, 256]],
};
const rng = new Rng(0);
const variables = Object.fromEntries(
  Object.entries(shapes).map(([role, list]) => [role, list.map((shape) => tf.variable(tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1), 0, 0.02), shape)))]),
);
const optimizers = { generator: tf.train.adam(2e-4, 0.5), critic: tf.train.adam(2e-4, 0.5) };
for (const role of ['generator', 'critic'] as const) {
  tf.tidy(() => optimizers[role].applyGradients(variables[role].map((v) => ({ name: v.name, tensor: tf.onesLike(v) }))));
}
const model: TrainableModel = {
  kind: 'bench/dcgan-sized',
  trainStep: () => ({}),
  stateVariables: () => [...stateOfVariables('generator', variables.generator), ...stateOfVariables('critic', variables.critic)],
  optimizers: () => optimizers,
  config: () => ({}),
};
const parameters = Object.values(variables).flat().reduce((n, v) => n + v.size, 0);
const trainer = new Trainer(model);
const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-bench-')), 'checkpoint.tfgen');

const time = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
};
const rows: [string, number][] = [];
for (let round = 0; round < 3; round++) {
  const [contents, capture] = await time(() => trainer.captureState(null));
  const [bytes, encode] = await time(() => encodeCheckpoint(contents));
  const [, write] = await time(() => writeFileAtomic(file, bytes));
  const [decoded, read] = await time(() => decodeCheckpoint(new Uint8Array(fs.readFileSync(file)), file));
  const [, restore] = await time(() => trainer.restore(decoded, null, file));
  if (round === 2) rows.push(['capture (variables + Adam slots to arrays)', capture], ['encode (header, payload, CRC-32)', encode], ['atomic write (temp, fsync, link .prev, rename)', write], ['read + decode + validate (CRCs)', read], ['restore into variables and optimizers', restore], ['file size (MB)', bytes.byteLength / 1e6]);
}
console.log(`# Checkpoint I/O, DCGAN-sized model (cpu backend, ${os.cpus().length} cores)\n`);
console.log(`${(parameters / 1e6).toFixed(2)}M parameters + 2 Adam optimizers (3 copies in total); third of three rounds.\n`);
console.log('| operation | ms |\n| --- | ---: |');
for (const [name, value] of rows) console.log(`| ${name} | ${name.startsWith('file size') ? value.toFixed(1) : value.toFixed(0)} |`);
console.log('\nCommand: `cd packages/core && npx tsx scripts/checkpoint-bench.ts`');
