import { describe, expect, it } from 'vitest';
import { bitsPerDimToNats, natsToBitsPerDim } from './bits-per-dim';

describe('bits per dim', () => {
  it('converts discrete NLLs: nll / (D ln 2)', () => {
    expect(natsToBitsPerDim(81.3, 784)).toBeCloseTo(81.3 / (784 * Math.LN2), 10);
    expect(natsToBitsPerDim(784 * Math.LN2, 784)).toBeCloseTo(1, 12);
  });

  it('converts densities on rescaled 8-bit data: (nll / D + ln 256) / ln 2', () => {
    // a uniform density on [0, 1]^D has nll 0, i.e. 8 bits per dim
    expect(natsToBitsPerDim(0, 3072, { rescaledFrom8Bit: true })).toBeCloseTo(8, 12);
    expect(natsToBitsPerDim(-1000, 3072, { rescaledFrom8Bit: true })).toBeCloseTo((-1000 / 3072 + Math.log(256)) / Math.LN2, 12);
  });

  it('round-trips and validates', () => {
    for (const rescaledFrom8Bit of [false, true]) {
      expect(bitsPerDimToNats(natsToBitsPerDim(123.4, 100, { rescaledFrom8Bit }), 100, { rescaledFrom8Bit })).toBeCloseTo(123.4, 9);
    }
    expect(() => natsToBitsPerDim(1, 0)).toThrow(/dimensions: expected an integer >= 1, got 0/);
    expect(() => natsToBitsPerDim(Number.NaN, 10)).toThrow(/nllNats/);
  });
});
