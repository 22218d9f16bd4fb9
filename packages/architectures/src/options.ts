import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, Rng, expectInteger } from '@tfgen/core';
import { spectralNorm } from '@tfgen/strategies';

/** An image shape `[height, width, channels]` (NHWC without the batch axis). */
export type ImageShape = readonly [number, number, number];

/** How an image size splits into a small base resolution and a number of 2x up/downsamplings. */
export interface ResolutionPlan {
  /** Side of the first feature map (e.g. 4 for 32x32, 7 for 28x28). */
  readonly base: number;
  /** Number of 2x resamplings between `base` and the image side. */
  readonly doublings: number;
}

/**
 * Checks an image shape: square, side a base of 3..7 times a power of two with at least
 * `minDoublings` doublings, 1, 3 or 4 channels. Returns the plan (28 -> 7 x 2^2, 32 -> 4 x 2^3).
 */
export function checkImageShape(value: unknown, argument: string, minDoublings = 1): ResolutionPlan {
  if (!Array.isArray(value) || value.length !== 3) {
    throw new ArgumentError(argument, '[height, width, channels], e.g. [28, 28, 1] or [32, 32, 3]', value);
  }
  const [height, width, channels] = value as number[];
  expectInteger(height, `${argument}[0] (height)`, 1);
  expectInteger(width, `${argument}[1] (width)`, 1);
  expectInteger(channels, `${argument}[2] (channels)`, 1);
  if (height !== width) throw new ArgumentError(argument, 'a square image (height = width)', value);
  if (![1, 3, 4].includes(channels)) throw new ArgumentError(`${argument}[2] (channels)`, '1, 3 or 4 channels', channels);
  let base = height;
  let doublings = 0;
  while (base % 2 === 0 && base > 7) {
    base /= 2;
    doublings++;
  }
  if (base < 3 || base > 7 || doublings < minDoublings) {
    throw new ArgumentError(
      argument,
      `a side of b * 2^k with b in 3..7 and k >= ${minDoublings} (e.g. 28, 32, 64)`,
      value,
      );
  }
  return { base, doublings };
}

/** Turns a `seed` option (number, string or {@link Rng}) into a generator; default seed 0. */
export function rngFrom(seed: number | string | Rng | undefined, argument = 'options.seed'): Rng {
  if (seed === undefined) return new Rng(0);
  if (seed instanceof Rng) return seed;
  if (typeof seed === 'number' || typeof seed === 'string') return new Rng(seed);
  throw new ArgumentError(argument, 'a number, a string or an Rng', seed);
}

/** A layer transform applied to each discriminator layer as it is built. */
export type LayerWrapper = (layer: tfl.layers.Layer) => tfl.layers.Layer;

/**
 * Reads a `spectralNorm` option (default false): whether it is on, and the wrapper the builders
 * apply to each discriminator layer (`spectralNorm(layer)`, or the layer itself).
 */
export function spectralNormOption(value: unknown, argument = 'options.spectralNorm'): { enabled: boolean; wrap: LayerWrapper } {
  const enabled = value ?? false;
  if (typeof enabled !== 'boolean') throw new ArgumentError(argument, 'a boolean', value);
  return { enabled, wrap: enabled ? (layer) => spectralNorm(layer) : (layer) => layer };
}

/** Checks an options argument is a plain object. */
export function checkOptions<T>(options: T, name: string): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(name, 'an options object', options);
  }
  return options;
}
