import { ArgumentError, expectInteger } from '@tfgen/core';

/** How an NLL was measured; see {@link nllToBitsPerDim}. */
export interface LikelihoodUnits {
  /**
   * `true` when the NLL is a continuous density on 8-bit data rescaled to [0, 1]:
   * `bpd = (nll / D + ln 256) / ln 2`. `false` (default) for a discrete likelihood
   * (Bernoulli on binarized pixels, PixelCNN's 256-way softmax): `bpd = nll / (D ln 2)`.
   */
  readonly rescaledFrom8Bit?: boolean;
}

/**
 * Negative log-likelihood in nats per example -> bits per dimension.
 * @example nllToBitsPerDim(81.3, 784) // 0.1496 (PixelCNN, binarized MNIST)
 */
export function nllToBitsPerDim(nllNats: number, dimensions: number, units: LikelihoodUnits = {}): number {
  if (!Number.isFinite(nllNats)) throw new ArgumentError('nllNats', 'a finite number', nllNats);
  expectInteger(dimensions, 'dimensions', 1);
  const perDim = nllNats / dimensions;
  return units.rescaledFrom8Bit ? (perDim + Math.log(256)) / Math.LN2 : perDim / Math.LN2;
}

/** Bits per dimension -> NLL in nats per example (inverse of {@link nllToBitsPerDim}). */
export function bitsPerDimToNll(bitsPerDim: number, dimensions: number, units: LikelihoodUnits = {}): number {
  if (!Number.isFinite(bitsPerDim)) throw new ArgumentError('bitsPerDim', 'a finite number', bitsPerDim);
  expectInteger(dimensions, 'dimensions', 1);
  const perDim = bitsPerDim * Math.LN2;
  return (units.rescaledFrom8Bit ? perDim - Math.log(256) : perDim) * dimensions;
}

/** Result of {@link likelihoodSummary}. */
export interface LikelihoodSummary {
  /** Mean NLL in nats per example. */
  readonly nllNats: number;
  /** Standard error of that mean (std / sqrt(count)). */
  readonly standardError: number;
  readonly bitsPerDim: number;
  /** Examples averaged over. */
  readonly count: number;
}

/**
 * Summarizes per-example NLLs (nats) from an explicit model (VAE bound, IWAE bound, PixelCNN exact)
 * as mean nats, its standard error and bits/dim, ready for a report table.
 * @example likelihoodSummary(vae.nll(testBatch), 784) // { nllNats: 95.1, bitsPerDim: 0.175, ... }
 */
export function likelihoodSummary(nllNats: ArrayLike<number>, dimensions: number, units: LikelihoodUnits = {}): LikelihoodSummary {
  const count = nllNats?.length ?? 0;
  if (count === 0) throw new ArgumentError('nllNats', 'at least one per-example NLL', nllNats);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(nllNats[i])) throw new ArgumentError(`nllNats[${i}]`, 'a finite number', nllNats[i]);
    sum += nllNats[i];
  }
  const mean = sum / count;
  let sq = 0;
  for (let i = 0; i < count; i++) sq += (nllNats[i] - mean) ** 2;
  const std = count > 1 ? Math.sqrt(sq / (count - 1)) : 0;
  return { nllNats: mean, standardError: std / Math.sqrt(count), bitsPerDim: nllToBitsPerDim(mean, dimensions, units), count };
}
