import { ArgumentError, expectInteger, expectNumber, expectOneOf } from '@tfgen/core';
import { ganLossNames, type GanLossName } from '@tfgen/losses';

/** The 2D mixtures the lab offers (PacGAN's grid, a ring, a spiral and two moons from @tfgen/datasets; `drawn`: Gaussians at points the user clicked). */
export const MIXTURE_NAMES = ['ring', 'grid', 'spiral', 'moons', 'drawn'] as const;
/** One of {@link MIXTURE_NAMES}. */
export type MixtureName = (typeof MIXTURE_NAMES)[number];

/** Discriminator regularizers the lab offers (`none`, WGAN-GP's interpolation penalty, R1, DRAGAN). */
export const PENALTY_NAMES = ['none', 'gradient', 'r1', 'dragan'] as const;
/** One of {@link PENALTY_NAMES}. */
export type PenaltyName = (typeof PENALTY_NAMES)[number];

/** What both runs share, so that a comparison differs only in the run settings: data and seed. */
export interface LabSettings {
  mixture: MixtureName;
  /** Seeds the weights, the data stream and the latents of both runs. */
  seed: number;
  /** Mode centres of the `drawn` mixture, inside {@link DRAWN_WINDOW}. */
  points?: Array<[number, number]>;
}

/** The fixed square window in which points are drawn (and the drawn mixture is shown). */
export const DRAWN_WINDOW: readonly [number, number] = [-2, 2];
/** Most points a drawn mixture may have. */
export const MAX_DRAWN_POINTS = 40;
/** Points a new drawn mixture starts with: a triangle. */
export const DEFAULT_DRAWN_POINTS: ReadonlyArray<readonly [number, number]> = [[-1, -0.5], [1, -0.5], [0, 1]];

/** The settings of one GAN run in the lab: loss, strategies and network size. */
export interface RunSettings {
  loss: GanLossName;
  penalty: PenaltyName;
  /** Weight of the penalty (WGAN-GP's lambda, R1's gamma, DRAGAN's lambda). */
  penaltyWeight: number;
  /** Spectral normalization of every discriminator Dense layer. */
  spectralNorm: boolean;
  /** TTUR: separate Adam rates for the two networks. */
  generatorLearningRate: number;
  discriminatorLearningRate: number;
  discriminatorSteps: number;
  /** Minibatch discrimination layer before the discriminator's last Dense. */
  minibatchDiscrimination: boolean;
  /** Unrolled GAN: discriminator steps the generator looks ahead (0: off). */
  unrolledSteps: number;
  /** PacGAN: samples the discriminator judges together (1: off). */
  packing: number;
  /** Units of each of the two hidden layers of both networks. */
  hiddenUnits: number;
  batchSize: number;
}

/** Defaults: a plain non-saturating GAN, Adam 1e-3 (a 2D toy trains fast), 2x64 MLPs, batch 128. */
export const DEFAULT_LAB: Readonly<LabSettings> = Object.freeze({ mixture: 'ring', seed: 1 });
/** See {@link DEFAULT_LAB}. */
export const DEFAULT_RUN: Readonly<RunSettings> = Object.freeze({
  loss: 'nonSaturating',
  penalty: 'none',
  penaltyWeight: 1,
  spectralNorm: false,
  generatorLearningRate: 1e-3,
  discriminatorLearningRate: 1e-3,
  discriminatorSteps: 1,
  minibatchDiscrimination: false,
  unrolledSteps: 0,
  packing: 1,
  hiddenUnits: 64,
  batchSize: 128,
});

/**
 * Checks lab settings (e.g. parsed from a form or a saved file) and returns a clean copy.
 * @throws ArgumentError naming the field, what it expects and what it got.
 */
export function checkLabSettings(value: unknown): LabSettings {
  if (!value || typeof value !== 'object') throw new ArgumentError('lab settings', 'an object', value);
  const v = value as Record<string, unknown>;
  const lab: LabSettings = {
    mixture: expectOneOf(v.mixture as MixtureName, 'mixture', MIXTURE_NAMES),
    seed: expectInteger(v.seed as number, 'seed', 0),
  };
  if (lab.mixture === 'drawn') {
    const points = v.points;
    if (!Array.isArray(points) || points.length === 0 || points.length > MAX_DRAWN_POINTS) {
      throw new ArgumentError('points', `1 to ${MAX_DRAWN_POINTS} points [x, y] for the drawn mixture`, Array.isArray(points) ? `${points.length} points` : points);
    }
    const [lo, hi] = DRAWN_WINDOW;
    lab.points = points.map((p, i) => {
      if (!Array.isArray(p) || p.length !== 2 || !p.every((c) => typeof c === 'number' && c >= lo && c <= hi)) {
        throw new ArgumentError(`points[${i}]`, `[x, y] with both in [${lo}, ${hi}]`, p);
      }
      return [p[0], p[1]] as [number, number];
    });
  }
  return lab;
}

/**
 * Checks run settings and the combinations the GAN step cannot run (unrolling needs a plain
 * Dense/LeakyReLU discriminator; the batch must split into packs).
 * @throws ArgumentError naming the field, what it expects and what it got.
 */
export function checkRunSettings(value: unknown): RunSettings {
  if (!value || typeof value !== 'object') throw new ArgumentError('run settings', 'an object', value);
  const v = value as Record<string, unknown>;
  const run: RunSettings = {
    loss: expectOneOf(v.loss as GanLossName, 'loss', ganLossNames),
    penalty: expectOneOf(v.penalty as PenaltyName, 'penalty', PENALTY_NAMES),
    penaltyWeight: expectNumber(v.penaltyWeight as number, 'penaltyWeight', 0, 1000),
    spectralNorm: expectBoolean(v.spectralNorm, 'spectralNorm'),
    generatorLearningRate: expectNumber(v.generatorLearningRate as number, 'generatorLearningRate', 0, 1, true),
    discriminatorLearningRate: expectNumber(v.discriminatorLearningRate as number, 'discriminatorLearningRate', 0, 1, true),
    discriminatorSteps: expectInteger(v.discriminatorSteps as number, 'discriminatorSteps', 1, 10),
    minibatchDiscrimination: expectBoolean(v.minibatchDiscrimination, 'minibatchDiscrimination'),
    unrolledSteps: expectInteger(v.unrolledSteps as number, 'unrolledSteps', 0, 10),
    packing: expectInteger(v.packing as number, 'packing', 1, 8),
    hiddenUnits: expectInteger(v.hiddenUnits as number, 'hiddenUnits', 4, 512),
    batchSize: expectInteger(v.batchSize as number, 'batchSize', 8, 1024),
  };
  if (run.batchSize % run.packing !== 0) {
    throw new ArgumentError('batchSize', `a multiple of packing (${run.packing})`, run.batchSize);
  }
  if (run.unrolledSteps > 0 && (run.spectralNorm || run.minibatchDiscrimination)) {
    throw new ArgumentError(
      'unrolledSteps',
      '0 when spectral norm or minibatch discrimination is on (unrolling needs a plain Dense discriminator)',
      run.unrolledSteps,
    );
  }
  return run;
}

function expectBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw new ArgumentError(name, 'true or false', value);
  return value;
}
