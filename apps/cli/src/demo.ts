import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng, expectInteger } from '@tfgen/core';
import { writeImageGrid, writePng } from '@tfgen/core/node';
import { modeCoverage } from '@tfgen/metrics';
import type { TrainConfigInput } from './config';
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
 * The demo's runs on the ring of 8 Gaussians (std 0.01, radius 1), both with the same MLP,
 * seed and step budget: a vanilla GAN and PacGAN2 (the discriminator sees pairs of samples).
 * An unrolled GAN (`{ unrolledSteps: 3 }`) costs ~4.5x a vanilla step here, too much for the
 * demo's few minutes: pass it in `runs` to add it.
 */
export const DEMO_RUNS: readonly DemoRun[] = [
  { name: 'vanilla', title: 'vanilla GAN (non-saturating)', config: {} },
  { name: 'pacgan2', title: 'PacGAN2 (packing 2)', config: { packing: 2 } },
];

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Folder for run folders and pictures (default runs/demo). */
  readonly outDir?: string;
  /** Steps per 2D run (default 3000). */
  readonly steps?: number;
  readonly seed?: number;
  /** Train a small VAE on MNIST for a sample grid (default true). */
  readonly mnist?: boolean;
  /** MNIST VAE steps (default 400). */
  readonly mnistSteps?: number;
  /** Runs to do (default {@link DEMO_RUNS}). */
  readonly runs?: readonly DemoRun[];
  readonly log?: (line: string) => void;
}

/** One row of the demo's table. */
export interface DemoRow {
  readonly name: string;
  readonly title: string;
  readonly modesCovered: number;
  readonly modeCount: number;
  readonly highQualityPercent: number;
  readonly reverseKl: number;
  readonly seconds: number;
  readonly scatter: string;
}

/** What {@link runDemo} made. */
export interface DemoResult {
  readonly rows: DemoRow[];
  readonly table: string;
  readonly mnistGrid: string | null;
  readonly outDir: string;
}

/** Shared settings of the demo's 2D runs. */
export const DEMO_BASE: TrainConfigInput = {
  model: 'mlp-gan',
  dataset: 'ring',
  out: '',
  batchSize: 128,
  learningRate: 1e-3,
  hiddenUnits: 64,
  hiddenLayers: 2,
  latentDim: 16,
  checkpointEvery: 10_000,
  logEvery: 20,
};

/** Markdown table of demo rows. */
export function demoTable(rows: readonly DemoRow[]): string {
  const lines = [
    '| run | modes covered | high quality | reverse KL | time |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.title} | ${r.modesCovered}/${r.modeCount} | ${r.highQualityPercent.toFixed(1)}% | ${Number.isFinite(r.reverseKl) ? r.reverseKl.toFixed(3) : 'n/a'} | ${r.seconds.toFixed(0)} s |`,
    ),
  ];
  return lines.join('\n');
}

/**
 * `pnpm demo`: trains each {@link DEMO_RUNS} run on the ring of 8, measures mode coverage and
 * the share of high-quality samples (2500 samples, PacGAN's protocol), writes scatter PNGs of
 * samples over the true modes and a table, then a VAE on MNIST for a sample grid.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const outDir = path.resolve(options.outDir ?? 'runs/demo');
  const steps = expectInteger(options.steps ?? 3000, 'steps', 1);
  const seed = expectInteger(options.seed ?? 0, 'seed', 0);
  fs.mkdirSync(outDir, { recursive: true });
  const runs = options.runs ?? DEMO_RUNS;
  log(`tfgen demo: ${runs.length} GANs on a ring of 8 Gaussians (std 0.01), ${steps} steps each, seed ${seed}`);
  const rows: DemoRow[] = [];
  for (const run of runs) {
    const runDir = path.join(outDir, `ring-${run.name}`);
    const result = await runTrain(
      { ...DEMO_BASE, ...run.config, out: runDir, steps, seed, sampleEvery: Math.max(1, Math.floor(steps / 5)) },
      { force: true, label: run.name.padEnd(10), log: (line) => (line.startsWith('tfgen: backend') && rows.length === 0 ? log(line) : undefined) },
    );
    const loaded = await loadRun(runDir);
    try {
      const samples = loaded.model.sample(2500, new Rng(`eval-${seed}`));
      const points = samples.dataSync() as Float32Array;
      samples.dispose();
      const mixture = loaded.data.mixture!;
      const coverage = modeCoverage(points, { centers: mixture.centers, std: mixture.std });
      const scatter = path.join(outDir, `ring-${run.name}.png`);
      writePng(scatter, scatterPlot(points, { centers: mixture.centers, std: mixture.std }));
      const row: DemoRow = {
        name: run.name,
        title: run.title,
        modesCovered: coverage.modesCovered,
        modeCount: coverage.modeCount,
        highQualityPercent: 100 * coverage.highQualityFraction,
        reverseKl: coverage.reverseKl,
        seconds: result.summary.seconds,
        scatter,
      };
      rows.push(row);
      log(`  ${run.title}: ${row.modesCovered}/${row.modeCount} modes, ${row.highQualityPercent.toFixed(1)}% high quality (${row.seconds.toFixed(0)} s)`);
    } finally {
      loaded.dispose();
    }
  }
  const table = demoTable(rows);
  log('');
  log(table);
  log('');

  let mnistGrid: string | null = null;
  if (options.mnist ?? true) {
    const mnistSteps = expectInteger(options.mnistSteps ?? 400, 'mnistSteps', 1);
    const runDir = path.join(outDir, 'mnist-vae');
    log(`tfgen demo: a VAE on MNIST, ${mnistSteps} steps`);
    await runTrain(
      { model: 'vae', dataset: 'mnist', out: runDir, steps: mnistSteps, batchSize: 64, seed, latentDim: 16, hiddenUnits: 256, hiddenLayers: 1, checkpointEvery: 10_000, sampleEvery: mnistSteps, logEvery: 20 },
      { force: true, label: 'mnist-vae ', log: () => undefined },
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

  fs.writeFileSync(path.join(outDir, 'README.md'), `# tfgen demo (seed ${seed}, ${steps} steps per 2D run)\n\n${table}\n`);
  log('Pictures:');
  for (const row of rows) log(`  ${path.relative(process.cwd(), row.scatter)}   ${row.title}: samples (blue) over the 8 true modes (red rings = 3 std)`);
  if (mnistGrid) log(`  ${path.relative(process.cwd(), mnistGrid)}   VAE samples on MNIST`);
  log(`  ${path.relative(process.cwd(), outDir)}/ring-*/loss-curve.svg, samples/step-*.png: loss curves and samples over time`);
  return { rows, table, mnistGrid, outDir };
}
