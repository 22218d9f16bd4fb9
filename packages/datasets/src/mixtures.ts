import * as tf from '@tensorflow/tfjs-core';
import {
  ArgumentError,
  Rng,
  expectInteger,
  expectNumber,
  type Batch,
  type BatchIterator,
  type JsonValue,
  type RngState,
} from '@tfgen/core';
import { expectSameField, readState, toSeed, type SeedLike } from './seed';

/** Options of {@link Mixture2D.batches}. */
export interface MixtureBatchOptions {
  batchSize: number;
  /** Seed of the stream (default 0). */
  seed?: SeedLike;
  /** The stream is infinite; this nominal epoch length (default 100) only serves epoch-based schedules. */
  batchesPerEpoch?: number;
  /** Put each point's mode index (int32) in `batch.y` (default false). */
  withLabels?: boolean;
}

/**
 * A 2D toy distribution with known modes, the standard test bed for mode collapse.
 * `centers` and `std` are what the mode-coverage metric needs: a sample counts for the
 * nearest centre when it lies within 3 `std` of it (PacGAN's "high quality").
 */
export interface Mixture2D {
  readonly name: string;
  /** Mode centres (for spiral and moons: representative points along the curve). */
  readonly centers: Array<[number, number]>;
  /** Standard deviation of the Gaussian noise around each centre / the curve. */
  readonly std: number;
  /** `count` points, interleaved `x0, y0, x1, y1, ...`. */
  sample(count: number, rng: Rng): Float32Array;
  /** Points and the index of the mode each was drawn from. */
  sampleWithModes(count: number, rng: Rng): { points: Float32Array; modes: Int32Array };
  /** An infinite, seeded, resumable stream of `[batchSize, 2]` batches. */
  batches(options: MixtureBatchOptions): BatchIterator;
}

/** Two independent standard normals from two uniforms (Box-Muller), with no cached state. */
function normalPair(rng: Rng): [number, number] {
  let u = rng.next();
  while (u === 0) u = rng.next();
  const v = rng.next();
  const r = Math.sqrt(-2 * Math.log(u));
  return [r * Math.cos(2 * Math.PI * v), r * Math.sin(2 * Math.PI * v)];
}

/** Draws one point into `points[2i], points[2i+1]` and returns its mode. */
type PointSampler = (rng: Rng, points: Float32Array, i: number) => number;

function makeMixture(name: string, centers: Array<[number, number]>, std: number, draw: PointSampler): Mixture2D {
  const sampleWithModes = (count: number, rng: Rng) => {
    expectInteger(count, 'count', 0);
    if (!(rng instanceof Rng)) throw new ArgumentError('rng', 'an Rng', rng);
    const points = new Float32Array(2 * count);
    const modes = new Int32Array(count);
    for (let i = 0; i < count; i++) modes[i] = draw(rng, points, i);
    return { points, modes };
  };
  const mixture: Mixture2D = {
    name,
    centers,
    std,
    sample: (count, rng) => sampleWithModes(count, rng).points,
    sampleWithModes,
    batches: (options) => new MixtureBatchIterator(mixture, options),
  };
  return Object.freeze(mixture);
}

/** An equal-weight mixture of isotropic Gaussians at `centers`. */
export function gaussianMixture2D(name: string, centers: Array<[number, number]>, std: number): Mixture2D {
  if (!Array.isArray(centers) || centers.length === 0) throw new ArgumentError('centers', 'a non-empty array of [x, y]', centers);
  expectNumber(std, 'std', 0, Infinity, true);
  return makeMixture(name, centers, std, (rng, points, i) => {
    const mode = rng.int(centers.length);
    const [zx, zy] = normalPair(rng);
    points[2 * i] = centers[mode][0] + std * zx;
    points[2 * i + 1] = centers[mode][1] + std * zy;
    return mode;
  });
}

/**
 * PacGAN's ring: `modes` Gaussians (default 8) evenly spaced on a circle of `radius` (default 1),
 * each with `std` (default 0.01), equal weights. Centre k is at angle 2πk / modes.
 */
export function ringOfGaussians(options: { modes?: number; radius?: number; std?: number } = {}): Mixture2D {
  const modes = expectInteger(options.modes ?? 8, 'modes', 1);
  const radius = expectNumber(options.radius ?? 1, 'radius', 0, Infinity, true);
  const std = expectNumber(options.std ?? 0.01, 'std', 0, Infinity, true);
  const centers = Array.from({ length: modes }, (_, k): [number, number] => [
    radius * Math.cos((2 * Math.PI * k) / modes),
    radius * Math.sin((2 * Math.PI * k) / modes),
  ]);
  return gaussianMixture2D(`ring-${modes}`, centers, std);
}

/**
 * PacGAN's grid: `side`² Gaussians (default 25) at `spacing` (default 2) apart, centred on the
 * origin (means at {-4, -2, 0, 2, 4}² by default), each with `std` (default 0.05), equal weights.
 */
export function gridOfGaussians(options: { side?: number; spacing?: number; std?: number } = {}): Mixture2D {
  const side = expectInteger(options.side ?? 5, 'side', 1);
  const spacing = expectNumber(options.spacing ?? 2, 'spacing', 0, Infinity, true);
  const std = expectNumber(options.std ?? 0.05, 'std', 0, Infinity, true);
  const offset = ((side - 1) * spacing) / 2;
  const centers: Array<[number, number]> = [];
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) centers.push([i * spacing - offset, j * spacing - offset]);
  }
  return gaussianMixture2D(`grid-${side * side}`, centers, std);
}

/**
 * A noisy Archimedean spiral: `t ~ U(0, 1)`, angle `2π·turns·t`, radius
 * `radius·(0.25 + 0.75 t)`, plus Gaussian noise of `std`. Its `modes` representative centres
 * sit at the midpoints of `modes` equal steps of `t`; a point's mode is the step its `t` fell in.
 */
export function spiral(options: { turns?: number; radius?: number; std?: number; modes?: number } = {}): Mixture2D {
  const turns = expectNumber(options.turns ?? 1.5, 'turns', 0, Infinity, true);
  const radius = expectNumber(options.radius ?? 2, 'radius', 0, Infinity, true);
  const std = expectNumber(options.std ?? 0.02, 'std', 0, Infinity, true);
  const modes = expectInteger(options.modes ?? 20, 'modes', 1);
  const curve = (t: number): [number, number] => {
    const r = radius * (0.25 + 0.75 * t);
    return [r * Math.cos(2 * Math.PI * turns * t), r * Math.sin(2 * Math.PI * turns * t)];
  };
  const centers = Array.from({ length: modes }, (_, k) => curve((k + 0.5) / modes));
  return makeMixture(`spiral-${modes}`, centers, std, (rng, points, i) => {
    const t = rng.next();
    const [x, y] = curve(t);
    const [zx, zy] = normalPair(rng);
    points[2 * i] = x + std * zx;
    points[2 * i + 1] = y + std * zy;
    return Math.min(modes - 1, Math.floor(t * modes));
  });
}

/**
 * Two interleaving half circles (scikit-learn's `make_moons`): the upper moon
 * `(cos s, sin s)` and the lower `(1 - cos s, 0.5 - sin s)`, `s ~ U(0, π)`, each chosen with
 * probability 1/2, plus Gaussian noise of `std`. Each moon has `modesPerMoon` representative
 * centres at the midpoints of equal steps of `s` (upper moon first).
 */
export function twoMoons(options: { std?: number; modesPerMoon?: number } = {}): Mixture2D {
  const std = expectNumber(options.std ?? 0.05, 'std', 0, Infinity, true);
  const modesPerMoon = expectInteger(options.modesPerMoon ?? 8, 'modesPerMoon', 1);
  const curve = (moon: number, s: number): [number, number] =>
    moon === 0 ? [Math.cos(s), Math.sin(s)] : [1 - Math.cos(s), 0.5 - Math.sin(s)];
  const centers: Array<[number, number]> = [];
  for (let moon = 0; moon < 2; moon++) {
    for (let k = 0; k < modesPerMoon; k++) centers.push(curve(moon, (Math.PI * (k + 0.5)) / modesPerMoon));
  }
  return makeMixture(`two-moons-${2 * modesPerMoon}`, centers, std, (rng, points, i) => {
    const moon = rng.next() < 0.5 ? 0 : 1;
    const u = rng.next();
    const [x, y] = curve(moon, Math.PI * u);
    const [zx, zy] = normalPair(rng);
    points[2 * i] = x + std * zx;
    points[2 * i + 1] = y + std * zy;
    return moon * modesPerMoon + Math.min(modesPerMoon - 1, Math.floor(u * modesPerMoon));
  });
}

/** The infinite stream behind {@link Mixture2D.batches}. */
class MixtureBatchIterator implements BatchIterator {
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  private readonly withLabels: boolean;
  private readonly seed: number | string;
  private readonly rng: Rng;
  private step = 0;

  constructor(
    private readonly mixture: Mixture2D,
    options: MixtureBatchOptions,
  ) {
    if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an options object with batchSize', options);
    this.batchSize = expectInteger(options.batchSize, 'batchSize', 1);
    this.batchesPerEpoch = expectInteger(options.batchesPerEpoch ?? 100, 'batchesPerEpoch', 1);
    this.withLabels = options.withLabels ?? false;
    this.seed = toSeed(options.seed);
    this.rng = new Rng(this.seed).fork(`mixture ${mixture.name}`);
  }

  next(): Batch {
    const { points, modes } = this.mixture.sampleWithModes(this.batchSize, this.rng);
    this.step++;
    const x = tf.tensor2d(points, [this.batchSize, 2]);
    return this.withLabels ? { x, y: tf.tensor1d(modes, 'int32') } : { x };
  }

  getState(): JsonValue {
    return { kind: 'mixture-batches', mixture: this.mixture.name, batchSize: this.batchSize, seed: this.seed, step: this.step, rng: [...this.rng.getState()] };
  }

  setState(state: JsonValue): void {
    const saved = readState(state, 'mixture-batches');
    expectSameField(saved, 'mixture', this.mixture.name);
    expectSameField(saved, 'batchSize', this.batchSize);
    expectSameField(saved, 'seed', this.seed);
    this.rng.setState(saved.rng as unknown as RngState);
    this.step = expectInteger(saved.step, 'state.step', 0);
  }
}
