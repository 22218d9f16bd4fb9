import { expectInteger, expectNumber } from '@tfgen/core';

const LN2 = Math.LN2;
const LN256 = Math.log(256);

/** How the negative log-likelihood was measured. */
export interface BitsPerDimOptions {
  /**
   * `true` when the NLL is a continuous density on 8-bit data rescaled to [0, 1] (dequantized):
   * then `bpd = (nll / D + ln 256) / ln 2`. `false` (default) when the NLL is a discrete
   * probability (PixelCNN softmax, Bernoulli): `bpd = nll / (D ln 2)`.
   */
  readonly rescaledFrom8Bit?: boolean;
}

/**
 * Converts a negative log-likelihood in nats per example to bits per dimension.
 * Example: `natsToBitsPerDim(81.3, 784)` = 0.1496 for binarized MNIST.
 */
export function natsToBitsPerDim(nllNats: number, dimensions: number, options: BitsPerDimOptions = {}): number {
  expectNumber(nllNats, 'nllNats');
  expectInteger(dimensions, 'dimensions', 1);
  const perDim = nllNats / dimensions;
  return options.rescaledFrom8Bit ? (perDim + LN256) / LN2 : perDim / LN2;
}

/** The inverse of {@link natsToBitsPerDim}: bits per dimension back to nats per example. */
export function bitsPerDimToNats(bitsPerDim: number, dimensions: number, options: BitsPerDimOptions = {}): number {
  expectNumber(bitsPerDim, 'bitsPerDim');
  expectInteger(dimensions, 'dimensions', 1);
  const perDim = bitsPerDim * LN2;
  return (options.rescaledFrom8Bit ? perDim - LN256 : perDim) * dimensions;
}
