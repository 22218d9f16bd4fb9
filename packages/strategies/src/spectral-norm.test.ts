import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, expectNoTensorLeakSync, Rng, withSeededRandom } from '@tfgen/core';
import { describe, expect, it } from 'vitest';
import { spectralNorm, SpectralNormalization, spectralNormalize } from './spectral-norm';

/** Largest singular value by Jacobi eigenvalues of M^T M in float64 (independent of tfjs). */
function largestSingularValue(values: Float32Array | number[], rows: number, cols: number): number {
  const a: number[][] = [];
  for (let i = 0; i < cols; i++) {
    a.push([]);
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += values[r * cols + i] * values[r * cols + j];
      a[i].push(s);
    }
  }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < cols; p++) for (let q = p + 1; q < cols; q++) off += a[p][q] * a[p][q];
    if (off < 1e-24) break;
    for (let p = 0; p < cols; p++) {
      for (let q = p + 1; q < cols; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < cols; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < cols; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Math.sqrt(Math.max(...a.map((row, i) => row[i])));
}

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
}

describe('spectralNormalize', () => {
  it('normalizes the largest singular value to 1 (checked by Jacobi SVD)', () => {
    const w = randomTensor([12, 7], 1);
    const trueSigma = largestSingularValue(w.dataSync() as Float32Array, 12, 7);
    let u: tf.Tensor = randomTensor([1, 7], 2);
    for (let i = 0; i < 300; i++) {
      const out = spectralNormalize(w, u, 1);
      u.dispose();
      u = out.u;
      out.normalized.dispose();
      out.sigma.dispose();
    }
    const { normalized, sigma, u: last } = spectralNormalize(w, u, 1);
    expect(sigma.dataSync()[0]).toBeCloseTo(trueSigma, 3);
    expect(largestSingularValue(normalized.dataSync() as Float32Array, 12, 7)).toBeCloseTo(1, 3);
    tf.dispose([w, u, normalized, sigma, last]);
  });

  it('lets the gradient flow through sigma: d sigma / dW = v u^T (finite differences)', () => {
    const w = randomTensor([5, 4], 3);
    let u: tf.Tensor = randomTensor([1, 4], 4);
    for (let i = 0; i < 50; i++) {
      const out = spectralNormalize(w, u, 1);
      tf.dispose([u, out.normalized, out.sigma]);
      u = out.u;
    }
    // f(W) = sum(c * W/sigma(W)) with converged u: analytic gradient vs central differences
    const c = randomTensor([5, 4], 5);
    const f = (x: tf.Tensor) => tf.sum(tf.mul(c, spectralNormalize(x, u, 0).normalized)) as tf.Scalar;
    const grad = tf.grad(f)(w);
    const g = grad.dataSync();
    const base = w.dataSync();
    const h = 1e-2;
    for (const index of [0, 7, 13, 19]) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[index] += h;
      minus[index] -= h;
      const fd = tf.tidy(() => (f(tf.tensor(plus, [5, 4])).dataSync()[0] - f(tf.tensor(minus, [5, 4])).dataSync()[0]) / (2 * h));
      expect(g[index]).toBeCloseTo(fd, 2);
    }
    // A post-hoc rescale (sigma treated as constant) has a different gradient.
    const naive = tf.tidy(() => tf.div(c, spectralNormalize(w, u, 0).sigma));
    expect(tf.max(tf.abs(tf.sub(naive, grad))).dataSync()[0]).toBeGreaterThan(1e-2);
    tf.dispose([w, u, c, grad, naive]);
  });

  it('rejects a u of the wrong size', () => {
    const w = tf.zeros([3, 4]);
    const u = tf.ones([1, 3]);
    expect(() => spectralNormalize(w, u)).toThrow(/u: expected 4 elements/);
    tf.dispose([w, u]);
  });
});

function buildCritic(rng: Rng) {
  return withSeededRandom(rng, () =>
    tfl.sequential({
      layers: [
        spectralNorm(tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same' })),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        spectralNorm(tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })),
        tfl.layers.flatten(),
        spectralNorm(tfl.layers.dense({ units: 1 }), { powerIterations: 2 }),
      ],
    }),
  );
}

async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
}

describe('SpectralNormalization layer', () => {
  it('rejects layers without a kernel', () => {
    expect(() => spectralNorm(tfl.layers.flatten())).toThrow(ArgumentError);
    expect(() => spectralNorm(tfl.layers.dense({ units: 2 }), { powerIterations: 0 })).toThrow(/powerIterations/);
  });

  it('updates u only in training and gives normalized kernels with sigma 1', () => {
    const model = buildCritic(new Rng(7));
    const x = randomTensor([3, 6, 6, 2], 8);
    const sn = model.layers.filter((l) => l instanceof SpectralNormalization) as SpectralNormalization[];
    expect(sn).toHaveLength(3);
    const before = sn.map((l) => l.u!.read().dataSync().slice());
    tf.dispose(model.predict(x));
    sn.forEach((l, i) => expect(Array.from(l.u!.read().dataSync())).toEqual(Array.from(before[i])));
    expectNoTensorLeakSync('training call', () => {
      for (let i = 0; i < 40; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    });
    sn.forEach((l, i) => expect(Array.from(l.u!.read().dataSync())).not.toEqual(Array.from(before[i])));
    // Each wrapped kernel, normalized with the stored u, has largest singular value 1.
    for (const layer of sn) {
      const kernel = layer.trainableWeights[0].read();
      const transposed = layer.layer.getClassName() === 'Conv2DTranspose';
      const { normalized } = spectralNormalize(kernel, layer.u!.read(), 0, { transposedConvolution: transposed });
      const matrix = tf.tidy(() => {
        const m = transposed ? tf.transpose(normalized, [0, 1, 3, 2]) : normalized;
        return tf.reshape(m, [-1, m.shape[m.rank - 1] as number]);
      });
      expect(largestSingularValue(matrix.dataSync() as Float32Array, matrix.shape[0] as number, matrix.shape[1] as number)).toBeCloseTo(1, 3);
      tf.dispose([normalized, matrix]);
    }
    x.dispose();
  });

  it('weights: kernel and bias trainable, u non-trainable; gradient reaches the raw kernel', () => {
    const model = buildCritic(new Rng(9));
    const sn = model.layers[0] as SpectralNormalization;
    expect(sn.trainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['kernel', 'bias']);
    expect(sn.nonTrainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['u']);
    expect(model.trainableWeights).toHaveLength(6);
    const x = randomTensor([2, 6, 6, 2], 10);
    const { grads, value } = tf.variableGrads(
      () => tf.mean(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      model.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    expect(Object.keys(grads)).toHaveLength(6);
    for (const g of Object.values(grads)) expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, value, ...Object.values(grads)]);
  });

  it('survives model.save and tf.loadLayersModel', async () => {
    const model = buildCritic(new Rng(11));
    const x = randomTensor([2, 6, 6, 2], 12);
    for (let i = 0; i < 5; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const loaded = await roundTrip(model);
    expect(loaded.layers[0]).toBeInstanceOf(SpectralNormalization);
    expect((loaded.layers[4] as SpectralNormalization).powerIterations).toBe(2);
    const a = model.predict(x) as tf.Tensor;
    const b = loaded.predict(x) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const uA = (model.layers[0] as SpectralNormalization).u!.read().dataSync();
    const uB = (loaded.layers[0] as SpectralNormalization).u!.read().dataSync();
    expect(Array.from(uB)).toEqual(Array.from(uA));
    tf.dispose([x, a, b]);
  });

  it('wraps an Embedding', async () => {
    const model = withSeededRandom(new Rng(13), () =>
      tfl.sequential({ layers: [spectralNorm(tfl.layers.embedding({ inputDim: 10, outputDim: 6, inputLength: 3 })), tfl.layers.flatten()] }),
    );
    const ids = tf.tensor2d([[1, 2, 3], [4, 5, 9]]);
    for (let i = 0; i < 40; i++) tf.dispose(model.apply(ids, { training: true }) as tf.Tensor);
    const layer = model.layers[0] as SpectralNormalization;
    const { normalized } = spectralNormalize(layer.trainableWeights[0].read(), layer.u!.read(), 0);
    expect(largestSingularValue(normalized.dataSync() as Float32Array, 10, 6)).toBeCloseTo(1, 3);
    const out = model.predict(ids) as tf.Tensor;
    // Row 1 of the output is the normalized embedding of id 1.
    const expected = tf.tidy(() => tf.reshape(tf.gather(normalized, tf.tensor1d([1, 2, 3], 'int32')), [-1]));
    expect(Array.from(out.dataSync().slice(0, 18))).toEqual(Array.from(expected.dataSync()));
    const loaded = await roundTrip(model);
    const out2 = loaded.predict(ids) as tf.Tensor;
    expect(Array.from(out2.dataSync())).toEqual(Array.from(out.dataSync()));
    tf.dispose([ids, normalized, out, out2, expected]);
  });
});
