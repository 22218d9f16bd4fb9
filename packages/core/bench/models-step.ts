/**
 * Training-step time of two matmul-heavy models on wasm per kernel variant: an MLP GAN on 2D
 * points (G 64 -> 128 -> 128 -> 2, D 2 -> 128 -> 128 -> 1, batch 256, one D + one G Adam step)
 * and an MLP VAE on 28x28 images (784 -> 512 -> 2x20, 20 -> 512 -> 784, batch 128, Bernoulli ELBO).
 * Prints median wall and CPU seconds (all threads) per step as a markdown table.
 *
 *   cd packages/core && npx tsup && npx tsx bench/models-step.ts [--variants fast:2,fast:1,lowered] [--steps 20]
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend, Rng, setWasmKernelThreads, setWasmKernelVariant, wasmKernelInfo, withSeededRandom } from '@tfgen/core';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const variants = flag('--variants', 'fast:2,fast:1,lowered').split(',');
const steps = Number(flag('--steps', '20'));
await initBackend({ prefer: 'wasm' });

function mlpGan(): () => number {
  const { g, d } = withSeededRandom(new Rng(1), () => ({
    g: tfl.sequential({ layers: [tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [64] }), tfl.layers.dense({ units: 128, activation: 'relu' }), tfl.layers.dense({ units: 2 })] }),
    d: tfl.sequential({ layers: [tfl.layers.dense({ units: 128, activation: 'relu', inputShape: [2] }), tfl.layers.dense({ units: 128, activation: 'relu' }), tfl.layers.dense({ units: 1 })] }),
  }));
  const dOpt = tf.train.adam(1e-3, 0.5);
  const gOpt = tf.train.adam(1e-3, 0.5);
  const rng = new Rng(2);
  const dVars = d.trainableWeights.map((w) => w.read() as tf.Variable);
  const gVars = g.trainableWeights.map((w) => w.read() as tf.Variable);
  return () => {
    const real = tf.tensor2d(rng.normalArray(256 * 2), [256, 2]);
    const z = tf.tensor2d(rng.normalArray(256 * 64), [256, 64]);
    const dl = dOpt.minimize(() => tf.add(tf.mean(tf.softplus(tf.neg(d.apply(real) as tf.Tensor))), tf.mean(tf.softplus(d.apply(g.apply(z) as tf.Tensor) as tf.Tensor))) as tf.Scalar, true, dVars)!;
    const gl = gOpt.minimize(() => tf.mean(tf.softplus(tf.neg(d.apply(g.apply(z) as tf.Tensor) as tf.Tensor))) as tf.Scalar, true, gVars)!;
    const value = dl.dataSync()[0]! + gl.dataSync()[0]!;
    tf.dispose([dl, gl, real, z]);
    return value;
  };
}

function mlpVae(): () => number {
  const { encoder, decoder } = withSeededRandom(new Rng(3), () => ({
    encoder: tfl.sequential({ layers: [tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: 40 })] }),
    decoder: tfl.sequential({ layers: [tfl.layers.dense({ units: 512, activation: 'relu', inputShape: [20] }), tfl.layers.dense({ units: 784 })] }),
  }));
  const opt = tf.train.adam(1e-3);
  const rng = new Rng(4);
  return () => {
    const x = tf.tensor2d(rng.uniformArray(128 * 784, 0, 1).map((v) => (v > 0.7 ? 1 : 0)), [128, 784]);
    const eps = tf.tensor2d(rng.normalArray(128 * 20), [128, 20]);
    const loss = opt.minimize(() => {
      const h = encoder.apply(x) as tf.Tensor2D;
      const mean = tf.slice(h, [0, 0], [-1, 20]);
      const logVar = tf.slice(h, [0, 20], [-1, 20]);
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
      const logits = decoder.apply(z) as tf.Tensor;
      const reconstruction = tf.sum(tf.losses.sigmoidCrossEntropy(x, logits, undefined, undefined, tf.Reduction.NONE), 1);
      const kl = tf.mul(-0.5, tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mean), tf.exp(logVar))), 1));
      return tf.mean(tf.add(reconstruction, kl)) as tf.Scalar;
    }, true)!;
    const value = loss.dataSync()[0]!;
    tf.dispose([loss, x, eps]);
    return value;
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: string[] = [];
for (const [name, make] of [['MLP GAN (2D, batch 256)', mlpGan], ['MLP VAE (784-512-20, batch 128)', mlpVae]] as const) {
  for (const variant of variants) {
    const [kind, threads] = variant.split(':');
    setWasmKernelVariant(kind === 'lowered' ? 'lowered' : 'fast');
    if (threads !== undefined) setWasmKernelThreads(Number(threads));
    const step = make();
    step();
    step();
    const wall: number[] = [];
    const cpu: number[] = [];
    let last = 0;
    const before = tf.memory().numTensors;
    for (let i = 0; i < steps; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      last = step();
      wall.push((performance.now() - t0) / 1000);
      const used = process.cpuUsage(c0);
      cpu.push((used.user + used.system) / 1e6);
    }
    const info = wasmKernelInfo();
    const label = `${info.variant}${info.variant === 'fast' ? ` ${info.threads} thread(s)` : ''}`;
    rows.push(`| ${name} | wasm ${label} | ${steps} | ${(median(wall) * 1000).toFixed(1)} | ${(median(cpu) * 1000).toFixed(1)} | ${last.toFixed(4)} | ${tf.memory().numTensors - before} |`);
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
}
console.log(['| model | kernels | timed steps | median step (ms) | CPU ms per step (all threads) | last loss | tensors leaked |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n'));
