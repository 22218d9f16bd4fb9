import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError } from '@tfgen/core';
import { divergencesFromUniform, modeCoverage } from './mode-coverage';

const ring = Array.from({ length: 8 }, (_, k) => [Math.cos((k * Math.PI) / 4), Math.sin((k * Math.PI) / 4)] as [number, number]);
const std = 0.01;

/** A point at `distance` std from center k, in a given direction. */
function near(k: number, distance: number, angle = 0.3): number[] {
  return [ring[k][0] + distance * std * Math.cos(angle), ring[k][1] + distance * std * Math.sin(angle)];
}

describe('modeCoverage', () => {
  it('counts every mode and zero divergence when each mode gets the same share', () => {
    const samples = ring.flatMap((_, k) => Array.from({ length: 10 }, (_, i) => near(k, (i % 5) * 0.5, i)));
    const result = modeCoverage(samples, { centers: ring, std });
    expect(result.modesCovered).toBe(8);
    expect(result.modeCount).toBe(8);
    expect(result.highQualityFraction).toBe(1);
    expect(result.perMode).toEqual(new Array(8).fill(10));
    expect(result.reverseKl).toBeCloseTo(0, 12);
    expect(result.jsd).toBeCloseTo(0, 12);
    expect(result.sampleCount).toBe(80);
  });

  it('gives one mode, KL = ln 8 and the closed-form JSD when all samples sit on one mode', () => {
    const samples = Array.from({ length: 50 }, (_, i) => near(3, 1, i));
    const result = modeCoverage(samples, { centers: ring, std });
    expect(result.modesCovered).toBe(1);
    expect(result.perMode[3]).toBe(50);
    expect(result.reverseKl).toBeCloseTo(Math.log(8), 12);
    // q = (1, 0, ...), u = 1/8, m = (9/16, 1/16, ...)
    const expectedJsd = 0.5 * Math.log(16 / 9) + (1 / 16) * Math.log(2 / 9) + (7 / 16) * Math.log(2);
    expect(result.jsd).toBeCloseTo(expectedJsd, 12);
    expect(result.jsd).toBeLessThan(Math.log(2));
  });

  it('does not count off-mode points as high quality or as captured modes', () => {
    const samples = [
      near(0, 2.9), // high quality, mode 0
      near(1, 3.1), // just outside 3 std of mode 1
      near(2, 50), // far off
      [0, 0], // the ring's center, far from every mode
      [(ring[4][0] + ring[5][0]) / 2, (ring[4][1] + ring[5][1]) / 2], // between two modes
    ];
    const result = modeCoverage(samples, { centers: ring, std });
    expect(result.modesCovered).toBe(1);
    expect(result.perMode).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(result.highQualityFraction).toBeCloseTo(1 / 5, 12);
    // with a looser threshold the 3.1-std point counts too
    const loose = modeCoverage(samples, { centers: ring, std, threshold: 3.2 });
    expect(loose.perMode).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    expect(loose.reverseKl).toBeCloseTo(Math.log(8) - Math.log(2), 12);
  });

  it('assigns to the nearest mode in std units and honours minSamplesPerMode', () => {
    const grid = [];
    for (let i = -2; i <= 2; i++) for (let j = -2; j <= 2; j++) grid.push([2 * i, 2 * j]);
    const samples = [
      [0.04, 0.0], [0.0, -0.05], [0.1, 0.1], // mode 12 (the origin): 0.8, 1.0, 2.83 std
      [2.0, 2.0], // mode 18
    ];
    const result = modeCoverage(samples, { centers: grid, std: 0.05 });
    expect(result.perMode[12]).toBe(3);
    expect(result.perMode[18]).toBe(1);
    expect(result.modesCovered).toBe(2);
    expect(modeCoverage(samples, { centers: grid, std: 0.05, minSamplesPerMode: 2 }).modesCovered).toBe(1);
  });

  it('accepts tensors and flat arrays alike and leaks no tensors', () => {
    const rows = Array.from({ length: 40 }, (_, i) => near(i % 8, 1, i));
    const tensor = tf.tensor2d(rows);
    const before = tf.memory().numTensors;
    const fromTensor = modeCoverage(tensor as tf.Tensor2D, { centers: ring, std });
    expect(tf.memory().numTensors).toBe(before);
    tensor.dispose();
    const fromFlat = modeCoverage(Float32Array.from(rows.flat()), { centers: ring, std });
    const fromRows = modeCoverage(rows, { centers: ring, std });
    expect(fromTensor).toEqual(fromRows);
    expect(fromFlat.perMode).toEqual(fromRows.perMode);
    expect(fromRows.modesCovered).toBe(8);
  });

  it('rejects bad input with errors that name the argument', () => {
    expect(() => modeCoverage([[0, 0]], { centers: [], std })).toThrow(ArgumentError);
    expect(() => modeCoverage([[0, 0]], { centers: ring, std: 0 })).toThrow(/options\.std/);
    expect(() => modeCoverage([[0, 0, 0]], { centers: ring, std })).toThrow(ShapeError);
    expect(() => modeCoverage(new Float32Array(3), { centers: ring, std })).toThrow(/multiple of 2/);
    expect(() => modeCoverage([[0, NaN]], { centers: ring, std })).toThrow(/finite/);
    expect(() => modeCoverage([], { centers: ring, std })).toThrow(/at least one sample/);
    expect(() => modeCoverage([[0, 0]], { centers: [[0, 0], [1]], std })).toThrow(/options\.centers\[1\]/);
  });
});

describe('divergencesFromUniform', () => {
  it('matches direct computations and is NaN for an empty histogram', () => {
    const counts = [3, 1, 0, 0];
    const q = [0.75, 0.25, 0, 0];
    const kl = 0.75 * Math.log(0.75 * 4) + 0.25 * Math.log(0.25 * 4);
    const m = q.map((p) => (p + 0.25) / 2);
    const jsd = 0.5 * q.reduce((s, p, i) => s + (p > 0 ? p * Math.log(p / m[i]) : 0), 0) + 0.5 * m.reduce((s, mi) => s + 0.25 * Math.log(0.25 / mi), 0);
    const result = divergencesFromUniform(counts);
    expect(result.reverseKl).toBeCloseTo(kl, 12);
    expect(result.jsd).toBeCloseTo(jsd, 12);
    expect(Number.isNaN(divergencesFromUniform([0, 0]).reverseKl)).toBe(true);
    expect(() => divergencesFromUniform([1, -1])).toThrow(/counts\[1\]/);
  });
});
