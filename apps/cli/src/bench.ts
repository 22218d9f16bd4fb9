import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, Rng, expectInteger } from '@tfgen/core';
import { selectBackend } from './backend';
import { parseTrainConfig, type BackendName, type TrainConfigInput } from './config';
import { buildRun } from './registry';

/** Models the bench knows, with the config of their timed step. */
export const BENCH_MODELS: Readonly<Record<string, Omit<TrainConfigInput, 'out'>>> = {
  'mlp-gan': { model: 'mlp-gan', dataset: 'ring', batchSize: 256, hiddenUnits: 128, hiddenLayers: 2, latentDim: 16 },
  'mlp-gan-unrolled5': { model: 'mlp-gan', dataset: 'ring', batchSize: 256, hiddenUnits: 128, hiddenLayers: 2, latentDim: 16, unrolledSteps: 5 },
  vae: { model: 'vae', dataset: 'mnist', batchSize: 64, hiddenUnits: 200, hiddenLayers: 2, latentDim: 20 },
  dcgan: { model: 'dcgan', dataset: 'mnist', batchSize: 64, hiddenUnits: 32, latentDim: 100 },
};

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** Timed steps per model and backend (default 30; DCGAN uses a third of it). */
  readonly steps?: number;
  /** Steps of the long run (mlp-gan on the first backend) comparing tensors and RSS at step 100 and at its end (default 300; 0: skip). */
  readonly longSteps?: number;
  readonly backends?: readonly BackendName[];
  readonly models?: readonly string[];
  /** Markdown report file (default docs/results/bench.md). */
  readonly out?: string;
  /** Run the PyTorch DCGAN reference when `/usr/bin/python3` has torch (default true). */
  readonly pytorch?: boolean;
  readonly log?: (line: string) => void;
}

/** One measured row. */
export interface BenchRow {
  readonly model: string;
  readonly backend: string;
  readonly batchSize: number;
  readonly steps: number;
  readonly medianStepMs: number;
  readonly samplesPerSecond: number;
  readonly peakRssMb: number;
  /** Live tensors after the last timed step minus after the warm-up: 0 when steps leak nothing. */
  readonly tensorGrowth: number;
  readonly note?: string;
}

/** The long-run leak check. */
export interface BenchLongRun {
  readonly model: string;
  readonly backend: string;
  readonly steps: number;
  readonly tensorsAt100: number;
  readonly tensorsAtEnd: number;
  readonly rssMbAt100: number;
  readonly rssMbAtEnd: number;
}

/** What {@link runBench} measured. */
export interface BenchResult {
  readonly rows: BenchRow[];
  readonly longRun: BenchLongRun | null;
  readonly pytorch: { readonly medianStepMs: number; readonly note: string } | { readonly skipped: string };
  readonly markdown: string;
  readonly file: string;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const mb = (bytes: number) => bytes / (1024 * 1024);

async function timeSteps(name: string, backend: string, steps: number, warmup: number, onStep?: (step: number) => void): Promise<BenchRow> {
  const config = parseTrainConfig({ ...BENCH_MODELS[name], out: 'bench' });
  const built = buildRun(config);
  const rng = new Rng(1);
  const times: number[] = [];
  let peakRss = process.memoryUsage().rss;
  let tensorsAfterWarmup = tf.memory().numTensors;
  try {
    for (let step = 0; step < warmup + steps; step++) {
      const batch = built.data.iterator.next();
      const start = performance.now();
      try {
        await built.model.trainStep(batch, { step, rng });
      } finally {
        batch.x.dispose();
        batch.y?.dispose();
      }
      const elapsed = performance.now() - start;
      if (step >= warmup) times.push(elapsed);
      if (step + 1 === warmup) tensorsAfterWarmup = tf.memory().numTensors;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      onStep?.(step + 1);
    }
    const medianStepMs = median(times);
    return {
      model: name,
      backend,
      batchSize: config.batchSize,
      steps,
      medianStepMs,
      samplesPerSecond: (1000 * config.batchSize) / medianStepMs,
      peakRssMb: mb(peakRss),
      tensorGrowth: tf.memory().numTensors - tensorsAfterWarmup,
    };
  } finally {
    built.dispose();
  }
}

/** Finds the PyTorch DCGAN reference script (repo `bench/pytorch_dcgan.py`, else the copy next to this package). */
export function findPytorchScript(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve('bench/pytorch_dcgan.py'), path.resolve(here, '../bench/pytorch_dcgan.py'), path.resolve(here, '../../../bench/pytorch_dcgan.py')];
  return candidates.find((file) => fs.existsSync(file)) ?? null;
}

function runPytorch(steps: number): BenchResult['pytorch'] {
  const python = '/usr/bin/python3';
  const script = findPytorchScript();
  if (!script) return { skipped: 'bench/pytorch_dcgan.py not found' };
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `${python} cannot import torch (apt-get install python3-torch libopenblas0-pthread)` };
  const result = spawnSync(python, [script, '--steps', String(steps)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
    timeout: 300_000,
  });
  const match = /median_step_ms=([\d.]+)/.exec(result.stdout ?? '');
  if (result.status !== 0 || !match) return { skipped: `the PyTorch script failed: ${(result.stderr || result.stdout || '').trim().split('\n').pop()}` };
  return { medianStepMs: Number(match[1]), note: (/torch=([^\s]+)/.exec(result.stdout)?.[1] ?? '') + ', 2 threads' };
}

/**
 * The performance suite: median training-step time and samples/s per model and backend, peak
 * RSS, live tensors after the timed steps, and a long run checking that tensor count and RSS
 * stay flat between step 100 and its end. Writes a markdown report.
 */
export async function runBench(options: BenchOptions = {}): Promise<BenchResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const steps = expectInteger(options.steps ?? 30, 'steps', 1);
  const longSteps = expectInteger(options.longSteps ?? 300, 'longSteps', 0);
  const backends = options.backends ?? (['wasm', 'cpu'] as BackendName[]);
  const models = options.models ?? ['mlp-gan', 'mlp-gan-unrolled5', 'vae', 'dcgan'];
  for (const model of models) {
    if (!(model in BENCH_MODELS)) throw new ArgumentError('--models', `names from ${Object.keys(BENCH_MODELS).join(', ')}`, model);
  }
  const rows: BenchRow[] = [];
  let longRun: BenchLongRun | null = null;
  for (const requested of backends) {
    const backend = (await selectBackend(requested)).name;
    for (const model of models) {
      if (model === 'dcgan' && backend === 'cpu') {
        rows.push({ model, backend, batchSize: 64, steps: 0, medianStepMs: NaN, samplesPerSecond: NaN, peakRssMb: NaN, tensorGrowth: NaN, note: 'skipped: the cpu backend\'s Conv2DBackpropFilter takes minutes per step' });
        log(`bench: ${model} on ${backend}: skipped (pathologically slow conv filter gradient on cpu)`);
        continue;
      }
      const timed = model === 'dcgan' ? Math.max(3, Math.ceil(steps / 3)) : steps;
      log(`bench: ${model} on ${backend}, ${timed} timed steps...`);
      const row = await timeSteps(model, backend, timed, model === 'dcgan' ? 1 : 3);
      rows.push(row);
      log(`bench: ${model} on ${backend}: median ${row.medianStepMs.toFixed(1)} ms/step, ${row.samplesPerSecond.toFixed(0)} samples/s, peak RSS ${row.peakRssMb.toFixed(0)} MB`);
    }
    if (longSteps > 0 && longRun === null && models.includes('mlp-gan')) {
      log(`bench: long run, mlp-gan on ${backend}, ${longSteps} steps...`);
      let at100 = { tensors: NaN, rss: NaN };
      let atEnd = { tensors: NaN, rss: NaN };
      await timeSteps('mlp-gan', backend, longSteps, 0, (step) => {
        if (step === Math.min(100, longSteps)) at100 = { tensors: tf.memory().numTensors, rss: mb(process.memoryUsage().rss) };
        if (step === longSteps) atEnd = { tensors: tf.memory().numTensors, rss: mb(process.memoryUsage().rss) };
      });
      longRun = { model: 'mlp-gan', backend, steps: longSteps, tensorsAt100: at100.tensors, tensorsAtEnd: atEnd.tensors, rssMbAt100: at100.rss, rssMbAtEnd: atEnd.rss };
      log(`bench: tensors ${at100.tensors} at step ${Math.min(100, longSteps)} -> ${atEnd.tensors} at step ${longSteps}; RSS ${at100.rss.toFixed(0)} -> ${atEnd.rss.toFixed(0)} MB`);
    }
  }
  const pytorch = options.pytorch === false || !models.includes('dcgan') ? { skipped: 'not requested' } : runPytorch(Math.max(5, steps));
  const markdown = benchMarkdown(rows, longRun, pytorch, { steps, longSteps, models, backends });
  const file = path.resolve(options.out ?? 'docs/results/bench.md');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, markdown);
  log('');
  log(markdown);
  log(`bench: report written to ${file}`);
  return { rows, longRun, pytorch, markdown, file };
}

/** The report: one table row per model and backend, the long run, the PyTorch reference. */
export function benchMarkdown(rows: readonly BenchRow[], longRun: BenchLongRun | null, pytorch: BenchResult['pytorch'], settings: { steps: number; longSteps: number; models?: readonly string[]; backends?: readonly string[] }): string {
  const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
  const lines = [
    `# tfgen bench`,
    '',
    `Made by \`tfgen bench --steps ${settings.steps} --long-steps ${settings.longSteps}${settings.models ? ` --models ${settings.models.join(',')}` : ''}${settings.backends ? ` --backends ${settings.backends.join(',')}` : ''}\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform}/${process.arch}. Step = one full training step (GANs: one discriminator and one generator update). Tensor growth = live tensors after the timed steps minus after the warm-up (0: no leak).`,
    '',
    '| model | backend | batch | median step (ms) | samples/s | peak RSS (MB) | tensor growth | note |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.model} | ${r.backend} | ${r.batchSize} | ${fmt(r.medianStepMs)} | ${fmt(r.samplesPerSecond, 0)} | ${fmt(r.peakRssMb, 0)} | ${Number.isFinite(r.tensorGrowth) ? r.tensorGrowth : 'n/a'} | ${r.note ?? ''} |`),
  ];
  if ('medianStepMs' in pytorch) lines.push(`| dcgan (PyTorch reference) | cpu | 64 | ${fmt(pytorch.medianStepMs)} | ${fmt((64 * 1000) / pytorch.medianStepMs, 0)} | | | ${pytorch.note} |`);
  else lines.push('', `PyTorch DCGAN reference: skipped (${pytorch.skipped}).`);
  if (longRun) {
    lines.push(
      '',
      `Long run (${longRun.model}, ${longRun.backend}, ${longRun.steps} steps): live tensors ${longRun.tensorsAt100} at step ${Math.min(100, longRun.steps)} and ${longRun.tensorsAtEnd} at the end; RSS ${fmt(longRun.rssMbAt100, 0)} MB -> ${fmt(longRun.rssMbAtEnd, 0)} MB.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
