/**
 * Mode collapse on PacGAN's 2D mixtures: vanilla GAN against each strategy of
 * @tfgen/strategies, over several seeds, scored with @tfgen/metrics' modeCoverage
 * (2500 samples; a sample is high quality within 3 std of its nearest mode).
 *
 * Reproduce (from packages/strategies; sources resolved through scripts/tsconfig.json):
 *   scripts/mixtures.ts [steps] [seeds] [datasets] [strategies] [out.md], run as:
 *   TSX_TSCONFIG_PATH=scripts/tsconfig.json node --import tsx --import ./scripts/esm-dir-imports.mjs \
 *     scripts/mixtures.ts 400 5 ring all ring.md > ring.log
 *   ... scripts/mixtures.ts summarize table.md ring.log grid.log   (tabulates finished runs from logs)
 * (esm-dir-imports.mjs lets Node load tfjs-core's ESM gradient files that @tfgen/core's sources import.)
 * Backend: TFGEN_BACKEND (default wasm); hidden units: TFGEN_HIDDEN (default 64).
 *
 * Set-up (deviations from PacGAN, forced by a CPU budget of minutes, not hours):
 * - G: z ~ N(0, I_2) -> 64 ReLU -> 64 ReLU -> 2 (PacGAN: 4 x 400 ReLU with batch norm).
 * - D: 2 -> 64 ReLU -> 64 ReLU -> 1 (PacGAN: 3 x 200 LinearMaxout(5)).
 * - Adam(1e-3, 0.5, 0.999), batch 100, `steps` generator steps (PacGAN: Adam 1e-4, many epochs).
 * - Strategies: unrolled5 = 5 unrolled Adam-from-zero steps (lr 1e-3), second-order term kept;
 *   pacgan2 = packing 2 (D input 4); minibatchDisc = MinibatchDiscrimination(8 kernels x 3) before
 *   D's last layer; wganGp = Wasserstein + GP 10, 5 critic steps, Adam(1e-3, 0.5, 0.9);
 *   snHinge = spectralNorm on every D layer + hinge loss, Adam(1e-3, 0.5, 0.9);
 *   ttur = G lr 2.5e-4, D lr 1e-3.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { readFileSync, writeFileSync } from 'node:fs';
import { Rng, withSeededRandom } from '@tfgen/core';
import { gridOfGaussians, ringOfGaussians, type Mixture2D } from '@tfgen/datasets';
import { modeCoverage } from '@tfgen/metrics';
import { hinge } from '@tfgen/losses';
import {
  createGan,
  MinibatchDiscrimination,
  spectralNorm,
  vanillaGan,
  wganGp,
  type CreateGanOptions,
} from '@tfgen/strategies';

const steps = Number(process.argv[2] ?? 1500);
const seedCount = Number(process.argv[3] ?? 5);
const datasetNames = (process.argv[4] ?? 'ring,grid').split(',');
const strategyArg = process.argv[5] ?? 'all';
const outFile = process.argv[6];
const backend = process.env.TFGEN_BACKEND ?? 'wasm';
const batchSize = 100;
const hidden = Number(process.env.TFGEN_HIDDEN ?? 64);
const lr = 1e-3;

type Build = (seed: number) => Omit<CreateGanOptions, 'latentDim'>;

function generator(seed: number): tfl.LayersModel {
  return withSeededRandom(new Rng(seed).fork('G'), () =>
    tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [2], units: hidden, activation: 'relu' }),
        tfl.layers.dense({ units: hidden, activation: 'relu' }),
        tfl.layers.dense({ units: 2 }),
      ],
    }),
  );
}

function discriminator(seed: number, options: { inputDim?: number; sn?: boolean; minibatch?: boolean } = {}): tfl.LayersModel {
  const wrap = (layer: tfl.layers.Layer) => (options.sn ? spectralNorm(layer) : layer);
  return withSeededRandom(new Rng(seed).fork('D'), () => {
    const layers: tfl.layers.Layer[] = [
      wrap(tfl.layers.dense({ inputShape: [options.inputDim ?? 2], units: hidden, activation: 'relu' })),
      wrap(tfl.layers.dense({ units: hidden, activation: 'relu' })),
    ];
    if (options.minibatch) layers.push(new MinibatchDiscrimination({ numKernels: 8, kernelDim: 3 }));
    layers.push(wrap(tfl.layers.dense({ units: 1 })));
    return tfl.sequential({ layers });
  });
}

const adam = (rate: number, beta2 = 0.999) => ({ kind: 'adam' as const, learningRate: rate, beta1: 0.5, beta2 });
const vanillaOptimizers = { generator: adam(lr), discriminator: adam(lr) };

const strategies: Record<string, Build> = {
  vanilla: (seed) => ({ generator: generator(seed), discriminator: discriminator(seed), variant: vanillaGan(), optimizers: vanillaOptimizers }),
  unrolled5: (seed) => ({
    generator: generator(seed),
    discriminator: discriminator(seed),
    variant: vanillaGan(),
    optimizers: vanillaOptimizers,
    unrolled: { steps: 5, optimizer: 'adam', learningRate: lr, secondOrder: true },
  }),
  pacgan2: (seed) => ({ generator: generator(seed), discriminator: discriminator(seed, { inputDim: 4 }), variant: vanillaGan(), optimizers: vanillaOptimizers, packing: 2 }),
  minibatchDisc: (seed) => ({ generator: generator(seed), discriminator: discriminator(seed, { minibatch: true }), variant: vanillaGan(), optimizers: vanillaOptimizers }),
  wganGp: (seed) => ({ generator: generator(seed), discriminator: discriminator(seed), variant: wganGp(), optimizers: { generator: adam(lr, 0.9), discriminator: adam(lr, 0.9) } }),
  snHinge: (seed) => ({
    generator: generator(seed),
    discriminator: discriminator(seed, { sn: true }),
    variant: { name: 'sn-hinge', loss: hinge },
    optimizers: { generator: adam(lr, 0.9), discriminator: adam(lr, 0.9) },
  }),
  ttur: (seed) => ({ generator: generator(seed), discriminator: discriminator(seed), variant: vanillaGan(), optimizers: { generator: adam(lr / 4), discriminator: adam(lr) } }),
};

const datasets: Record<string, Mixture2D> = { ring: ringOfGaussians(), grid: gridOfGaussians() };

interface Row {
  dataset: string;
  strategy: string;
  seed: number;
  steps: number;
  modes: number;
  highQuality: number;
  reverseKl: number;
  modesWithin10Std?: number;
  within10Std?: number;
  seconds: number;
  cpuSeconds: number;
}

async function run(): Promise<void> {
  if (process.argv[2] === 'summarize') {
    // Tabulates the JSON rows of finished runs from logs: summarize out.md log1 [log2 ...]
    const all = process.argv.slice(4).flatMap((file) =>
      readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Row),
    );
    // One row per (dataset, strategy, seed): the first one logged.
    const seen = new Set<string>();
    const rows = all.filter((r) => {
      const key = `${r.dataset}/${r.strategy}/${r.seed}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const table = summarize(rows, Object.keys(strategies));
    console.log(table);
    writeFileSync(process.argv[3], table);
    return;
  }
  await tf.setBackend(backend);
  const names = strategyArg === 'all' ? Object.keys(strategies) : strategyArg.split(',');
  const rows: Row[] = [];
  // Seed-major order: a run cut short still has every strategy on the first seeds.
  // TFGEN_SEEDS=3,4 runs only those seeds (to split the work over processes).
  const seeds = process.env.TFGEN_SEEDS ? process.env.TFGEN_SEEDS.split(',').map(Number) : Array.from({ length: seedCount }, (_, i) => i + 1);
  for (const seed of seeds) {
    for (const datasetName of datasetNames) {
      const mixture = datasets[datasetName];
      for (const strategy of names) {
        const started = Date.now();
        const cpuStarted = process.cpuUsage();
        const gan = createGan({ latentDim: 2, ...strategies[strategy](seed) });
        const data = mixture.batches({ batchSize, seed });
        const rng = new Rng(seed).fork('train');
        for (let step = 0; step < steps; step++) {
          const batch = data.next();
          gan.trainStep(batch, { step, rng });
          tf.dispose(batch.x);
        }
        const samples = gan.sample(2500, new Rng(seed).fork('eval')) as tf.Tensor2D;
        const score = modeCoverage(samples, { centers: mixture.centers, std: mixture.std });
        // Diagnostic: modes reached at a loose threshold (10 std), separating spread from precision.
        const loose = modeCoverage(samples, { centers: mixture.centers, std: mixture.std, threshold: 10 });
        samples.dispose();
        gan.dispose();
        gan.generator.dispose();
        gan.discriminator.dispose();
        const used = process.cpuUsage(cpuStarted);
        const row: Row = {
          dataset: mixture.name,
          strategy,
          seed,
          steps,
          modes: score.modesCovered,
          highQuality: score.highQualityFraction,
          reverseKl: score.reverseKl,
          modesWithin10Std: loose.modesCovered,
          within10Std: loose.highQualityFraction,
          seconds: (Date.now() - started) / 1000,
          cpuSeconds: (used.user + used.system) / 1e6,
        };
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
  }
  const table = summarize(rows, names);
  console.log(table);
  if (outFile) writeFileSync(outFile, table);
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
function std(values: number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1));
}

function summarize(rows: Row[], names: string[]): string {
  const lines = [
    `| dataset | strategy | seeds | steps | modes covered (mean ± sd) | per seed | % high quality | reverse KL | CPU s/run |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
  ];
  for (const dataset of [...new Set(rows.map((r) => r.dataset))]) {
    for (const strategy of names) {
      const rs = rows.filter((r) => r.dataset === dataset && r.strategy === strategy);
      if (rs.length === 0) continue;
      const kl = rs.map((r) => r.reverseKl).filter(Number.isFinite);
      lines.push(
        `| ${dataset} | ${strategy} | ${rs.length} | ${rs[0].steps} | ${mean(rs.map((r) => r.modes)).toFixed(1)} ± ${std(rs.map((r) => r.modes)).toFixed(1)} | ${rs.map((r) => r.modes).join(', ')} | ${(100 * mean(rs.map((r) => r.highQuality))).toFixed(1)} | ${kl.length ? mean(kl).toFixed(3) : 'n/a'} | ${mean(rs.map((r) => r.cpuSeconds)).toFixed(1)} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

run().catch((error) => {
  console.error(error);
  process.exit(1);
});
