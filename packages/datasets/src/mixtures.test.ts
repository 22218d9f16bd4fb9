import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng, expectNoTensorLeakSync } from '@tfgen/core';
import { gridOfGaussians, ringOfGaussians, spiral, twoMoons, type Mixture2D } from './mixtures';

/** Per-mode sample means and the pooled per-axis standard deviation around the drawn mode's centre. */
function modeStatistics(mixture: Mixture2D, count: number) {
  const { points, modes } = mixture.sampleWithModes(count, new Rng(`stats ${mixture.name}`));
  const k = mixture.centers.length;
  const sums = Array.from({ length: k }, () => [0, 0, 0]);
  let squared = 0;
  for (let i = 0; i < count; i++) {
    const [cx, cy] = mixture.centers[modes[i]];
    sums[modes[i]][0] += points[2 * i];
    sums[modes[i]][1] += points[2 * i + 1];
    sums[modes[i]][2]++;
    squared += (points[2 * i] - cx) ** 2 + (points[2 * i + 1] - cy) ** 2;
  }
  return { sums, std: Math.sqrt(squared / (2 * count)), modes };
}

describe('2D mixtures', () => {
  it("ring of 8: PacGAN's centres on the unit circle, std 0.01, equal weights", () => {
    const ring = ringOfGaussians();
    expect(ring.centers.length).toBe(8);
    expect(ring.std).toBe(0.01);
    ring.centers.forEach(([x, y], k) => {
      expect(Math.hypot(x, y)).toBeCloseTo(1, 12);
      expect(Math.atan2(y, x)).toBeCloseTo(Math.atan2(Math.sin((2 * Math.PI * k) / 8), Math.cos((2 * Math.PI * k) / 8)), 12);
    });
    const { sums, std } = modeStatistics(ring, 16000);
    expect(std).toBeGreaterThan(0.0095);
    expect(std).toBeLessThan(0.0105);
    for (const [k, [sx, sy, n]] of sums.entries()) {
      expect(n).toBeGreaterThan(2000 - 5 * Math.sqrt(16000 * (1 / 8) * (7 / 8)));
      expect(sx / n).toBeCloseTo(ring.centers[k][0], 3);
      expect(sy / n).toBeCloseTo(ring.centers[k][1], 3);
    }
  });

  it("grid of 25: means at {-4,-2,0,2,4}^2, std 0.05", () => {
    const grid = gridOfGaussians();
    const expected: Array<[number, number]> = [];
    for (const x of [-4, -2, 0, 2, 4]) for (const y of [-4, -2, 0, 2, 4]) expected.push([x, y]);
    expect(grid.centers).toEqual(expected);
    expect(grid.std).toBe(0.05);
    const { std, sums } = modeStatistics(grid, 25000);
    expect(std).toBeGreaterThan(0.0485);
    expect(std).toBeLessThan(0.0515);
    for (const [, , n] of sums) expect(Math.abs(n - 1000)).toBeLessThan(5 * Math.sqrt(25000 * 0.04 * 0.96));
  });

  it('spiral and two moons: points lie near the curve and modes are near their centres', () => {
    for (const mixture of [spiral(), twoMoons()]) {
      const { points, modes } = mixture.sampleWithModes(4000, new Rng(1));
      // Spacing between consecutive centres bounds how far a point can be from its mode's centre.
      let spacing = 0;
      for (let k = 1; k < mixture.centers.length; k++) {
        const [ax, ay] = mixture.centers[k - 1];
        const [bx, by] = mixture.centers[k];
        if (mixture.name.startsWith('two-moons') && k === mixture.centers.length / 2) continue;
        spacing = Math.max(spacing, Math.hypot(bx - ax, by - ay));
      }
      for (let i = 0; i < 4000; i++) {
        const [cx, cy] = mixture.centers[modes[i]];
        expect(Math.hypot(points[2 * i] - cx, points[2 * i + 1] - cy)).toBeLessThan(spacing / 2 + 6 * mixture.std);
      }
    }
    const moons = twoMoons({ std: 0.1, modesPerMoon: 4 });
    expect(moons.centers.length).toBe(8);
    expect(moons.centers[0][0]).toBeCloseTo(Math.cos(Math.PI / 8), 12);
    expect(moons.centers[4][1]).toBeCloseTo(0.5 - Math.sin(Math.PI / 8), 12);
  });

  it('batches: [batchSize, 2] streams, reproducible, resumable, labelled, leak-free', () => {
    const ring = ringOfGaussians();
    const a = ring.batches({ batchSize: 16, seed: 3, withLabels: true });
    expect(a.batchesPerEpoch).toBe(100);
    tf.dispose(Object.values(a.next()));
    const state = JSON.parse(JSON.stringify(a.getState()));
    const next = expectNoTensorLeakSync('next', () => a.next());
    expect(next.x.shape).toEqual([16, 2]);
    expect(next.y?.dtype).toBe('int32');
    const b = ring.batches({ batchSize: 16, seed: 3, withLabels: true });
    b.setState(state);
    const resumed = b.next();
    expect(Array.from(resumed.x.dataSync())).toEqual(Array.from(next.x.dataSync()));
    expect(Array.from(resumed.y?.dataSync() ?? [])).toEqual(Array.from(next.y?.dataSync() ?? []));
    // The labels are the modes the points came from: each point is within 6 std of its centre.
    const xs = next.x.dataSync();
    Array.from(next.y?.dataSync() ?? []).forEach((mode, i) => {
      expect(Math.hypot(xs[2 * i] - ring.centers[mode][0], xs[2 * i + 1] - ring.centers[mode][1])).toBeLessThan(0.06);
    });
    tf.dispose([...Object.values(next), ...Object.values(resumed)] as tf.Tensor[]);
    expect(() => gridOfGaussians().batches({ batchSize: 16, seed: 3 }).setState(state)).toThrow(/state\.mixture: expected "grid-25"/);
    expect(() => ringOfGaussians({ std: 0 })).toThrow(/std: expected a finite number > 0/);
    expect(() => ringOfGaussians({ modes: 2.5 })).toThrow(/modes: expected an integer >= 1/);
  });
});
