/**
 * Mode collapse on PacGAN's 2D mixtures: vanilla GAN against each strategy of @tfgen/strategies,
 * over several seeds, scored with @tfgen/metrics' modeCoverage (2500 samples; a sample is high
 * quality within 3 std of its nearest mode; a mode is covered by at least one such sample).
 *
 * Run from packages/strategies (sources resolved through scripts/tsconfig.json; esm-dir-imports.mjs
 * lets Node load tfjs-core's ESM gradient files that @tfgen/core's sources import):
 *   M="node --import tsx --import ./scripts/esm-dir-imports.mjs scripts/mixtures.ts"
 *   TSX_TSCONFIG_PATH=scripts/tsconfig.json $M run --out rows.jsonl --steps 3000 --seeds 1,2,3,4,5 \
 *     --datasets ring,grid --strategies all [--eval-every 500] [--hidden 64] [--lr 1e-3] \
 *     [--arch small|unrolled] [--latent 256] [--unrolled-steps 5] [--first-order] [--steps-for unrolled=1500] [--decay] [--minibatch-mean] [--gp-target 1] [--d-input-scale 0.25] [--sn-zero-gp 0] [--batch 100] [--ring-std 0.01] [--tag name] [--samples s.jsonl]
 *   ... $M table --in rows.jsonl [--tag name] [--at 500,1000] [--out table.md]   (mean ± sd over seeds per dataset x strategy;
 *       --at: modes covered at those steps too, from the --eval-every curves)
 *   ... $M plot --in samples.jsonl [--tag name] --out scatter.png   (one seed per strategy over the true modes)
 *   ... $M uniform --dataset grid --half 5 [--repeats 20]   (the score of points spread uniformly: a no-learning baseline)
 * `run` appends one JSON line per finished (dataset, strategy, seed) to --out and skips the ones
 * already there (same --tag), so an interrupted run resumes. Backend: TFGEN_BACKEND (default wasm,
 * ~2x the cpu backend on these MLPs: scripts/step-cost.ts).
 *
 * Set-up: PacGAN's data (ring of 8 std 0.01, grid of 25 std 0.05), batch 100, 2-D normal latent,
 * non-saturating loss. Networks: G 2 -> h ReLU -> h ReLU -> 2, D 2 -> h ReLU -> h ReLU -> 1
 * (PacGAN: G 4x400 ReLU+BN, D 3x200 maxout(5); that preset costs ~0.63 CPU-s per step here, see
 * docs/results/strategies-mixtures.md). Adam(lr, beta1 0.5) for both networks.
 * Strategies: unrolled = k unrolled Adam steps (from zero moments, at D's current lr), second-order term kept unless --first-order;
 * pacgan2 = packing 2 (D input 4); minibatchDisc = MinibatchDiscrimination(8 kernels x 3) before D's
 * last layer; wganGp = Wasserstein + GP 10 (target --gp-target, default 1), 5 critic steps (each on a fresh
 * real batch), Adam(lr, 0.5, 0.9); snHinge =
 * spectralNorm on every D layer + hinge loss, Adam(lr, 0.5, 0.9); ttur = G lr/4, D lr.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Rng, withSeededRandom } from '@tfgen/core';
import { writePng } from '@tfgen/core/node';
import { gridOfGaussians, ringOfGaussians, type Mixture2D } from '@tfgen/datasets';
import { modeCoverage } from '@tfgen/metrics';
import { hinge } from '@tfgen/losses';
import { orthogonalMatrix } from '@tfgen/architectures';
import { createGan, gradientPenaltyRegularizer, linearDecay, MinibatchDiscrimination, spectralNorm, vanillaGan, wganGp, type CreateGanOptions } from '@tfgen/strategies';

const [command, ...rest] = process.argv.slice(2);
const flags = new Map<string, string>();
for (let i = 0; i < rest.length; i++) {
  const name = rest[i].replace(/^--/, '');
  if (rest[i + 1] === undefined || rest[i + 1].startsWith('--')) flags.set(name, 'true');
  else flags.set(name, rest[++i]);
}
const flag = (name: string, fallback: string) => flags.get(name) ?? fallback;

const hidden = Number(flag('hidden', '64'));
const lr = Number(flag('lr', '1e-3'));
const batchSize = Number(flag('batch', '100'));
const unrolledSteps = Number(flag('unrolled-steps', '5'));
const secondOrder = !flags.has('first-order');
const decay = flags.has('decay');
const minibatchMean = flags.has('minibatch-mean');
// --gp-target 0: wganGp with the zero-centred penalty (a generator on the data is then a fixed point).
const gpTarget = Number(flag('gp-target', '1'));
if (!(gpTarget >= 0)) throw new Error(`--gp-target: expected a number >= 0, got "${flags.get('gp-target')}"`);
// --d-input-scale: the x/4 of the unrolled-arch D (spectral norm bounds D's Lipschitz constant by it).
const inputScale = Number(flag('d-input-scale', '0.25'));
if (!(inputScale > 0)) throw new Error(`--d-input-scale: expected a number > 0, got "${flags.get('d-input-scale')}"`);
// --sn-zero-gp w: snHinge plus a zero-centred gradient penalty of weight w (a restoring force at the data).
const snZeroGp = Number(flag('sn-zero-gp', '0'));
if (!(snZeroGp >= 0)) throw new Error(`--sn-zero-gp: expected a weight >= 0, got "${flags.get('sn-zero-gp')}"`);
const arch = flag('arch', 'small');
if (arch !== 'small' && arch !== 'unrolled') throw new Error(`--arch: expected small or unrolled, got "${arch}"`);
// --arch unrolled: the unrolled-GAN paper's MLPs take a 256-D latent; the small nets a 2-D one.
const latentDim = Number(flag('latent', arch === 'unrolled' ? '256' : '2'));
if (!Number.isInteger(latentDim) || latentDim < 1) throw new Error(`--latent: expected a positive integer, got "${flag('latent', '')}"`);

/** Divides the last `columns` features by (batch - 1): minibatch discrimination's sum of closeness as a mean. */
class ScaleLastColumns extends tfl.layers.Layer {
  static className = 'MixturesScaleLastColumns';
  constructor(readonly columns: number) {
    super({});
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const [batch, width] = x.shape;
      const head = tf.slice(x, [0, 0], [batch, width - this.columns]);
      const tail = tf.div(tf.slice(x, [0, width - this.columns], [batch, this.columns]), Math.max(1, batch - 1));
      return tf.concat([head, tail], 1);
    });
  }
}

type Build = (seed: number) => Omit<CreateGanOptions, 'latentDim'>;

function generator(seed: number): tfl.LayersModel {
  if (arch === 'unrolled') return unrolledArchGenerator(seed);
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
  if (arch === 'unrolled') return unrolledArchDiscriminator(seed, options);
  const wrap = (layer: tfl.layers.Layer) => (options.sn ? spectralNorm(layer) : layer);
  return withSeededRandom(new Rng(seed).fork('D'), () => {
    const layers: tfl.layers.Layer[] = [
      wrap(tfl.layers.dense({ inputShape: [options.inputDim ?? 2], units: hidden, activation: 'relu' })),
      wrap(tfl.layers.dense({ units: hidden, activation: 'relu' })),
    ];
    if (options.minibatch) {
      layers.push(new MinibatchDiscrimination({ numKernels: 8, kernelDim: 3 }));
      // Diagnostic (--minibatch-mean): o_i / (batch - 1), a mean closeness in [0, 1], instead of the sum in [0, batch - 1].
      if (minibatchMean) layers.push(new ScaleLastColumns(8));
    }
    layers.push(wrap(tfl.layers.dense({ units: 1 })));
    return tfl.sequential({ layers });
  });
}

/**
 * --arch unrolled: the layers of @tfgen/architectures' mlpGan({ preset: 'unrolled' }) (Metz et al. 2017):
 * G latent -> 128 ReLU -> 128 ReLU -> 2; D x/4 -> 128 ReLU -> 1; orthogonal kernels (gain 0.8), zero
 * biases. Built here rather than by mlpGan so that minibatch discrimination can sit before D's last
 * layer; packing (D input 2m), spectral norm and minibatch discrimination apply as for the small nets.
 */
function orthogonalize(model: tfl.LayersModel, seed: number, name: string): tfl.LayersModel {
  const rng = new Rng(seed).fork(`orthogonal ${name}`);
  for (const outer of model.layers) {
    // spectralNorm(dense) keeps the Dense layer as `.layer`; its kernel is the one to set.
    const layer = outer.getClassName() === 'Dense' ? outer : (outer as unknown as { layer?: tfl.layers.Layer }).layer;
    if (layer?.getClassName() !== 'Dense') continue;
    const [weights, ...rest] = layer.getWeights();
    const [rows, columns] = weights.shape as [number, number];
    const kernel = tf.tensor2d(orthogonalMatrix(rows, columns, 0.8, () => rng.next()), [rows, columns]);
    layer.setWeights([kernel, ...rest]);
    kernel.dispose();
  }
  return model;
}

function unrolledArchGenerator(seed: number): tfl.LayersModel {
  const model = withSeededRandom(new Rng(seed).fork('G'), () =>
    tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [latentDim], units: 128, activation: 'relu' }),
        tfl.layers.dense({ units: 128, activation: 'relu' }),
        tfl.layers.dense({ units: 2 }),
      ],
    }),
  );
  return orthogonalize(model, seed, 'G');
}

function unrolledArchDiscriminator(seed: number, options: { inputDim?: number; sn?: boolean; minibatch?: boolean }): tfl.LayersModel {
  const wrap = (layer: tfl.layers.Layer) => (options.sn ? spectralNorm(layer) : layer);
  const model = withSeededRandom(new Rng(seed).fork('D'), () => {
    const layers: tfl.layers.Layer[] = [
      tfl.layers.rescaling({ inputShape: [options.inputDim ?? 2], scale: inputScale }),
      wrap(tfl.layers.dense({ units: 128, activation: 'relu' })),
    ];
    if (options.minibatch) {
      layers.push(new MinibatchDiscrimination({ numKernels: 8, kernelDim: 3 }));
      if (minibatchMean) layers.push(new ScaleLastColumns(8));
    }
    layers.push(wrap(tfl.layers.dense({ units: 1 })));
    return tfl.sequential({ layers });
  });
  return orthogonalize(model, seed, 'D');
}

const adam = (rate: number, beta2 = 0.999) => ({ kind: 'adam' as const, learningRate: rate, beta1: 0.5, beta2 });
const vanillaOptimizers = () => ({ generator: adam(lr), discriminator: adam(lr) });

const strategies: Record<string, Build> = {
  vanilla: (seed) => ({ generator: generator(seed), discriminator: discriminator(seed), variant: vanillaGan(), optimizers: vanillaOptimizers() }),
  unrolled: (seed) => ({
    generator: generator(seed),
    discriminator: discriminator(seed),
    variant: vanillaGan(),
    optimizers: vanillaOptimizers(),
    // No learningRate: the unrolled steps use D's learning rate of the step (it follows --decay).
    unrolled: { steps: unrolledSteps, optimizer: 'adam', secondOrder },
  }),
  pacgan2: (seed) => ({ generator: generator(seed), discriminator: discriminator(seed, { inputDim: 4 }), variant: vanillaGan(), optimizers: vanillaOptimizers(), packing: 2 }),
  minibatchDisc: (seed) => ({ generator: generator(seed), discriminator: discriminator(seed, { minibatch: true }), variant: vanillaGan(), optimizers: vanillaOptimizers() }),
  wganGp: (seed) => ({ generator: generator(seed), discriminator: discriminator(seed), variant: wganGp({ penaltyTarget: gpTarget }), optimizers: { generator: adam(lr, 0.9), discriminator: adam(lr, 0.9) } }),
  snHinge: (seed) => ({
    generator: generator(seed),
    discriminator: discriminator(seed, { sn: true }),
    variant: { name: 'sn-hinge', loss: hinge, regularizers: snZeroGp > 0 ? [gradientPenaltyRegularizer({ weight: snZeroGp, target: 0 })] : [] },
    optimizers: { generator: adam(lr, 0.9), discriminator: adam(lr, 0.9) },
  }),
  ttur: (seed) => ({ generator: generator(seed), discriminator: discriminator(seed), variant: vanillaGan(), optimizers: { generator: adam(lr / 4), discriminator: adam(lr) } }),
};

const datasets = (): Record<string, Mixture2D> => ({
  ring: ringOfGaussians({ std: Number(flag('ring-std', '0.01')) }),
  grid: gridOfGaussians(),
});

interface CurvePoint {
  step: number;
  modes: number;
  highQuality: number;
  reverseKl: number;
  /** Means of the step metrics (losses, penalties) since the previous point. */
  metrics: Record<string, number>;
}

interface Row {
  tag: string;
  dataset: string;
  strategy: string;
  seed: number;
  steps: number;
  modes: number;
  highQuality: number;
  reverseKl: number;
  modesWithin10Std: number;
  within10Std: number;
  seconds: number;
  cpuSeconds: number;
  settings: Record<string, unknown>;
  curve: CurvePoint[];
}

function score(samples: tf.Tensor2D, mixture: Mixture2D) {
  const strict = modeCoverage(samples, { centers: mixture.centers, std: mixture.std });
  // Diagnostic: a loose threshold (10 std) separates spread (modes reached) from precision.
  const loose = modeCoverage(samples, { centers: mixture.centers, std: mixture.std, threshold: 10 });
  return { strict, loose };
}

function readRows(file: string): Row[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Row);
}

async function run(): Promise<void> {
  const out = flag('out', '');
  if (!out) throw new Error('run: --out rows.jsonl is required');
  const tag = flag('tag', 'default');
  const defaultSteps = Number(flag('steps', '3000'));
  // --steps-for unrolled=1500,wganGp=2000: fewer steps for the slowest strategies (stated in the report).
  const stepsFor: Record<string, number> = Object.fromEntries(
    (flags.get('steps-for') ?? '').split(',').filter(Boolean).map((pair) => [pair.split('=')[0], Number(pair.split('=')[1])]),
  );
  const evalEvery = Number(flag('eval-every', '0'));
  const seeds = flag('seeds', '1,2,3,4,5').split(',').map(Number);
  const datasetNames = flag('datasets', 'ring,grid').split(',');
  const strategyArg = flag('strategies', 'all');
  const names = strategyArg === 'all' ? Object.keys(strategies) : strategyArg.split(',');
  for (const name of names) if (!strategies[name]) throw new Error(`--strategies: expected names from ${Object.keys(strategies).join(', ')}, got "${name}"`);
  const samplesFile = flags.get('samples');
  const done = new Set(readRows(out).filter((r) => r.tag === tag).map((r) => `${r.dataset}/${r.strategy}/${r.seed}`));
  await tf.setBackend(process.env.TFGEN_BACKEND ?? 'wasm');
  const all = datasets();
  // Strategy-major order (as listed in --strategies): a run cut short has all seeds of the first strategies.
  const jobs = names.flatMap((strategy) => datasetNames.flatMap((datasetName) => seeds.map((seed) => ({ strategy, datasetName, seed }))));
  {
    for (const { strategy, datasetName, seed } of jobs) {
      const mixture = all[datasetName];
      {
        if (done.has(`${mixture.name}/${strategy}/${seed}`)) continue;
        const steps = stepsFor[strategy] ?? defaultSteps;
        const started = Date.now();
        const cpuStarted = process.cpuUsage();
        const options = strategies[strategy](seed);
        // --decay: both learning rates fall linearly to a tenth over the run (Adam's noise otherwise blurs the modes).
        const rateOf = (spec: unknown) => (spec as { learningRate: number }).learningRate;
        const schedules = decay
          ? {
              generator: linearDecay({ initial: rateOf(options.optimizers!.generator), final: rateOf(options.optimizers!.generator) / 10, steps }),
              discriminator: linearDecay({ initial: rateOf(options.optimizers!.discriminator), final: rateOf(options.optimizers!.discriminator) / 10, steps }),
            }
          : undefined;
        const gan = createGan({ latentDim, ...options, ...(schedules ? { learningRateSchedules: schedules } : {}) });
        const data = mixture.batches({ batchSize, seed });
        const rng = new Rng(seed).fork('train');
        const curve: CurvePoint[] = [];
        let sums: Record<string, number> = {};
        let count = 0;
        for (let step = 0; step < steps; step++) {
          const batch = data.next();
          const drawn = [batch.x];
          // As under the core Trainer: extra critic steps draw fresh real batches (createGan's freshRealBatches).
          const nextBatch = () => {
            const extra = data.next();
            drawn.push(extra.x);
            return extra;
          };
          const metrics = gan.trainStep(batch, { step, rng, nextBatch });
          tf.dispose(drawn);
          for (const [key, value] of Object.entries(metrics)) if (!key.startsWith('lr/')) sums[key] = (sums[key] ?? 0) + value;
          count++;
          if (evalEvery > 0 && (step + 1) % evalEvery === 0 && step + 1 < steps) {
            const samples = gan.sample(2500, new Rng(seed).fork(`eval ${step + 1}`)) as tf.Tensor2D;
            const { strict } = score(samples, mixture);
            samples.dispose();
            curve.push({ step: step + 1, modes: strict.modesCovered, highQuality: strict.highQualityFraction, reverseKl: strict.reverseKl, metrics: means(sums, count) });
            console.log(`  ${mixture.name} ${strategy} seed ${seed} step ${step + 1}: ${strict.modesCovered} modes, ${(100 * strict.highQualityFraction).toFixed(1)}% HQ ${JSON.stringify(means(sums, count))}`);
            sums = {};
            count = 0;
          }
        }
        const samples = gan.sample(2500, new Rng(seed).fork('eval')) as tf.Tensor2D;
        const { strict, loose } = score(samples, mixture);
        curve.push({ step: steps, modes: strict.modesCovered, highQuality: strict.highQualityFraction, reverseKl: strict.reverseKl, metrics: means(sums, count) });
        if (samplesFile && seed === seeds[0]) {
          const points = Array.from(samples.dataSync().subarray(0, 2000), (v) => Math.round(v * 1e4) / 1e4);
          appendFileSync(samplesFile, JSON.stringify({ tag, dataset: mixture.name, strategy, seed, steps, points }) + '\n');
        }
        samples.dispose();
        gan.dispose();
        gan.generator.dispose();
        gan.discriminator.dispose();
        const used = process.cpuUsage(cpuStarted);
        const row: Row = {
          tag,
          dataset: mixture.name,
          strategy,
          seed,
          steps,
          modes: strict.modesCovered,
          highQuality: strict.highQualityFraction,
          reverseKl: strict.reverseKl,
          modesWithin10Std: loose.modesCovered,
          within10Std: loose.highQualityFraction,
          seconds: (Date.now() - started) / 1000,
          cpuSeconds: (used.user + used.system) / 1e6,
          settings: { arch, latentDim, ...(arch === 'small' ? { hidden } : {}), lr, decay, batchSize, ...(strategy === 'minibatchDisc' && minibatchMean ? { minibatchMean } : {}), backend: tf.getBackend(), ...(strategy === 'unrolled' ? { unrolledSteps, secondOrder } : {}), ringStd: all.ring.std, ...(arch === 'unrolled' && inputScale !== 0.25 ? { inputScale } : {}), ...(strategy === 'wganGp' ? { freshRealBatches: true, gpTarget } : {}), ...(strategy === 'snHinge' && snZeroGp > 0 ? { snZeroGp } : {}) },
          curve,
        };
        appendFileSync(out, JSON.stringify(row) + '\n');
        console.log(`${row.dataset} ${strategy} seed ${seed}: ${row.modes} modes, ${(100 * row.highQuality).toFixed(1)}% HQ, KL ${row.reverseKl.toFixed(3)}, ${row.cpuSeconds.toFixed(1)} CPU-s`);
      }
    }
  }
}

function means(sums: Record<string, number>, count: number): Record<string, number> {
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, +(v / Math.max(1, count)).toPrecision(4)]));
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
function std(values: number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1));
}

/** Markdown table: one line per (tag, dataset, strategy), mean ± sd over seeds. */
function table(rows: Row[], atSteps: number[] = []): string {
  // --at 500: also modes covered at step 500 of every run (from its curve), to compare strategies at equal steps.
  const lines = [
    `| setting | dataset | strategy | seeds | steps | modes covered (mean ± sd) | per seed | % high quality | reverse KL | modes within 10 std | % within 10 std | ${atSteps.map((s) => `modes at step ${s} | `).join('')}CPU s/run |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | ${atSteps.map(() => '--- | ').join('')}--- |`,
  ];
  const modesAt = (rs: Row[], step: number) => {
    const values = rs.map((r) => r.curve.find((point) => point.step === step)?.modes).filter((v): v is number => v !== undefined);
    return values.length === rs.length ? `${mean(values).toFixed(1)} ± ${std(values).toFixed(1)}` : 'n/a';
  };
  const order = Object.keys(strategies);
  const keys = [...new Set(rows.map((r) => `${r.tag}\t${r.dataset}`))];
  for (const key of keys) {
    const [tag, dataset] = key.split('\t');
    for (const strategy of order) {
      const rs = rows.filter((r) => r.tag === tag && r.dataset === dataset && r.strategy === strategy).sort((a, b) => a.seed - b.seed);
      if (rs.length === 0) continue;
      const kl = rs.map((r) => r.reverseKl).filter(Number.isFinite);
      const settings = rs[0].settings;
      let label = strategy === 'unrolled' ? `unrolled${settings.unrolledSteps}${settings.secondOrder ? '' : ' (1st order)'}` : strategy;
      // Rows made with a non-default setting say so (older rows lack these keys).
      if (strategy === 'wganGp' && settings.gpTarget !== undefined && settings.gpTarget !== 1) label += ` (GP target ${settings.gpTarget})`;
      if (settings.inputScale !== undefined) label += ` (D input x${settings.inputScale})`;
      if (settings.snZeroGp !== undefined) label += ` + zero-centred GP ${settings.snZeroGp}`;
      lines.push(
        `| ${tag} | ${dataset} | ${label} | ${rs.length} | ${[...new Set(rs.map((r) => r.steps))].join('/')} | ${mean(rs.map((r) => r.modes)).toFixed(1)} ± ${std(rs.map((r) => r.modes)).toFixed(1)} | ${rs.map((r) => r.modes).join(', ')} | ${(100 * mean(rs.map((r) => r.highQuality))).toFixed(1)} | ${kl.length ? mean(kl).toFixed(3) : 'n/a'}${kl.length < rs.length ? ` (${rs.length - kl.length} inf)` : ''} | ${mean(rs.map((r) => r.modesWithin10Std)).toFixed(1)} | ${(100 * mean(rs.map((r) => r.within10Std))).toFixed(1)} | ${atSteps.map((step) => `${modesAt(rs, step)} | `).join('')}${mean(rs.map((r) => r.cpuSeconds)).toFixed(0)} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

/** Scatter plots: one tile per (dataset, strategy), samples in black over the true modes' 3-std discs in red. */
function plot(entries: Array<{ dataset: string; strategy: string; points: number[] }>, file: string): void {
  const tile = 200;
  const pad = 4;
  const datasetNames = [...new Set(entries.map((e) => e.dataset))];
  const strategyNames = Object.keys(strategies).filter((s) => entries.some((e) => e.strategy === s));
  const width = strategyNames.length * (tile + pad) + pad;
  const height = datasetNames.length * (tile + pad) + pad;
  const data = new Uint8Array(width * height * 4).fill(255);
  const mixtures = Object.values(datasets());
  const set = (x: number, y: number, rgb: [number, number, number]) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = 4 * (y * width + x);
    data.set([...rgb, 255], i);
  };
  datasetNames.forEach((datasetName, row) => {
    const mixture = mixtures.find((m) => m.name === datasetName)!;
    const extent = Math.max(...mixture.centers.flat().map(Math.abs)) * 1.5;
    strategyNames.forEach((strategy, column) => {
      const x0 = pad + column * (tile + pad);
      const y0 = pad + row * (tile + pad);
      const toPixel = (x: number, y: number): [number, number] => [Math.round(x0 + ((x + extent) / (2 * extent)) * (tile - 1)), Math.round(y0 + ((extent - y) / (2 * extent)) * (tile - 1))];
      for (let i = 0; i < tile; i++) for (const [x, y] of [[x0 + i, y0], [x0 + i, y0 + tile - 1], [x0, y0 + i], [x0 + tile - 1, y0 + i]]) set(x, y, [160, 160, 160]);
      // True modes: a red disc of radius max(3 std, 2 px).
      const radius = Math.max(2, (3 * mixture.std * (tile - 1)) / (2 * extent));
      for (const [cx, cy] of mixture.centers) {
        const [px, py] = toPixel(cx, cy);
        for (let dy = -Math.ceil(radius); dy <= Math.ceil(radius); dy++)
          for (let dx = -Math.ceil(radius); dx <= Math.ceil(radius); dx++) if (dx * dx + dy * dy <= radius * radius) set(px + dx, py + dy, [230, 60, 60]);
      }
      const entry = entries.find((e) => e.dataset === datasetName && e.strategy === strategy);
      if (!entry) return;
      for (let i = 0; i < entry.points.length; i += 2) {
        const [px, py] = toPixel(entry.points[i], entry.points[i + 1]);
        if (px >= x0 && px < x0 + tile && py >= y0 && py < y0 + tile) set(px, py, [0, 0, 0]);
      }
    });
  });
  writePng(file, { width, height, data });
  console.log(`wrote ${file}: columns ${strategyNames.join(', ')}; rows ${datasetNames.join(', ')}`);
}

async function main(): Promise<void> {
  if (command === 'run') return run();
  if (command === 'table') {
    const tag = flags.get('tag');
    const rows = flag('in', '').split(',').flatMap(readRows).filter((r) => !tag || r.tag === tag);
    const atSteps = (flags.get('at') ?? '').split(',').filter(Boolean).map(Number);
    const text = table(rows, atSteps);
    console.log(text);
    if (flags.has('out')) writeFileSync(flag('out', ''), text);
    return;
  }
  if (command === 'plot') {
    const tag = flags.get('tag');
    const entries = readRows(flag('in', '')) as unknown as Array<{ tag: string; dataset: string; strategy: string; points: number[] }>;
    plot(entries.filter((e) => !tag || e.tag === tag), flag('out', 'scatter.png'));
    return;
  }
  if (command === 'uniform') {
    // What an untrained, spread-out generator scores: 2500 points uniform on [-half, half]^2, mean over repeats.
    const mixture = datasets()[flag('dataset', 'grid')];
    if (!mixture) throw new Error(`--dataset: expected ring or grid, got "${flag('dataset', '')}"`);
    const half = Number(flag('half', '5'));
    const repeats = Number(flag('repeats', '20'));
    const rng = new Rng(Number(flag('seed', '1')));
    await tf.setBackend(process.env.TFGEN_BACKEND ?? 'wasm');
    const results = Array.from({ length: repeats }, () => {
      const samples = tf.tensor2d(rng.uniformArray(2500 * 2, -half, half), [2500, 2]);
      const { strict, loose } = score(samples, mixture);
      samples.dispose();
      return { strict, loose };
    });
    const modes = results.map((r) => r.strict.modesCovered);
    console.log(
      `${mixture.name}, 2500 uniform samples on [-${half}, ${half}]^2, ${repeats} draws: ${mean(modes).toFixed(1)} ± ${std(modes).toFixed(1)} modes, ${(100 * mean(results.map((r) => r.strict.highQualityFraction))).toFixed(2)}% high quality; within 10 std: ${mean(results.map((r) => r.loose.modesCovered)).toFixed(1)} modes, ${(100 * mean(results.map((r) => r.loose.highQualityFraction))).toFixed(1)}% of samples`,
    );
    return;
  }
  throw new Error(`command: expected run, table, plot or uniform, got "${command}"`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
