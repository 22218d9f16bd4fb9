import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  ArgumentError,
  CheckpointError,
  Rng,
  captureOptimizer,
  captureVariables,
  restoreOptimizer,
  restoreVariables,
  withSeededRandom,
  type NamedArray,
  type OptimizerSnapshot,
  type RngState,
} from '@tfgen/core';
import { gaussianMixture2D, gridOfGaussians, ringOfGaussians, spiral, twoMoons, type Mixture2D } from '@tfgen/datasets';
import { getGanLoss } from '@tfgen/losses';
import { modeCoverage } from '@tfgen/metrics';
import {
  createGan,
  draganRegularizer,
  gradientPenaltyRegularizer,
  minibatchDiscrimination,
  r1Regularizer,
  spectralNorm,
  type Gan,
  type GanVariant,
  type Regularizer,
} from '@tfgen/strategies';
import { DEFAULT_DRAWN_POINTS, DRAWN_WINDOW, checkLabSettings, checkRunSettings, type LabSettings, type MixtureName, type RunSettings } from './settings';

/** Latent size of the lab's generator: 2, so the latent grid of the transport arrows is a plane. */
export const LAB_LATENT_DIM = 2;
/** Generated points drawn for mode coverage per frame (PacGAN Table 1 uses 2500). */
export const COVERAGE_SAMPLES = 2500;
/** Side of the square grid on which the discriminator's heat map is evaluated. */
export const HEATMAP_SIZE = 40;
/** Side of the latent grid whose images give the transport arrows. */
export const TRANSPORT_SIZE = 12;
/** Real points shown on the canvas. */
export const REAL_POINTS = 600;
/** Most loss-history entries kept; older ones are thinned by 2 when it fills. */
export const HISTORY_LIMIT = 2000;

/** Std of each Gaussian of a drawn mixture. */
export const DRAWN_STD = 0.05;

/**
 * The mixture a lab name stands for. The ring uses std 0.05 (PacGAN's 0.01 is invisible on a canvas);
 * `drawn` puts Gaussians of std {@link DRAWN_STD} at `points` (default: a triangle).
 */
export function labMixture(name: MixtureName, points: ReadonlyArray<readonly [number, number]> = DEFAULT_DRAWN_POINTS): Mixture2D {
  switch (name) {
    case 'drawn':
      return gaussianMixture2D(`drawn-${points.length}`, points.map(([x, y]) => [x, y] as [number, number]), DRAWN_STD);
    case 'ring':
      return ringOfGaussians({ modes: 8, radius: 1, std: 0.05 });
    case 'grid':
      return gridOfGaussians();
    case 'spiral':
      return spiral();
    case 'moons':
      return twoMoons();
    default:
      throw new ArgumentError('mixture', 'ring, grid, spiral, moons or drawn', name);
  }
}

/** The square `[min, max]` window (same for x and y) that holds the mixture's modes with a margin. */
export function viewWindow(mixture: Mixture2D): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const [x, y] of mixture.centers) {
    lo = Math.min(lo, x, y);
    hi = Math.max(hi, x, y);
  }
  const margin = Math.max(0.25 * (hi - lo), 6 * mixture.std, 0.5);
  return [lo - margin, hi + margin];
}

/** One loss-history entry: the step and the two losses after it. */
export interface HistoryEntry {
  step: number;
  discriminator: number;
  generator: number;
}

/** Everything the page draws for one run, as plain arrays (posted from the worker). */
export interface Frame {
  step: number;
  /** `[min, max]` of the square window the coordinates below live in. */
  window: [number, number];
  /** Real points, interleaved x, y. */
  real: Float32Array;
  /** Generated points from a fixed latent set, interleaved x, y (the first of the coverage samples). */
  fake: Float32Array;
  /** `sigmoid(D(x))` on a `HEATMAP_SIZE` x `HEATMAP_SIZE` grid over the window, row by row from the top. */
  heatmap: Float32Array;
  /** G of a fixed latent grid now, and at the last frame of an earlier step (arrows go from `transportFrom` to `transportTo`). */
  transportFrom: Float32Array;
  transportTo: Float32Array;
  coverage: { modesCovered: number; modeCount: number; highQualityFraction: number; sampleCount: number };
  /** Metrics of the last step (`loss/discriminator`, `loss/generator`, penalties, ...). */
  metrics: Record<string, number>;
  history: HistoryEntry[];
}

/** A run's full state as plain arrays: enough to rebuild it exactly (weights, Adam slots, random streams). */
export interface SavedRun {
  format: 'tfgen-web-2d-run';
  version: 1;
  lab: LabSettings;
  run: RunSettings;
  step: number;
  rngState: RngState;
  dataRngState: RngState;
  history: HistoryEntry[];
  variables: NamedArray[];
  optimizers: { generator: OptimizerSnapshot; discriminator: OptimizerSnapshot };
}

function buildGenerator(run: RunSettings, rng: Rng): tfl.LayersModel {
  return withSeededRandom(rng, () => {
    const z = tfl.input({ shape: [LAB_LATENT_DIM], name: 'latent' });
    let h = z;
    for (let i = 0; i < 2; i++) h = tfl.layers.dense({ units: run.hiddenUnits, activation: 'relu' }).apply(h) as tfl.SymbolicTensor;
    const x = tfl.layers.dense({ units: 2, name: 'point' }).apply(h) as tfl.SymbolicTensor;
    return tfl.model({ inputs: z, outputs: x, name: 'lab_generator' });
  });
}

function buildDiscriminator(run: RunSettings, rng: Rng): tfl.LayersModel {
  return withSeededRandom(rng, () => {
    const dense = (units: number) => {
      const layer = tfl.layers.dense({ units });
      return run.spectralNorm ? spectralNorm(layer) : layer;
    };
    // PacGAN: createGan packs `packing` points into one row of 2 * packing values.
    const x = tfl.input({ shape: [2 * run.packing], name: 'points' });
    let h: tfl.SymbolicTensor = x;
    for (let i = 0; i < 2; i++) {
      h = dense(run.hiddenUnits).apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(h) as tfl.SymbolicTensor;
    }
    if (run.minibatchDiscrimination) h = minibatchDiscrimination({ numKernels: 16, kernelDim: 4 }).apply(h) as tfl.SymbolicTensor;
    const logit = dense(1).apply(h) as tfl.SymbolicTensor;
    return tfl.model({ inputs: x, outputs: logit, name: 'lab_discriminator' });
  });
}

function regularizers(run: RunSettings): Regularizer[] {
  switch (run.penalty) {
    case 'gradient':
      return [gradientPenaltyRegularizer({ weight: run.penaltyWeight })];
    case 'r1':
      return [r1Regularizer({ gamma: run.penaltyWeight })];
    case 'dragan':
      return [draganRegularizer({ weight: run.penaltyWeight })];
    default:
      return [];
  }
}

/**
 * One GAN of the 2D lab: an MLP generator and discriminator built from {@link RunSettings},
 * trained by the strategies package's GAN step on a @tfgen/datasets mixture. Everything it
 * hands out is plain arrays, so it can live in a Web Worker; it leaves no tensors behind.
 *
 * ```ts
 * const run = new LabRun({ mixture: 'ring', seed: 1 }, DEFAULT_RUN);
 * run.train(100);
 * const { coverage } = run.frame();
 * run.dispose();
 * ```
 */
export class LabRun {
  readonly lab: LabSettings;
  readonly settings: RunSettings;
  readonly mixture: Mixture2D;
  readonly window: [number, number];
  readonly generator: tfl.LayersModel;
  readonly discriminator: tfl.LayersModel;
  readonly gan: Gan;
  private stepCount = 0;
  private rng: Rng;
  private dataRng: Rng;
  private history: HistoryEntry[] = [];
  private lastMetrics: Record<string, number> = {};
  private readonly real: Float32Array;
  private readonly coverageLatents: Float32Array;
  private readonly transportLatents: Float32Array;
  private transport: { step: number; from: Float32Array; to: Float32Array } | null = null;

  constructor(lab: LabSettings, settings: RunSettings) {
    this.lab = checkLabSettings(lab);
    this.settings = checkRunSettings(settings);
    const root = new Rng(this.lab.seed);
    this.mixture = labMixture(this.lab.mixture, this.lab.points);
    this.window = this.lab.mixture === 'drawn' ? [DRAWN_WINDOW[0], DRAWN_WINDOW[1]] : viewWindow(this.mixture);
    this.generator = buildGenerator(this.settings, root.fork('generator-init'));
    this.discriminator = buildDiscriminator(this.settings, root.fork('discriminator-init'));
    const variant: GanVariant = {
      name: 'lab',
      loss: getGanLoss(this.settings.loss),
      regularizers: regularizers(this.settings),
      discriminatorSteps: this.settings.discriminatorSteps,
    };
    try {
      this.gan = createGan({
        generator: this.generator,
        discriminator: this.discriminator,
        latentDim: LAB_LATENT_DIM,
        variant,
        packing: this.settings.packing,
        optimizers: {
          generator: { kind: 'adam', learningRate: this.settings.generatorLearningRate, beta1: 0.5, beta2: 0.999 },
          discriminator: { kind: 'adam', learningRate: this.settings.discriminatorLearningRate, beta1: 0.5, beta2: 0.999 },
        },
        ...(this.settings.unrolledSteps > 0 ? { unrolled: { steps: this.settings.unrolledSteps } } : {}),
      });
    } catch (error) {
      this.generator.dispose();
      this.discriminator.dispose();
      throw error;
    }
    this.rng = root.fork('train');
    this.dataRng = root.fork('data');
    this.real = this.mixture.sample(REAL_POINTS, root.fork('shown-real'));
    this.coverageLatents = root.fork('coverage-latents').normalArray(COVERAGE_SAMPLES * LAB_LATENT_DIM);
    // A regular grid over [-2, 2]^2 of the standard normal prior.
    this.transportLatents = new Float32Array(TRANSPORT_SIZE * TRANSPORT_SIZE * 2);
    for (let i = 0; i < TRANSPORT_SIZE; i++) {
      for (let j = 0; j < TRANSPORT_SIZE; j++) {
        const k = i * TRANSPORT_SIZE + j;
        this.transportLatents[2 * k] = -2 + (4 * j) / (TRANSPORT_SIZE - 1);
        this.transportLatents[2 * k + 1] = -2 + (4 * i) / (TRANSPORT_SIZE - 1);
      }
    }
  }

  /** Steps taken so far. */
  get step(): number {
    return this.stepCount;
  }

  /** Runs `steps` GAN steps (each: `discriminatorSteps` D updates, one G update) and returns the last step's metrics. */
  train(steps: number): Record<string, number> {
    if (!Number.isInteger(steps) || steps < 0) throw new ArgumentError('steps', 'a non-negative integer', steps);
    for (let i = 0; i < steps; i++) {
      const x = tf.tensor2d(this.mixture.sample(this.settings.batchSize, this.dataRng), [this.settings.batchSize, 2]);
      try {
        this.lastMetrics = this.gan.trainStep({ x }, { step: this.stepCount, rng: this.rng });
      } finally {
        x.dispose();
      }
      this.stepCount++;
      const d = this.lastMetrics['loss/discriminator'];
      const g = this.lastMetrics['loss/generator'];
      if (!Number.isFinite(d) || !Number.isFinite(g)) {
        throw new ArgumentError('training', 'finite losses (lower the learning rates)', `D ${d}, G ${g} at step ${this.stepCount}`);
      }
      this.history.push({ step: this.stepCount, discriminator: d, generator: g });
      if (this.history.length > HISTORY_LIMIT) this.history = this.history.filter((_, k) => k % 2 === 1);
    }
    return { ...this.lastMetrics };
  }

  /** G of a latent array (interleaved pairs) as an interleaved array. */
  generate(latents: Float32Array): Float32Array {
    return tf.tidy(() => {
      const z = tf.tensor2d(latents, [latents.length / LAB_LATENT_DIM, LAB_LATENT_DIM]);
      return (this.generator.apply(z, { training: false }) as tf.Tensor).dataSync() as Float32Array;
    });
  }

  /** `sigmoid(D(x))` for interleaved points; each point is repeated `packing` times to fill a pack. Evaluated in batch-size chunks. */
  discriminate(points: Float32Array): Float32Array {
    const count = points.length / 2;
    const m = this.settings.packing;
    const out = new Float32Array(count);
    const chunk = this.settings.batchSize;
    for (let start = 0; start < count; start += chunk) {
      const end = Math.min(count, start + chunk);
      const values = tf.tidy(() => {
        const x = tf.tensor2d(points.subarray(2 * start, 2 * end), [end - start, 2]);
        const packed = m > 1 ? tf.tile(x, [1, m]) : x;
        return tf.sigmoid(this.discriminator.apply(packed, { training: false }) as tf.Tensor).dataSync();
      });
      out.set(values, start);
    }
    return out;
  }

  /** Mode coverage of {@link COVERAGE_SAMPLES} generated points from a fixed latent set (the same set every time). */
  coverage(): Frame['coverage'] & { samples: Float32Array } {
    const samples = this.generate(this.coverageLatents);
    const { modesCovered, modeCount, highQualityFraction, sampleCount } = modeCoverage(samples, { centers: this.mixture.centers, std: this.mixture.std });
    return { modesCovered, modeCount, highQualityFraction, sampleCount, samples };
  }

  /** What the page draws now; arrows start where the latent grid's images were at the previous frame. */
  frame(): Frame {
    const [lo, hi] = this.window;
    const grid = new Float32Array(HEATMAP_SIZE * HEATMAP_SIZE * 2);
    for (let row = 0; row < HEATMAP_SIZE; row++) {
      for (let col = 0; col < HEATMAP_SIZE; col++) {
        const k = row * HEATMAP_SIZE + col;
        grid[2 * k] = lo + ((col + 0.5) / HEATMAP_SIZE) * (hi - lo);
        grid[2 * k + 1] = hi - ((row + 0.5) / HEATMAP_SIZE) * (hi - lo);
      }
    }
    const { samples, ...coverage } = this.coverage();
    // A frame without training in between (pause, redraw) keeps the last arrows.
    if (this.transport?.step !== this.stepCount) {
      const to = this.generate(this.transportLatents);
      this.transport = { step: this.stepCount, from: this.transport?.to ?? to, to };
    }
    const { from: transportFrom, to: transportTo } = this.transport;
    return {
      step: this.stepCount,
      window: [lo, hi],
      real: this.real,
      fake: samples.slice(0, 2 * 1000),
      heatmap: this.discriminate(grid),
      transportFrom,
      transportTo,
      coverage,
      metrics: { ...this.lastMetrics },
      history: this.history.slice(),
    };
  }

  /** The run's whole state as plain arrays (for IndexedDB, a download, or a backend switch). */
  async save(): Promise<SavedRun> {
    const optimizers = this.gan.optimizers();
    return {
      format: 'tfgen-web-2d-run',
      version: 1,
      lab: { ...this.lab, ...(this.lab.points ? { points: this.lab.points.map((p) => [p[0], p[1]] as [number, number]) } : {}) },
      run: { ...this.settings },
      step: this.stepCount,
      rngState: this.rng.getState(),
      dataRngState: this.dataRng.getState(),
      history: this.history.slice(),
      variables: await captureVariables(this.gan.stateVariables()),
      optimizers: {
        generator: await captureOptimizer(optimizers.generator, 'generator'),
        discriminator: await captureOptimizer(optimizers.discriminator, 'discriminator'),
      },
    };
  }

  /** Rebuilds a run from {@link LabRun.save}'s result: continuing it trains exactly as the saved run would have. */
  static async load(saved: SavedRun): Promise<LabRun> {
    if (!saved || saved.format !== 'tfgen-web-2d-run' || saved.version !== 1) {
      throw new CheckpointError('saved run', 'a tfgen-web-2d-run, version 1', saved && typeof saved === 'object' ? `${saved.format} v${saved.version}` : saved);
    }
    const run = new LabRun(saved.lab, saved.run);
    try {
      restoreVariables(run.gan.stateVariables(), saved.variables, 'saved run');
      const optimizers = run.gan.optimizers();
      await restoreOptimizer(optimizers.generator, saved.optimizers.generator, 'saved run', 'generator');
      await restoreOptimizer(optimizers.discriminator, saved.optimizers.discriminator, 'saved run', 'discriminator');
    } catch (error) {
      run.dispose();
      throw error;
    }
    run.stepCount = saved.step;
    run.rng = Rng.fromState(saved.rngState);
    run.dataRng = Rng.fromState(saved.dataRngState);
    run.history = saved.history.slice();
    return run;
  }

  /** Frees the networks and the optimizers. */
  dispose(): void {
    this.gan.dispose();
    this.generator.dispose();
    this.discriminator.dispose();
  }
}
