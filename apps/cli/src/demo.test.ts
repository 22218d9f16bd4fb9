import { ArgumentError } from '@tfgen/core';
import { ringOfGaussians } from '@tfgen/datasets';
import { describe, expect, it } from 'vitest';
import { demoTable, demoVerdict, imageRow, measureSnapshot, snapshotSteps, type DemoRow, type DemoSnapshot } from './demo';

const ring = ringOfGaussians({ modes: 8, radius: 1, std: 0.01 });

/** `perMode[k]` points exactly on mode k, plus `far` points at the origin (never high quality). */
function points(perMode: readonly number[], far = 0): Float32Array {
  const values: number[] = [];
  perMode.forEach((count, k) => {
    for (let i = 0; i < count; i++) values.push(ring.centers[k][0], ring.centers[k][1]);
  });
  for (let i = 0; i < far; i++) values.push(0, 0);
  return Float32Array.from(values);
}

function row(snapshots: DemoSnapshot[], title = 'vanilla GAN'): DemoRow {
  return { ...snapshots[snapshots.length - 1], name: 'x', title, seconds: 12, scatter: 'x.png', timeline: 't.png', snapshots, runDir: 'x' };
}

describe('snapshotSteps', () => {
  it('spreads snapshots evenly and ends at the last step', () => {
    expect(snapshotSteps(1500, 6)).toEqual([250, 500, 750, 1000, 1250, 1500]);
    expect(snapshotSteps(10, 3)).toEqual([3, 7, 10]);
    expect(snapshotSteps(2, 6)).toEqual([1, 2]);
  });
  it('rejects bad counts', () => {
    expect(() => snapshotSteps(100, 0)).toThrow(ArgumentError);
    expect(() => snapshotSteps(1.5, 2)).toThrow(/steps/);
  });
});

describe('measureSnapshot', () => {
  it('one mode: 1/8 covered, all high-quality mass on it, reverse KL ln 8', () => {
    const s = measureSnapshot(7, points([0, 0, 0, 90, 0, 0, 0, 0], 10), ring);
    expect(s).toMatchObject({ step: 7, modesCovered: 1, modeCount: 8, topMode: 3 });
    expect(s.highQualityPercent).toBeCloseTo(90, 10);
    expect(s.topModePercent).toBeCloseTo(90, 10); // the 10 points at the origin go to mode 0 (a tie: the first)
    expect(s.reverseKl).toBeCloseTo(Math.log(8), 6);
  });
  it('even coverage: 8/8, 12.5% on the top mode, reverse KL 0', () => {
    const s = measureSnapshot(1, points([5, 5, 5, 5, 5, 5, 5, 5]), ring);
    expect(s.modesCovered).toBe(8);
    expect(s.topModePercent).toBeCloseTo(12.5, 10);
    expect(s.reverseKl).toBeCloseTo(0, 10);
  });
  it('counts far samples for the top mode but not for coverage', () => {
    const far = [1.5 * ring.centers[6][0], 1.5 * ring.centers[6][1]]; // nearest to mode 6, 0.5 away
    const values = Float32Array.from([...points([1, 1, 1, 1, 1, 1, 1, 1]), ...Array.from({ length: 12 }, (_, i) => far[i % 2])]);
    const s = measureSnapshot(1, values, ring);
    expect(s).toMatchObject({ modesCovered: 8, topMode: 6 });
    expect(s.topModePercent).toBeCloseTo((100 * 7) / 14, 10);
    expect(s.highQualityPercent).toBeCloseTo((100 * 8) / 14, 10);
    expect(s.reverseKl).toBeCloseTo(0, 10);
  });
});

describe('imageRow', () => {
  it('puts images side by side with a white gap', () => {
    const red = { width: 2, height: 2, data: Uint8Array.from({ length: 16 }, (_, i) => (i % 4 === 0 || i % 4 === 3 ? 255 : 0)) };
    const black = { width: 1, height: 3, data: Uint8Array.from({ length: 12 }, (_, i) => (i % 4 === 3 ? 255 : 0)) };
    const out = imageRow([red, black], 1);
    expect([out.width, out.height]).toEqual([4, 3]);
    const pixel = (x: number, y: number) => [...out.data.subarray(4 * (y * out.width + x), 4 * (y * out.width + x) + 4)];
    expect(pixel(1, 1)).toEqual([255, 0, 0, 255]);
    expect(pixel(2, 0)).toEqual([255, 255, 255, 255]); // gap
    expect(pixel(0, 2)).toEqual([255, 255, 255, 255]); // below the shorter image
    expect(pixel(3, 2)).toEqual([0, 0, 0, 255]);
  });
  it('rejects an empty list', () => {
    expect(() => imageRow([])).toThrow(/images: expected at least one image/);
  });
});

describe('demoVerdict and demoTable', () => {
  it('calls a one-mode run collapsed and counts hops of the top mode', () => {
    const snapshots = [
      measureSnapshot(100, points([0, 0, 9, 0, 0, 0, 0, 0]), ring),
      measureSnapshot(200, points([0, 0, 0, 0, 0, 9, 0, 0]), ring),
      measureSnapshot(300, points([0, 0, 0, 0, 0, 9, 0, 0]), ring),
      measureSnapshot(400, points([0, 0, 0, 0, 0, 9, 1, 0]), ring),
    ];
    const line = demoVerdict(row(snapshots));
    // reverse KL of (0.9, 0.1) against uniform over 8: 0.9 ln 7.2 + 0.1 ln 0.8 = 1.754
    expect(0.9 * Math.log(7.2) + 0.1 * Math.log(0.8)).toBeCloseTo(1.754, 3);
    expect(line).toBe(
      'vanilla GAN: collapsed: 2/8 modes, 90% of samples nearest to one mode, 100% high quality, reverse KL 1.75; top mode over time 2 -> 5 -> 5 -> 5 (hopped once)',
    );
  });
  it('says when every mode is covered, and the table lists modes over time', () => {
    const even = [measureSnapshot(50, points([1, 0, 0, 0, 0, 0, 0, 0]), ring), measureSnapshot(100, points([2, 2, 2, 2, 2, 2, 2, 2], 4), ring)];
    const r = row(even, 'unrolled GAN');
    expect(demoVerdict(r)).toMatch(/^unrolled GAN: covers all 8 modes: 8\/8 modes, 30% of samples nearest to one mode, 80% high quality, reverse KL 0.00; top mode over time 0 -> 0 \(hopped 0 times\)$/);
    expect(demoTable([r])).toContain('| unrolled GAN | 8/8 | 30% | 80% | 0.00 | 1, 8 | 12 s |');
  });
});
