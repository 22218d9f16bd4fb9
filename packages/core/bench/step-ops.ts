/**
 * CPU milliseconds of single non-conv ops that a DCGAN step calls many times, on wasm, at the size
 * of D's first feature map ([64,14,14,64], 0.8M values): what the ~30% of the step outside the
 * convs and matmuls is made of (docs/results/core-fast-kernels.md).
 *
 *   cd packages/core && npx tsup && npx tsx bench/step-ops.ts [--reps 20]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@tfgen/core';

const args = process.argv.slice(2);
const reps = Number(args.includes('--reps') ? args[args.indexOf('--reps') + 1] : '20');
await initBackend({ prefer: 'wasm' });
const x = tf.randomNormal([64, 14, 14, 64]);
const channel = tf.ones([64]);
const ops: [string, () => tf.Tensor][] = [
  ['Sum over axes 0,1,2 (bias gradient)', () => tf.sum(x, [0, 1, 2])],
  ['Sum of the [12544,64] reshape over axis 0', () => tf.sum(tf.reshape(x, [-1, 64]), 0)],
  ['Mean over axes 0,1,2 (BN statistics)', () => tf.mean(x, [0, 1, 2])],
  ['LeakyRelu', () => tf.leakyRelu(x, 0.2)],
  ['Greater + Select (LeakyRelu gradient)', () => tf.where(tf.greater(x, 0), x, x)],
  ['Multiply', () => tf.mul(x, x)],
  ['Sub, broadcast [64]', () => tf.sub(x, channel)],
  ['Transpose [3,0,1,2]', () => tf.transpose(x, [3, 0, 1, 2])],
  ['Identity (clone)', () => tf.clone(x)],
  ['BatchNorm (inference form)', () => tf.batchNorm(x, channel, channel, channel, channel, 1e-3)],
];
console.log(`| op on [64,14,14,64] | CPU ms per call (mean of ${reps}) |\n| --- | ---: |`);
for (const [name, run] of ops) {
  tf.tidy(run);
  const c0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) tf.tidy(run);
  const c = process.cpuUsage(c0);
  console.log(`| ${name} | ${((c.user + c.system) / 1000 / reps).toFixed(2)} |`);
}
tf.dispose([x, channel]);
