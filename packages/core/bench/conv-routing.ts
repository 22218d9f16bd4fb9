/**
 * CPU milliseconds of the conv shapes that decide `stockConvPreferred` (src/wasm-fast-kernels.ts):
 * each conv through the fast kernels' im2col + GEMM path (routing off), through what the fast
 * variant runs now (routing on), and through the lowered variant (XNNPACK convs; conv gradients
 * lowered to them). Process CPU time, so a shared machine inflates it less than wall time.
 *
 *   cd packages/core && npx tsx bench/conv-routing.ts [--reps 3] [--threads 1]
 *
 * Imports the sources (the routing switch is a test hook, not public API).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend';
import { setStockConvRouting, setWasmKernelThreads, setWasmKernelVariant } from '../src/wasm-fast-kernels';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const reps = Number(flag('--reps', '3'));
const threads = Number(flag('--threads', '1'));
await initBackend({ prefer: 'wasm' });
setWasmKernelThreads(threads);

const r = (shape: [number, number, number, number]) => tf.randomNormal(shape) as tf.Tensor4D;
const filterGrad = (x: tf.Tensor4D, dy: tf.Tensor4D, strides: number, filterShape: number[]) =>
  tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad: 'same', dataFormat: 'NHWC', filterShape } as unknown as tf.NamedAttrMap) as tf.Tensor;
// SNGAN ResNet 32x32 (batch 32, 64 channels, 3x3 stride 1, the 64 -> 3 output conv), PixelCNN and DCGAN's 4x4 stride-2 layer (batch 64).
const x = r([32, 32, 32, 64]), f = r([3, 3, 64, 64]), bias = tf.zeros([64]) as tf.Tensor1D, fRgb = r([3, 3, 64, 3]), dyRgb = r([32, 32, 32, 3]);
const xD = r([64, 14, 14, 64]), fD = r([4, 4, 64, 128]), dyD = r([64, 7, 7, 128]);
// PixelCNN (batch 64, 28x28): the gated vertical stack's 2x3 conv on a pre-padded map, and a 1x1 conv.
const xP = r([64, 29, 30, 32]), fP = r([2, 3, 32, 64]), dyP = r([64, 28, 28, 64]), f1 = r([1, 1, 64, 64]);
const pixel = 2 * 64 * 784;
const sn = 2 * 32 * 1024 * 576;
const calls: { name: string; flops: number; run: () => tf.Tensor }[] = [
  { name: 'SNGAN conv 3x3 s1 64->64 (fused bias)', flops: sn * 64, run: () => tf.fused.conv2d({ x, filter: f, bias, strides: 1, pad: 'same' }) },
  { name: 'SNGAN conv 3x3 s1 64->3', flops: sn * 3, run: () => tf.conv2d(x, fRgb, 1, 'same') },
  { name: 'SNGAN input grad 3x3 s1 64->64', flops: sn * 64, run: () => tf.conv2dTranspose(x, f, [32, 32, 32, 64], 1, 'same') },
  { name: 'SNGAN filter grad 3x3 s1 64->64', flops: sn * 64, run: () => filterGrad(x, x, 1, [3, 3, 64, 64]) },
  { name: 'SNGAN filter grad 3x3 s1 64->3', flops: sn * 3, run: () => filterGrad(x, dyRgb, 1, [3, 3, 64, 3]) },
  { name: 'PixelCNN conv 2x3 s1 valid 32->64', flops: pixel * 192 * 64, run: () => tf.conv2d(xP, fP, 1, 'valid') },
  { name: 'PixelCNN input grad 2x3 s1 valid 32->64', flops: pixel * 192 * 64, run: () => tf.conv2dTranspose(dyP, fP, [64, 29, 30, 32], 1, 'valid') },
  { name: 'PixelCNN filter grad 2x3 s1 valid 32->64', flops: pixel * 192 * 64, run: () => tf.engine().runKernel('Conv2DBackpropFilter', { x: xP, dy: dyP }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [2, 3, 32, 64] } as unknown as tf.NamedAttrMap) as tf.Tensor },
  { name: 'PixelCNN conv 1x1 64->64', flops: pixel * 64 * 64, run: () => tf.conv2d(dyP, f1, 1, 'valid') },
  { name: 'PixelCNN input grad 1x1 64->64', flops: pixel * 64 * 64, run: () => tf.conv2dTranspose(dyP, f1, [64, 28, 28, 64], 1, 'valid') },
  { name: 'DCGAN conv 4x4 s2 64->128', flops: 2 * 64 * 49 * 1024 * 128, run: () => tf.conv2d(xD, fD, 2, 'same') },
  { name: 'DCGAN input grad 4x4 s2 64->128', flops: 2 * 64 * 49 * 1024 * 128, run: () => tf.conv2dTranspose(dyD, fD, [64, 14, 14, 64], 2, 'same') },
  { name: 'DCGAN filter grad 4x4 s2 64->128', flops: 2 * 64 * 49 * 1024 * 128, run: () => filterGrad(xD, dyD, 2, [4, 4, 64, 128]) },
];
const modes = [
  { label: 'fast GEMM path (routing off)', variant: 'fast', routing: false },
  { label: 'fast variant (routing on)', variant: 'fast', routing: true },
  { label: 'lowered (XNNPACK)', variant: 'lowered', routing: true },
] as const;
const cells = calls.map(() => [] as string[]);
for (const mode of modes) {
  setWasmKernelVariant(mode.variant);
  setStockConvRouting(mode.routing);
  calls.forEach((call, i) => {
    tf.dispose(call.run());
    const c0 = process.cpuUsage();
    for (let k = 0; k < reps; k++) tf.dispose(call.run());
    const c = process.cpuUsage(c0);
    const ms = (c.user + c.system) / 1000 / reps;
    cells[i]!.push(`${ms.toFixed(1)} (${(call.flops / ms / 1e6).toFixed(1)} GF/s)`);
  });
}
setStockConvRouting(true);
console.log(`CPU ms per call (GFLOP/s), ${threads} fast-kernel thread(s), mean of ${reps}; load average ${(await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' ')}\n`);
console.log(`| conv | ${modes.map((m) => m.label).join(' | ')} |`);
console.log(`| --- | ${modes.map(() => '---:').join(' | ')} |`);
calls.forEach((call, i) => console.log(`| ${call.name} | ${cells[i]!.join(' | ')} |`));
