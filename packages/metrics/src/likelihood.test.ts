import { describe, expect, it } from 'vitest';
import { bitsPerDimToNll, likelihoodSummary, nllToBitsPerDim } from './likelihood';

describe('likelihood units', () => {
  it('converts nats to bits/dim for discrete and 8-bit-rescaled likelihoods and back', () => {
    expect(nllToBitsPerDim(81.3, 784)).toBeCloseTo(81.3 / 784 / Math.LN2, 12);
    expect(nllToBitsPerDim(784 * Math.LN2, 784)).toBeCloseTo(1, 12);
    // a uniform density on [0,1]^D has NLL 0, i.e. 8 bits/dim for 8-bit data
    expect(nllToBitsPerDim(0, 3072, { rescaledFrom8Bit: true })).toBeCloseTo(8, 12);
    expect(bitsPerDimToNll(nllToBitsPerDim(-1234.5, 3072, { rescaledFrom8Bit: true }), 3072, { rescaledFrom8Bit: true })).toBeCloseTo(-1234.5, 8);
    expect(() => nllToBitsPerDim(NaN, 784)).toThrow(/nllNats/);
    expect(() => nllToBitsPerDim(1, 0)).toThrow(/dimensions/);
  });

  it('summarizes per-example NLLs with a standard error', () => {
    const summary = likelihoodSummary([90, 100, 110], 784);
    expect(summary.nllNats).toBe(100);
    expect(summary.standardError).toBeCloseTo(10 / Math.sqrt(3), 12);
    expect(summary.bitsPerDim).toBeCloseTo(100 / 784 / Math.LN2, 12);
    expect(summary.count).toBe(3);
    expect(() => likelihoodSummary([], 784)).toThrow(/at least one/);
    expect(() => likelihoodSummary([1, Infinity], 784)).toThrow(/nllNats\[1\]/);
  });
});
