/**
 * Per-kernel time of one DCGAN training step (batch 64, as in bench/dcgan-step.ts) on wasm, for
 * each kernel variant: tf.profile's kernel milliseconds summed per kernel name (a kernel that calls
 * other kernels counts them too), plus the process CPU seconds of a whole step (all threads).
 *
 *   cd packages/core && npx tsup && npx tsx bench/kernel-profile.ts [--variants fast:1,lowered] [--top 15] [--shapes]
 *
 * --shapes also prints how many conv/matmul calls of each shape one step makes (to count its FLOPs).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, Rng, setWasmKernelThreads, setWasmKernelVariant, wasmKernelInfo, withSeededRandom } from '@tfgen/core';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const variants = flag('--variants', 'fast:1,lowered').split(',');
const top = Number(flag('--top', '15'));
const shapes = args.includes('--shapes');
const GEMM_KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul', '_FusedMatMul'];
const batch = 64;

await initBackend({ prefer: 'wasm' });
const { generator, discriminator } = withSeededRandom(new Rng(1), () => ({
  generator: tfl.sequential({ layers: [
    tfl.layers.dense({ units: 7 * 7 * 128, inputShape: [100] }), tfl.layers.batchNormalization(), tfl.layers.reLU(),
    tfl.layers.reshape({ targetShape: [7, 7, 128] }),
    tfl.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same' }), tfl.layers.batchNormalization(), tfl.layers.reLU(),
    tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
  ] }),
  discriminator: tfl.sequential({ layers: [
    tfl.layers.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] }), tfl.layers.leakyReLU({ alpha: 0.2 }),
    tfl.layers.conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }), tfl.layers.leakyReLU({ alpha: 0.2 }),
    tfl.layers.flatten(), tfl.layers.dense({ units: 1 }),
  ] }),
}));
const dOptimizer = tf.train.adam(2e-4, 0.5);
const gOptimizer = tf.train.adam(2e-4, 0.5);
const rng = new Rng(2);
const dVariables = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
const gVariables = generator.trainableWeights.map((w) => w.read() as tf.Variable);
const step = () => {
  const real = tf.tensor4d(rng.uniformArray(batch * 784, -1, 1), [batch, 28, 28, 1]);
  const noise = tf.tensor2d(rng.normalArray(batch * 100), [batch, 100]);
  const d = dOptimizer.minimize(() => {
    const fake = generator.apply(noise, { training: true }) as tf.Tensor;
    return tf.add(tf.mean(tf.softplus(tf.neg(discriminator.apply(real, { training: true }) as tf.Tensor))), tf.mean(tf.softplus(discriminator.apply(fake, { training: true }) as tf.Tensor))) as tf.Scalar;
  }, true, dVariables)!;
  const g = gOptimizer.minimize(() => tf.mean(tf.softplus(tf.neg(discriminator.apply(generator.apply(noise, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor))) as tf.Scalar, true, gVariables)!;
  d.dataSync();
  g.dataSync();
  tf.dispose([d, g, real, noise]);
};

for (const variant of variants) {
  const [kind, threads] = variant.split(':');
  setWasmKernelVariant(kind === 'lowered' ? 'lowered' : 'fast');
  if (threads !== undefined) setWasmKernelThreads(Number(threads));
  step();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    step();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const info = await tf.profile(() => { step(); });
  const shapeCounts = new Map<string, number>();
  const byKernel = new Map<string, { ms: number; calls: number; shapes: Set<string> }>();
  for (const k of info.kernels) {
    const ms = (await k.kernelTimeMs) as number;
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0, shapes: new Set<string>() };
    entry.ms += ms;
    entry.calls++;
    entry.shapes.add(JSON.stringify(k.inputShapes));
    if (GEMM_KERNELS.includes(k.name)) {
      const key = `${k.name} ${JSON.stringify(k.inputShapes)} -> ${JSON.stringify(k.outputShapes)}`;
      shapeCounts.set(key, (shapeCounts.get(key) ?? 0) + 1);
    }
    byKernel.set(k.name, entry);
  }
  const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((sum, [, e]) => sum + e.ms, 0);
  const w = wasmKernelInfo();
  console.log(`\n## ${w.variant}${w.variant === 'fast' ? `, ${w.threads} thread(s)` : ''}: step CPU ms (all threads) ${cpu.map((v) => v.toFixed(0)).join(' ')}, wall ms ${wall.map((v) => v.toFixed(0)).join(' ')}; profiled kernel ms ${total.toFixed(0)}`);
  if (shapes) for (const [key, count] of shapeCounts) console.log(`  ${String(count).padStart(3)}x ${key}`);
  for (const [name, e] of rows.slice(0, top)) console.log(`${name.padEnd(24)} ${e.ms.toFixed(1).padStart(8)} ${String(e.calls).padStart(4)}  ${[...e.shapes].slice(0, 3).join(' ')}`);
}
