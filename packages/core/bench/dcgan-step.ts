/**
 * Times one DCGAN training step (one D step + one G step, Adam, non-saturating loss, batch 64)
 * on each available tfjs backend and prints a markdown table.
 *
 *   G: dense 100 -> 7*7*128, BN, ReLU, convT 4x4 s2 -> 64, BN, ReLU, convT 4x4 s2 -> 1, tanh
 *   D: conv 4x4 s2 64, LeakyReLU 0.2, conv 4x4 s2 128, LeakyReLU 0.2, dense 1
 *
 * Run (needs the built package: Node cannot import tfjs-core's gradient files directly, the
 * build bundles them):
 *   cd packages/core && npx tsup && npx tsx bench/dcgan-step.ts --backends wasm,cpu --steps 5
 *
 * Flags: --backends a,b (default: tensorflow,wasm,webgpu,cpu; unavailable ones are reported),
 * --steps N timed steps after one warm-up (default 5; cpu is capped at --cpu-steps, default 1,
 * without warm-up: its Conv2DBackpropFilter takes minutes), --batch N (default 64),
 * --stock-wasm-backprop-input also times wasm with tfjs' stock Conv2DBackpropInput,
 * --wasm-variants fast:2,fast:1,lowered (default) times wasm once per kernel variant (fast:THREADS),
 * --pytorch 2,1 also times apps/cli/bench/pytorch_dcgan.py (Debian python3-torch, OpenBLAS, one
 * BLAS thread; its D has a batch norm that this D lacks, so it does slightly more work) with 2 and
 * 1 torch threads, --rounds N repeats every row N times, interleaved (for a shared machine).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BackendError, initBackend, Rng, setWasmKernelThreads, setWasmKernelVariant, wasmKernelInfo, withSeededRandom, type BackendName } from '@tfgen/core';

interface Options {
  backends: string[];
  steps: number;
  cpuSteps: number;
  batch: number;
  stockWasmBackpropInput: boolean;
  /** wasm kernel variants to time: 'fast:THREADS' or 'lowered'. */
  wasmVariants: string[];
  /** Also time the repository's PyTorch DCGAN step with these thread counts (before and after tfgen). */
  pytorchThreads: number[];
  /** Repeat the whole set of rows this many times (interleaved, for a shared machine). */
  rounds: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { backends: ['tensorflow', 'wasm', 'webgpu', 'cpu'], steps: 5, cpuSteps: 1, batch: 64, stockWasmBackpropInput: false, wasmVariants: ['fast:2', 'fast:1', 'lowered'], pytorchThreads: [], rounds: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${flag} needs a value`);
      return value;
    };
    if (flag === '--backends') options.backends = next().split(',').filter(Boolean);
    else if (flag === '--steps') options.steps = Number(next());
    else if (flag === '--cpu-steps') options.cpuSteps = Number(next());
    else if (flag === '--batch') options.batch = Number(next());
    else if (flag === '--stock-wasm-backprop-input') options.stockWasmBackpropInput = true;
    else if (flag === '--wasm-variants') options.wasmVariants = next().split(',').filter(Boolean);
    else if (flag === '--pytorch') options.pytorchThreads = next().split(',').filter(Boolean).map(Number);
    else if (flag === '--rounds') options.rounds = Number(next());
    else throw new Error(`unknown flag ${flag}; see the header of bench/dcgan-step.ts`);
  }
  for (const [name, value] of [['--steps', options.steps], ['--cpu-steps', options.cpuSteps], ['--batch', options.batch]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a positive integer, got ${value}`);
  }
  return options;
}

function buildModels(seed: number) {
  return withSeededRandom(new Rng(seed), () => {
    const generator = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 7 * 7 * 128, inputShape: [100] }),
        tfl.layers.batchNormalization(),
        tfl.layers.reLU(),
        tfl.layers.reshape({ targetShape: [7, 7, 128] }),
        tfl.layers.conv2dTranspose({ filters: 64, kernelSize: 4, strides: 2, padding: 'same' }),
        tfl.layers.batchNormalization(),
        tfl.layers.reLU(),
        tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
      ],
    });
    const discriminator = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    return { generator, discriminator };
  });
}

interface Result {
  backend: string;
  status: string;
  steps: number;
  median?: number;
  min?: number;
  losses?: [number, number];
  leaked?: number;
  /** Median process CPU seconds per step (all threads). */
  cpu?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
}

const PYTORCH_SCRIPT = fileURLToPath(new URL('../../../apps/cli/bench/pytorch_dcgan.py', import.meta.url));

/** Runs the PyTorch reference (same machine, same moment); a row saying why when it cannot. */
function timePytorch(threads: number, steps: number, batch: number): Result {
  const label = `PyTorch ${threads} thread${threads > 1 ? 's' : ''}`;
  if (!existsSync('/usr/bin/python3') || !existsSync(PYTORCH_SCRIPT)) return { backend: label, status: 'skipped: /usr/bin/python3 or the script is missing', steps: 0 };
  const run = spawnSync('/usr/bin/python3', [PYTORCH_SCRIPT, '--steps', String(Math.max(steps, 3)), '--threads', String(threads), '--batch', String(batch)], {
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    encoding: 'utf8',
    timeout: 600_000,
  });
  const line = run.stdout?.split('\n').find((l) => l.startsWith('result='));
  if (run.status !== 0 || line === undefined) return { backend: label, status: `skipped: ${(run.stderr || run.error?.message || 'no result').trim().split('\n').pop()!.replace(/\|/g, '/')}`, steps: 0 };
  const result = JSON.parse(line.slice('result='.length)) as Record<string, number | string>;
  process.stderr.write(`  ${label}: ${line}\n`);
  const ms = (key: string) => Number(result[key]) / 1000;
  return { backend: `${label} (torch ${result.torch ?? '?'})`, status: 'ok', steps: Number(result.steps ?? steps), median: ms('median_step_ms'), min: ms('fastest_step_ms'), cpu: ms('cpu_ms_per_step') };
}

async function timeSteps(label: string, timedSteps: number, warmup: boolean, batch: number): Promise<Result> {
  const { generator, discriminator } = buildModels(1);
  const dOptimizer = tf.train.adam(2e-4, 0.5);
  const gOptimizer = tf.train.adam(2e-4, 0.5);
  const rng = new Rng(2);
  const dVariables = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const gVariables = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = async (): Promise<[number, number]> => {
    const real = tf.tensor4d(rng.uniformArray(batch * 28 * 28, -1, 1), [batch, 28, 28, 1]);
    const noise = tf.tensor2d(rng.normalArray(batch * 100), [batch, 100]);
    const dLoss = dOptimizer.minimize(() => {
      const fake = generator.apply(noise, { training: true }) as tf.Tensor;
      const realLogits = discriminator.apply(real, { training: true }) as tf.Tensor;
      const fakeLogits = discriminator.apply(fake, { training: true }) as tf.Tensor;
      return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
    }, true, dVariables)!;
    const gLoss = gOptimizer.minimize(() => {
      const fakeLogits = discriminator.apply(generator.apply(noise, { training: true }) as tf.Tensor, { training: true }) as tf.Tensor;
      return tf.mean(tf.softplus(tf.neg(fakeLogits))) as tf.Scalar;
    }, true, gVariables)!;
    // Reading the losses waits for the backend to finish (async backends like webgpu).
    const losses: [number, number] = [(await dLoss.data())[0]!, (await gLoss.data())[0]!];
    tf.dispose([dLoss, gLoss, real, noise]);
    return losses;
  };
  if (warmup) await step();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let losses: [number, number] = [NaN, NaN];
  let leaked = 0;
  for (let i = 0; i < timedSteps; i++) {
    const before = tf.memory().numTensors;
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    losses = await step();
    times.push((performance.now() - start) / 1000);
    const cpuUsed = process.cpuUsage(cpuStart);
    cpuTimes.push((cpuUsed.user + cpuUsed.system) / 1e6);
    if (warmup || i > 0) leaked = Math.max(leaked, tf.memory().numTensors - before);
    process.stderr.write(`  ${label} step ${i + 1}/${timedSteps}: ${times[times.length - 1]!.toFixed(3)} s\n`);
  }
  tf.dispose([...generator.weights, ...discriminator.weights].map((w) => w.read()));
  dOptimizer.dispose();
  gOptimizer.dispose();
  const sorted = [...times].sort((a, b) => a - b);
  return { backend: label, status: 'ok', steps: timedSteps, median: median(times), min: sorted[0], losses, leaked, cpu: median(cpuTimes) };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  let stockBackpropInput: tf.KernelConfig | undefined;
  if (options.stockWasmBackpropInput) {
    await import('@tensorflow/tfjs-backend-wasm');
    stockBackpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  }
  const results: Result[] = [];
  for (let round = 0; round < options.rounds; round++) {
    for (const threads of options.pytorchThreads) results.push(timePytorch(threads, options.steps, options.batch));
    for (const name of options.backends) {
      process.stderr.write(`${name}: initializing\n`);
      try {
        const report = await initBackend({ prefer: name as BackendName });
        process.stderr.write(`${name}: ${report.reason}\n`);
      } catch (error) {
        const why = error instanceof BackendError ? error.message : String(error);
        results.push({ backend: name, status: `unavailable: ${why.replace(/\|/g, '/')}`, steps: 0 });
        continue;
      }
      const isCpu = name === 'cpu';
      if (name === 'wasm') {
        for (const variant of options.wasmVariants) {
          const [kind, threads] = variant.split(':');
          setWasmKernelVariant(kind === 'lowered' ? 'lowered' : 'fast');
          if (threads !== undefined) setWasmKernelThreads(Number(threads));
          const info = wasmKernelInfo();
          const label = `wasm ${info.variant}${info.variant === 'fast' ? ` ${info.threads} thread${info.threads > 1 ? 's' : ''}` : ''}`;
          results.push(await timeSteps(label, options.steps, true, options.batch));
        }
        setWasmKernelVariant('fast');
      } else {
        results.push(await timeSteps(name, isCpu ? options.cpuSteps : options.steps, !isCpu, options.batch));
      }
      if (name === 'wasm' && stockBackpropInput !== undefined) {
        const ours = tf.getKernel('Conv2DBackpropInput', 'wasm')!;
        tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
        tf.registerKernel(stockBackpropInput);
        stockBackpropInput.setupFunc?.(tf.engine().registry['wasm']!);
        results.push(await timeSteps('wasm (stock Conv2DBackpropInput)', options.steps, true, options.batch));
        tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
        tf.registerKernel(ours);
      }
    }
  }
  const lines = [
    `DCGAN step (D + G, Adam, non-saturating, batch ${options.batch}, 28x28x1), tfjs ${tf.version_core}, Node ${process.version}`,
    '',
    '| backend | status | timed steps | median step (s) | fastest step (s) | CPU s per step (all threads) | last D / G loss | tensors leaked per step |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map((r) =>
      r.status === 'ok'
        ? `| ${r.backend} | ok | ${r.steps} | ${r.median!.toFixed(3)} | ${r.min!.toFixed(3)} | ${r.cpu?.toFixed(3) ?? '-'} | ${r.losses ? `${r.losses[0].toFixed(4)} / ${r.losses[1].toFixed(4)}` : '-'} | ${r.leaked ?? '-'} |`
        : `| ${r.backend} | ${r.status} | 0 | - | - | - | - | - |`,
    ),
  ];
  console.log(lines.join('\n'));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
