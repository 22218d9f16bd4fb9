import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectNoTensorLeakSync, Rng, withSeededRandom } from '@tfgen/core';
import { describe, expect, it } from 'vitest';
import { minibatchDiscrimination, MinibatchDiscrimination } from './minibatch-discrimination';
import { minibatchStddev, MinibatchStddev } from './minibatch-stddev';

function randomArray(n: number, seed: number): Float32Array {
  return new Rng(seed).normalArray(n);
}

async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
}

describe('MinibatchDiscrimination', () => {
  const build = () =>
    withSeededRandom(new Rng(1), () =>
      tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 4 }), minibatchDiscrimination({ numKernels: 6, kernelDim: 2 })] }),
    );

  it('matches the closed form o_i,b = sum_{j != i} exp(-|M_i,b - M_j,b|_1)', () => {
    const layer = new MinibatchDiscrimination({ numKernels: 2, kernelDim: 3 });
    const f = tf.tensor2d(randomArray(4 * 5, 2), [4, 5]);
    tf.dispose(layer.apply(f) as tf.Tensor); // builds the weight T
    const out = expectNoTensorLeakSync('call', () => layer.apply(f) as tf.Tensor);
    expect(out.shape).toEqual([4, 7]);
    const T = layer.getWeights()[0].arraySync() as number[][];
    const fv = f.arraySync() as number[][];
    const M = fv.map((row) => Array.from({ length: 6 }, (_, k) => row.reduce((s, v, a) => s + v * T[a][k], 0)));
    const o = out.arraySync() as number[][];
    for (let i = 0; i < 4; i++) {
      for (let b = 0; b < 2; b++) {
        let expected = 0;
        for (let j = 0; j < 4; j++) {
          if (j === i) continue;
          let l1 = 0;
          for (let c = 0; c < 3; c++) l1 += Math.abs(M[i][b * 3 + c] - M[j][b * 3 + c]);
          expected += Math.exp(-l1);
        }
        expect(o[i][5 + b]).toBeCloseTo(expected, 5);
      }
      for (let a = 0; a < 5; a++) expect(o[i][a]).toBeCloseTo(fv[i][a], 6);
    }
    tf.dispose([f, out]);
  });

  it("each sample's output depends on the other samples", () => {
    const model = build();
    const x = randomArray(4 * 3, 3);
    const changed = x.slice();
    changed[3 * 3] += 1; // move sample 3 only
    const a = (model.predict(tf.tensor2d(x, [4, 3])) as tf.Tensor).arraySync() as number[][];
    const b = (model.predict(tf.tensor2d(changed, [4, 3])) as tf.Tensor).arraySync() as number[][];
    // Sample 0's own features are unchanged, its minibatch features change.
    expect(b[0].slice(0, 4)).toEqual(a[0].slice(0, 4));
    expect(Math.max(...b[0].slice(4).map((v, k) => Math.abs(v - a[0][4 + k])))).toBeGreaterThan(1e-4);
  });

  it('survives save/load', async () => {
    const model = build();
    const x = tf.tensor2d(randomArray(12, 4), [4, 3]);
    const loaded = await roundTrip(model);
    expect(loaded.layers[1]).toBeInstanceOf(MinibatchDiscrimination);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    expect(() => new MinibatchDiscrimination({ numKernels: 0 })).toThrow(/numKernels/);
  });
});

describe('MinibatchStddev', () => {
  it('appends the mean over features of the per-group std, groups i mod (batch/groupSize)', () => {
    const layer = minibatchStddev({ groupSize: 2 });
    const x = tf.tensor4d(randomArray(4 * 2 * 2 * 3, 5), [4, 2, 2, 3]);
    const out = expectNoTensorLeakSync('call', () => layer.apply(x) as tf.Tensor);
    expect(out.shape).toEqual([4, 2, 2, 4]);
    const v = x.arraySync() as number[][][][];
    const o = out.arraySync() as number[][][][];
    for (let g = 0; g < 2; g++) {
      const members = [g, g + 2];
      let sum = 0;
      for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) for (let c = 0; c < 3; c++) {
        const values = members.map((i) => v[i][h][w][c]);
        const mean = (values[0] + values[1]) / 2;
        sum += Math.sqrt(values.reduce((s, t) => s + (t - mean) ** 2, 0) / 2 + 1e-8);
      }
      for (const i of members) for (let h = 0; h < 2; h++) for (let w = 0; w < 2; w++) expect(o[i][h][w][3]).toBeCloseTo(sum / 12, 5);
    }
    tf.dispose([x, out]);
  });

  it("each sample's output depends on the other samples; flat inputs; bad batch", async () => {
    const model = tfl.sequential({ layers: [minibatchStddev({ inputShape: [3], groupSize: 4 })] });
    const x = randomArray(8 * 3, 6);
    const changed = x.slice();
    changed[4 * 3 + 1] += 2; // sample 4 is in sample 0's group (0 mod 2 == 4 mod 2)
    const a = (model.predict(tf.tensor2d(x, [8, 3])) as tf.Tensor).arraySync() as number[][];
    const b = (model.predict(tf.tensor2d(changed, [8, 3])) as tf.Tensor).arraySync() as number[][];
    expect(a[0]).toHaveLength(4);
    expect(Math.abs(a[0][3] - b[0][3])).toBeGreaterThan(1e-3);
    expect(b[1][3]).toBeCloseTo(a[1][3], 6); // other group untouched
    expect(() => model.predict(tf.zeros([6, 3]))).toThrow(/divisible by the group size 4/);
    const loaded = await roundTrip(model);
    expect((loaded.layers[0] as MinibatchStddev).groupSize).toBe(4);
  });
});
