/**
 * CPU milliseconds (process CPU time, so a shared machine inflates them less than wall time) of
 * each conv/matmul kernel call of the DCGAN step (batch 64), per wasm kernel variant.
 *
 *   cd packages/core && npx tsup && npx tsx bench/dcgan-kernels.ts [--variants fast:1,fast:2,lowered] [--reps 5]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, setWasmKernelThreads, setWasmKernelVariant, wasmKernelInfo } from '@tfgen/core';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const variants = flag('--variants', 'fast:1,fast:2,lowered').split(',');
const reps = Number(flag('--reps', '5'));
await initBackend({ prefer: 'wasm' });

type Call = { name: string; flops: number; run: () => tf.Tensor };
const r = (shape: number[]) => tf.randomNormal(shape) as tf.Tensor4D;
const x1 = r([64, 28, 28, 1]), f1 = r([4, 4, 1, 64]), y1 = r([64, 14, 14, 64]);
const f2 = r([4, 4, 64, 128]), y2 = r([64, 7, 7, 128]);
const fT1 = r([4, 4, 64, 128]), fT2 = r([4, 4, 1, 64]);
const dense = tf.randomNormal([64, 100]) as tf.Tensor2D, denseW = tf.randomNormal([100, 6272]) as tf.Tensor2D, dDense = tf.randomNormal([64, 6272]) as tf.Tensor2D;
const filterGrad = (x: tf.Tensor4D, dy: tf.Tensor4D, shape: number[]) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: shape } as unknown as tf.NamedAttrMap) as tf.Tensor;
const calls: Call[] = [
  { name: 'D conv1 forward [64,28,28,1]*[4,4,1,64]', flops: 2 * 64 * 196 * 16 * 64, run: () => tf.conv2d(x1, f1, 2, 'same') },
  { name: 'D conv2 forward [64,14,14,64]*[4,4,64,128]', flops: 2 * 64 * 49 * 1024 * 128, run: () => tf.conv2d(y1, f2, 2, 'same') },
  { name: 'D conv2 input grad / G convT1', flops: 2 * 64 * 49 * 1024 * 128, run: () => tf.conv2dTranspose(y2, fT1, [64, 14, 14, 64], 2, 'same') },
  { name: 'G convT2 [64,14,14,64] -> [64,28,28,1]', flops: 2 * 64 * 196 * 16 * 64, run: () => tf.conv2dTranspose(y1, fT2, [64, 28, 28, 1], 2, 'same') },
  { name: 'D conv2 filter grad', flops: 2 * 64 * 49 * 1024 * 128, run: () => filterGrad(y1, y2, [4, 4, 64, 128]) },
  { name: 'D conv1 filter grad', flops: 2 * 64 * 196 * 16 * 64, run: () => filterGrad(x1, y1, [4, 4, 1, 64]) },
  { name: 'G dense forward [64,100]*[100,6272]', flops: 2 * 64 * 100 * 6272, run: () => tf.matMul(dense, denseW) },
  { name: 'G dense weight grad x^T dy', flops: 2 * 64 * 100 * 6272, run: () => tf.matMul(dense, dDense, true, false) },
  { name: 'G dense input grad dy W^T', flops: 2 * 64 * 100 * 6272, run: () => tf.matMul(dDense, denseW, false, true) },
];
const header = ['kernel call', ...variants.map((v) => `${v} CPU ms`), ...variants.map((v) => `${v} wall ms`)];
const rows: string[][] = calls.map((c) => [c.name]);
const walls: string[][] = calls.map(() => []);
for (const variant of variants) {
  const [kind, threads] = variant.split(':');
  setWasmKernelVariant(kind === 'lowered' ? 'lowered' : 'fast');
  if (threads !== undefined) setWasmKernelThreads(Number(threads));
  if (wasmKernelInfo().variant !== (kind === 'lowered' ? 'lowered' : 'fast')) throw new Error(`variant ${variant} not in effect: ${JSON.stringify(wasmKernelInfo())}`);
  calls.forEach((c, i) => {
    tf.dispose(c.run());
    let cpu = Infinity;
    let wall = Infinity;
    for (let rep = 0; rep < reps; rep++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const out = c.run();
      out.dataSync();
      wall = Math.min(wall, performance.now() - t0);
      const used = process.cpuUsage(c0);
      cpu = Math.min(cpu, (used.user + used.system) / 1000);
      out.dispose();
    }
    rows[i]!.push(`${cpu.toFixed(1)} (${(c.flops / cpu / 1e6).toFixed(1)} GF/s)`);
    walls[i]!.push(wall.toFixed(1));
  });
}
console.log(`| ${header.join(' | ')} |\n| ${header.map(() => '---').join(' | ')} |`);
rows.forEach((row, i) => console.log(`| ${[...row, ...walls[i]!].join(' | ')} |`));
