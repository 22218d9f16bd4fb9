import { describe, expect, it } from 'vitest';
import { trainForSlice } from './worker-support';

describe('trainForSlice', () => {
  it('trains at least once, then until the slice is used up', () => {
    let calls = 0;
    expect(trainForSlice(() => calls++, 0).error).toBeNull();
    expect(calls).toBe(1);
    calls = 0;
    const start = performance.now();
    const { stepsPerSecond } = trainForSlice(() => calls++, 20);
    expect(performance.now() - start).toBeGreaterThanOrEqual(20);
    expect(calls).toBeGreaterThan(1);
    expect(stepsPerSecond).toBeGreaterThan(0);
  });

  it('returns a training error with the steps done so far instead of throwing', () => {
    let calls = 0;
    const { error, stepsPerSecond } = trainForSlice(() => {
      if (++calls === 3) throw new Error('non-finite loss');
    }, 1000);
    expect(error?.message).toBe('non-finite loss');
    expect(calls).toBe(3);
    expect(stepsPerSecond).toBeGreaterThan(0);
  });
});
