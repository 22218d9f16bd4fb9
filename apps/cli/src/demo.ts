import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgumentError, Rng, Trainer, expectInteger, type ImageGrid, type TrainerCallback } from '@tfgen/core';
import { FileCheckpointStore, jsonlFileLog, writeImageGrid, writePng } from '@tfgen/core/node';
import { modeCoverage } from '@tfgen/metrics';
import { selectBackend } from './backend';
import { describeConfig, parseTrainConfig, type TrainConfigInput } from './config';
import { writeLossCurve } from './loss-plot';
import { cliProgressCallback } from './progress';
import { buildRun, type CliData, type CliModel } from './registry';
import { RunFolder } from './run-folder';
import { loadRun } from './run-model';
import { scatterPlot } from './scatter-plot';
import { runTrain } from './train';

/** One 2D run of the demo: a name and the config fields that make the strategy. */
export interface DemoRun {
  readonly name: string;
  readonly title: string;
  readonly config: Partial<TrainConfigInput>;
}

/**
 * Shared settings of the demo's 2D runs: the unrolled-GAN paper's MLPs (`--architecture
 * unrolled`: G 2x128 ReLU from a 256-D latent, D scales its input by 1/4 then 1x128 ReLU,
 * orthogonal init), batch 256, Adam 1e-3 / beta1 0.5 for both networks, non-saturating loss,
 * on the ring of 8 (std 0.01, radius 1). Here a vanilla GAN puts its samples on one mode and
 * hops, while PacGAN2 spreads them over all 8 (docs/results/cli-demo.md has the seed sweep).
 */
export const DEMO_BASE: TrainConfigInput = {
  model: 'mlp-gan',
  dataset: 'ring',
  out: '',
  architecture: 'unrolled',
  batchSize: 256,
  learningRate: 1e-3,
  beta1: 0.5,
  checkpointEvery: 100_000,
  logEvery: 20,
};

/**
 * The demo's runs: the same networks, data, seed and steps, without and with a strategy against
 * mode collapse. PacGAN2's discriminator judges pairs of samples, so a generator that puts
 * everything on one mode is easy to spot.
 */
export const DEMO_RUNS: readonly DemoRun[] = [
  { name: 'vanilla', title: 'vanilla GAN', config: {} },
  { name: 'pacgan2', title: 'PacGAN2 (packing 2)', config: { packing: 2 } },
];

/** Default steps of each 2D run. */
export const DEMO_STEPS = 3000;
/** Samples drawn for every measurement (PacGAN's protocol). */
export const DEMO_EVAL_SAMPLES = 2500;

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Folder for run folders and pictures (default runs/demo). */
  readonly outDir?: string;
  /** Steps per 2D run (default {@link DEMO_STEPS}). */
  readonly steps?: number;
  readonly seed?: number;
  /** Measurements (and scatter plots) per 2D run, evenly spaced, the last at the end (default 6). */
  readonly snapshots?: number;
  /** Train a small VAE on MNIST for a sample grid (default true). */
  readonly mnist?: boolean;
  /** MNIST VAE steps (default 2500: about 30 s, enough for digit-like samples). */
  readonly mnistSteps?: number;
  /** Runs to do (default {@link DEMO_RUNS}). */
  readonly runs?: readonly DemoRun[];
  readonly log?: (line: string) => void;
}

/** Mode coverage of one run at one step, on {@link DEMO_EVAL_SAMPLES} samples. */
export interface DemoSnapshot {
  readonly step: number;
  readonly modesCovered: number;
  readonly modeCount: number;
  /** Share of all samples within 3 std of a mode. */
  readonly highQualityPercent: number;
  /** Share of all samples whose nearest mode is the most popular one (100 / modeCount when even, 100 when collapsed). */
  readonly topModePercent: number;
  /** Index of that most popular nearest mode: it changes when the generator hops. */
  readonly topMode: number;
  /** KL(mode histogram || uniform) in nats: 0 when even, ln 8 = 2.08 on one mode. */
  readonly reverseKl: number;
}

/** One row of the demo's table. */
export interface DemoRow extends DemoSnapshot {
  readonly name: string;
  readonly title: string;
  readonly seconds: number;
  /** Scatter PNG of the final samples. */
  readonly scatter: string;
  /** One PNG with a scatter plot per snapshot, left to right. */
  readonly timeline: string;
  readonly snapshots: readonly DemoSnapshot[];
  /** The run folder (config.json, metrics.jsonl, checkpoint, loss-curve.svg): `tfgen eval` and `sample` read it. */
  readonly runDir: string;
}

/** What {@link runDemo} made. */
export interface DemoResult {
  readonly rows: DemoRow[];
  readonly table: string;
  /** One line per run, as printed. */
  readonly verdict: string[];
  readonly mnistGrid: string | null;
  readonly outDir: string;
  /** Markdown summary beside the pictures. */
  readonly summary: string;
  /** Wall-clock seconds of the whole demo. */
  readonly seconds: number;
}

/** `count` steps evenly spread over `1..steps`, the last one `steps` (fewer when steps < count). */
export function snapshotSteps(steps: number, count: number): number[] {
  expectInteger(steps, 'steps', 1);
  expectInteger(count, 'count', 1);
  const picked = new Set<number>();
  for (let k = 1; k <= count; k++) picked.add(Math.max(1, Math.round((k * steps) / count)));
  return [...picked].sort((a, b) => a - b);
}

/** Measures 2D samples (interleaved x, y) against the true mixture. */
export function measureSnapshot(step: number, points: Float32Array, mixture: NonNullable<CliData['mixture']>): DemoSnapshot {
  const coverage = modeCoverage(points, { centers: mixture.centers, std: mixture.std });
  // Nearest mode of every sample, however far: shows a collapse even before samples are precise.
  const nearest = modeCoverage(points, { centers: mixture.centers, std: mixture.std, threshold: Number.MAX_VALUE }).perMode;
  const top = Math.max(...nearest);
  return {
    step,
    modesCovered: coverage.modesCovered,
    modeCount: coverage.modeCount,
    highQualityPercent: 100 * coverage.highQualityFraction,
    topModePercent: (100 * top) / coverage.sampleCount,
    topMode: nearest.indexOf(top),
    reverseKl: coverage.reverseKl,
  };
}

/** Images side by side on a white background, `gap` pixels apart, top-aligned. */
export function imageRow(images: readonly ImageGrid[], gap = 6): ImageGrid {
  if (images.length === 0) throw new ArgumentError('images', 'at least one image', 'none');
  expectInteger(gap, 'gap', 0);
  const width = images.reduce((sum, image) => sum + image.width, 0) + gap * (images.length - 1);
  const height = Math.max(...images.map((image) => image.height));
  const data = new Uint8Array(width * height * 4).fill(255);
  let left = 0;
  for (const image of images) {
    for (let y = 0; y < image.height; y++) {
      data.set(image.data.subarray(y * image.width * 4, (y + 1) * image.width * 4), (y * width + left) * 4);
    }
    left += image.width + gap;
  }
  return { width, height, data };
}

const percent = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)}%` : 'n/a');
const nats = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');

/** Markdown table of demo rows. */
export function demoTable(rows: readonly DemoRow[]): string {
  const lines = [
    '| run | modes covered | on the top mode | high quality | reverse KL | modes covered over time | time |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.title} | ${r.modesCovered}/${r.modeCount} | ${percent(r.topModePercent)} | ${percent(r.highQualityPercent)} | ${nats(r.reverseKl)} | ${r.snapshots.map((s) => s.modesCovered).join(', ')} | ${r.seconds.toFixed(0)} s |`,
    ),
  ];
  return lines.join('\n');
}

/**
 * The one-line verdict of a run, from its numbers, e.g.
 * `vanilla GAN: collapsed: 1/8 modes, 99% of samples nearest to one mode, 2% high quality, reverse KL 0.00; top mode over time 3 -> 3 -> 6 -> 6 -> 1 -> 1 (hopped 2 times)`.
 * "Collapsed" means at least half of all samples are nearest to one mode.
 */
export function demoVerdict(row: DemoRow): string {
  const hops = row.snapshots.slice(1).filter((s, k) => s.topMode !== row.snapshots[k].topMode).length;
  const shape =
    row.modesCovered === row.modeCount
      ? `covers all ${row.modeCount} modes`
      : row.topModePercent >= 50
        ? 'collapsed'
        : 'misses modes';
  return (
    `${row.title}: ${shape}: ${row.modesCovered}/${row.modeCount} modes, ${percent(row.topModePercent)} of samples nearest to one mode, ` +
    `${percent(row.highQualityPercent)} high quality, reverse KL ${nats(row.reverseKl)}; ` +
    `top mode over time ${row.snapshots.map((s) => s.topMode).join(' -> ')} (${hops === 1 ? 'hopped once' : `hopped ${hops} times`})`
  );
}

function formatSeconds(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${Math.round(seconds - 60 * minutes)} s` : `${seconds.toFixed(0)} s`;
}

/** Measures and draws the model at the snapshot steps; the final scatter plot is drawn full size. */
function snapshotCallback(data: CliData, steps: readonly number[], seed: number, sink: { snapshots: DemoSnapshot[]; images: ImageGrid[]; final: ImageGrid | null }): TrainerCallback {
  const mixture = data.mixture!;
  return {
    onStepEnd: (step, _metrics, info) => {
      if (!steps.includes(step)) return;
      // The same latents every time, so the pictures show the generator moving, not new noise.
      const samples = (info.model as CliModel).sample(DEMO_EVAL_SAMPLES, new Rng(`eval-${seed}`));
      const points = samples.dataSync() as Float32Array;
      samples.dispose();
      sink.snapshots.push(measureSnapshot(step, points, mixture));
      sink.images.push(scatterPlot(points, { centers: mixture.centers, std: mixture.std, size: 180 }));
      if (step === steps[steps.length - 1]) sink.final = scatterPlot(points, { centers: mixture.centers, std: mixture.std });
    },
  };
}

/**
 * `pnpm demo`: trains the same MLP GAN on the ring of 8 Gaussians once per {@link DEMO_RUNS}
 * run (vanilla, then with a strategy against mode collapse), measures mode coverage, the share
 * of samples on the top mode, % high quality and reverse KL (2500 samples, PacGAN's protocol) at
 * several steps, writes a scatter PNG per run and a timeline PNG of scatter plots over training,
 * prints a verdict per run, then trains a VAE on MNIST for a sample grid, and writes README.md
 * (a Markdown summary) beside the pictures.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const outDir = path.resolve(options.outDir ?? 'runs/demo');
  const steps = expectInteger(options.steps ?? DEMO_STEPS, 'steps', 1);
  const seed = expectInteger(options.seed ?? 0, 'seed', 0);
  const at = snapshotSteps(steps, expectInteger(options.snapshots ?? 6, 'snapshots', 1));
  fs.mkdirSync(outDir, { recursive: true });
  const runs = options.runs ?? DEMO_RUNS;
  const backend = await selectBackend('auto');
  log(`tfgen demo: backend ${backend.name}; ${runs.length} GANs on a ring of 8 Gaussians (std 0.01), the same networks, seed ${seed} and ${steps} steps each`);
  log(`  measured at steps ${at.join(', ')} on ${DEMO_EVAL_SAMPLES} samples (high quality = within 3 std of a mode)`);
  const rel = (file: string) => path.relative(process.cwd(), file) || '.';
  const rows: DemoRow[] = [];
  for (const run of runs) {
    const runDir = path.join(outDir, `ring-${run.name}`);
    const config = parseTrainConfig({ ...DEMO_BASE, ...run.config, out: runDir, steps, seed, sampleEvery: steps, checkpointEvery: steps });
    const folder = new RunFolder(runDir);
    fs.rmSync(folder.dir, { recursive: true, force: true });
    folder.writeConfig(config);
    log(`tfgen demo: ${run.title}: ${describeConfig(config)}`);
    const built = buildRun(config);
    const sink = { snapshots: [] as DemoSnapshot[], images: [] as ImageGrid[], final: null as ImageGrid | null };
    let seconds: number;
    try {
      const progress = cliProgressCallback('auto', { label: run.name.padEnd(9) });
      const summary = await new Trainer(built.model, { seed: config.seed, log: () => undefined }).fit(built.data.iterator, {
        steps,
        callbacks: [jsonlFileLog(folder.metricsFile, { every: config.logEvery }), ...(progress ? [progress] : []), snapshotCallback(built.data, at, seed, sink)],
        checkpoint: { store: new FileCheckpointStore(folder.checkpointFile), every: steps },
        extra: { command: 'tfgen demo' },
      });
      seconds = summary.seconds;
    } finally {
      built.dispose();
    }
    await writeLossCurve(folder.lossCurveFile, folder.readMetrics(), { title: describeConfig(config) });
    const last = sink.snapshots[sink.snapshots.length - 1];
    const scatter = path.join(outDir, `ring-${run.name}.png`);
    const timeline = path.join(outDir, `ring-${run.name}-timeline.png`);
    writePng(scatter, sink.final!);
    writePng(timeline, imageRow(sink.images));
    const row: DemoRow = { ...last, name: run.name, title: run.title, seconds, scatter, timeline, snapshots: sink.snapshots, runDir };
    rows.push(row);
    log(`  ${demoVerdict(row)}`);
  }
  const table = demoTable(rows);
  const verdict = rows.map(demoVerdict);

  let mnistGrid: string | null = null;
  const mnistSteps = expectInteger(options.mnistSteps ?? 2500, 'mnistSteps', 1);
  if (options.mnist ?? true) {
    const runDir = path.join(outDir, 'mnist-vae');
    log(`tfgen demo: a VAE on MNIST, ${mnistSteps} steps`);
    await runTrain(
      { model: 'vae', dataset: 'mnist', out: runDir, steps: mnistSteps, batchSize: 64, seed, latentDim: 16, hiddenUnits: 256, hiddenLayers: 1, checkpointEvery: 10_000, sampleEvery: mnistSteps, logEvery: 20 },
      { force: true, label: 'mnist-vae', log: () => undefined },
    );
    const loaded = await loadRun(runDir);
    try {
      const images = loaded.model.sample(64, new Rng(`grid-${seed}`));
      mnistGrid = path.join(outDir, 'mnist-vae.png');
      try {
        writeImageGrid(mnistGrid, images, { columns: 8, range: '[-1,1]' });
      } finally {
        images.dispose();
      }
    } finally {
      loaded.dispose();
    }
  }

  const seconds = (Date.now() - started) / 1000;
  const summary = path.join(outDir, 'README.md');
  fs.writeFileSync(summary, demoSummaryMarkdown({ rows, table, verdict, mnistGrid, outDir, steps, seed, seconds, mnistSteps, backend: backend.name }));
  log('');
  log('Verdict:');
  for (const line of verdict) log(`  ${line}`);
  log('');
  log(table);
  log('');
  log('Pictures:');
  for (const row of rows) {
    log(`  ${rel(row.scatter)}   ${row.title} at step ${steps}: ${DEMO_EVAL_SAMPLES} samples (blue) over the 8 true modes (red rings = 3 std)`);
    log(`  ${rel(row.timeline)}   the same samples at steps ${at.join(', ')}, left to right`);
  }
  if (mnistGrid) log(`  ${rel(mnistGrid)}   64 VAE samples on MNIST (${mnistSteps} steps)`);
  log(`  ${rel(outDir)}/ring-*/loss-curve.svg   losses; each ring-*/ folder is a run folder for tfgen eval / sample`);
  log(`  ${rel(summary)}   this summary, with the pictures`);
  log(`tfgen demo: done in ${formatSeconds(seconds)}`);
  return { rows, table, verdict, mnistGrid, outDir, summary, seconds };
}

function demoSummaryMarkdown(r: {
  rows: readonly DemoRow[];
  table: string;
  verdict: readonly string[];
  mnistGrid: string | null;
  outDir: string;
  steps: number;
  seed: number;
  seconds: number;
  mnistSteps: number;
  backend: string;
}): string {
  const file = (p: string) => path.relative(r.outDir, p).split(path.sep).join('/');
  const lines = [
    `# tfgen demo (seed ${r.seed}, ${r.steps} steps per 2D run, ${formatSeconds(r.seconds)} on the ${r.backend} backend)`,
    '',
    `Ring of 8 Gaussians (std 0.01, radius 1); every number is measured on ${DEMO_EVAL_SAMPLES} samples: a sample is high quality within`,
    '3 std of a mode, a mode is covered with at least one high-quality sample (PacGAN\'s protocol),',
    'and "on the top mode" is the share of all samples whose nearest mode is the most popular one (12.5% when even, 100% when collapsed),',
    'however far from it they are; reverse KL compares the histogram of high-quality samples over modes with uniform (0 when even, 2.08 on one mode).',
    '',
    ...r.verdict.map((line) => `- ${line}`),
    '',
    r.table,
    '',
  ];
  for (const row of r.rows) {
    lines.push(`## ${row.title}`, '', `![${row.title} over time](${file(row.timeline)})`, '', `![${row.title} at the end](${file(row.scatter)})`, '');
    lines.push('| step | modes covered | on the top mode | top mode | high quality | reverse KL |', '| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const s of row.snapshots) {
      lines.push(`| ${s.step} | ${s.modesCovered}/${s.modeCount} | ${percent(s.topModePercent)} | ${s.topMode} | ${percent(s.highQualityPercent)} | ${nats(s.reverseKl)} |`);
    }
    lines.push('', `Run folder: \`${file(row.runDir)}/\` (config.json, metrics.jsonl, checkpoint, loss-curve.svg).`, '');
  }
  if (r.mnistGrid) lines.push(`## VAE on MNIST (${r.mnistSteps} steps)`, '', `![VAE samples](${file(r.mnistGrid)})`, '');
  return `${lines.join('\n')}\n`;
}
