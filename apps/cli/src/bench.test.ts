import { describe, expect, it } from 'vitest';
import { benchMarkdown, median } from './bench';

describe('bench helpers', () => {
  it('takes medians of odd and even lists without reordering the input', () => {
    const values = [5, 1, 4];
    expect(median(values)).toBe(4);
    expect(values).toEqual([5, 1, 4]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('writes a markdown table with one row per measurement, the PyTorch row and the long run', () => {
    const row = { model: 'mlp-gan', backend: 'wasm', batchSize: 256, steps: 30, medianStepMs: 12.5, samplesPerSecond: 20480, peakRssMb: 300.4, tensorGrowth: 0 };
    const md = benchMarkdown(
      [row, { ...row, model: 'dcgan', backend: 'cpu', medianStepMs: NaN, samplesPerSecond: NaN, peakRssMb: NaN, tensorGrowth: NaN, note: 'skipped' }],
      { model: 'mlp-gan', backend: 'wasm', steps: 300, tensorsAt100: 52, tensorsAtEnd: 52, rssMbAt100: 310, rssMbAtEnd: 311 },
      { medianStepMs: 160, note: '1.13, 2 threads' },
      { steps: 30, longSteps: 300 },
    );
    expect(md).toContain('| mlp-gan | wasm | 256 | 12.5 | 20480 | 300 | 0 |  |');
    expect(md).toContain('| dcgan | cpu | 256 | n/a | n/a | n/a | n/a | skipped |');
    expect(md).toContain('| dcgan (PyTorch reference) | cpu | 64 | 160.0 | 400 |');
    expect(md).toContain('live tensors 52 at step 100 and 52 at the end; RSS 310 MB -> 311 MB');
    expect(benchMarkdown([], null, { skipped: 'no torch' }, { steps: 1, longSteps: 0 })).toContain('PyTorch DCGAN reference: skipped (no torch).');
  });
});
