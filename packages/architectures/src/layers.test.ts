import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Rng, ShapeError, withSeededRandom } from '@tfgen/core';
import { describe, expect, it } from 'vitest';
import { ConditionalBatchNorm } from './conditional-batch-norm';
import { ConstantInput } from './constant-input';
import { Downsample2x } from './downsample2x';
import { GlobalSumPooling } from './global-sum-pooling';
import { Maxout } from './maxout';
import { ModulatedConv2D } from './modulated-conv2d';
import { NoiseInjection } from './noise-injection';
import { PackSamples } from './pack-samples';
import { PixelNorm } from './pixel-norm';
import { StyleAverage } from './style-average';
import { maxAbsDiff, saveAndLoad } from './test-support';

const sym = (shape: number[], dtype: 'float32' | 'int32' = 'float32') => tfl.input({ shape, dtype });

describe('ModulatedConv2D', () => {
  it('equals a convolution with per-example modulated, demodulated kernels (direct reference)', () => {
    const rng = new Rng(3);
    const [n, h, w, cin, cout, k, styleDim, rows] = [2, 5, 5, 3, 4, 3, 6, 3];
    const layer = new ModulatedConv2D({ filters: cout, kernelSize: k, styleIndex: 1 });
    const x = tf.tensor4d(rng.normalArray(n * h * w * cin), [n, h, w, cin]);
    const styles = tf.tensor3d(rng.normalArray(n * rows * styleDim), [n, rows, styleDim]);
    layer.apply([sym([h, w, cin]), sym([rows, styleDim])]);
    const [kernel, bias, styleKernel, styleBias] = layer.getWeights();
    layer.setWeights([kernel, tf.tensor1d(rng.normalArray(cout)), styleKernel, tf.tensor1d(rng.normalArray(cin, 1, 0.1))]);
    // getWeights returns the variables' own tensors: never dispose them.
    void bias;
    void styleBias;
    const before = tf.memory().numTensors;
    const y = layer.apply([x, styles]) as tf.Tensor;
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(y.shape).toEqual([n, h, w, cout]);

    // Reference: for each example build its own kernel W_n[k,k,i,o] = W * wscale * s_n[i], divide by its norm.
    const [kernelT, biasT, styleKernelT, styleBiasT] = layer.getWeights();
    const expected = tf.tidy(() => {
      const outs: tf.Tensor[] = [];
      for (let i = 0; i < n; i++) {
        const style = tf.reshape(tf.slice(styles, [i, 1, 0], [1, 1, styleDim]), [1, styleDim]) as tf.Tensor2D;
        const s = tf.reshape(tf.add(tf.matMul(style, tf.div(styleKernelT, Math.sqrt(styleDim)) as tf.Tensor2D), styleBiasT), [1, 1, cin, 1]);
        let wn = tf.mul(tf.mul(kernelT, 1 / Math.sqrt(k * k * cin)), s);
        wn = tf.div(wn, tf.sqrt(tf.add(tf.sum(tf.square(wn), [0, 1, 2], true), 1e-8)));
        outs.push(tf.conv2d(tf.slice(x, [i, 0, 0, 0], [1, h, w, cin]) as tf.Tensor4D, wn as tf.Tensor4D, 1, 'same'));
      }
      return tf.add(tf.concat(outs, 0), biasT);
    });
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-5);
    tf.dispose([x, styles, y, expected]);
  });

  it('demodulated outputs have unit variance for unit-variance inputs (the point of demodulation)', () => {
    const rng = new Rng(5);
    const layer = new ModulatedConv2D({ filters: 8, kernelSize: 3 });
    const x = tf.tensor4d(rng.normalArray(4 * 16 * 16 * 16), [4, 16, 16, 16]);
    const styles = tf.mul(tf.tensor2d(rng.normalArray(4 * 8), [4, 8]), 3);
    const y = withSeededRandom(rng, () => layer.apply([x, styles]) as tf.Tensor);
    // Interior pixels only (zero padding lowers the border variance).
    const inner = tf.slice(y, [0, 1, 1, 0], [4, 14, 14, 8]);
    const variance = tf.moments(inner).variance.dataSync()[0];
    expect(variance).toBeGreaterThan(0.8);
    expect(variance).toBeLessThan(1.2);
    tf.dispose([x, styles, y, inner]);
  });

  it('rejects an even kernel and a style index beyond the styles', () => {
    expect(() => new ModulatedConv2D({ filters: 2, kernelSize: 2 })).toThrow(ShapeError);
    const layer = new ModulatedConv2D({ filters: 2, kernelSize: 3, styleIndex: 4 });
    expect(() => layer.apply([sym([4, 4, 2]), sym([3, 5])])).toThrow(/at least 5 style rows/);
  });
});

describe('ConditionalBatchNorm', () => {
  it('normalizes with batch statistics and applies the class rows of gamma and beta (closed form)', () => {
    const layer = new ConditionalBatchNorm({ numClasses: 3, momentum: 0.5 });
    layer.apply([sym([2, 2, 2]), sym([1], 'int32')]);
    const gamma = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const beta = tf.tensor2d([0, 0.5, -1, 1, 2, -2], [3, 2]);
    const [, , mm, mv] = layer.getWeights();
    layer.setWeights([gamma, beta, mm, mv]);
    const values = Array.from({ length: 2 * 2 * 2 * 2 }, (_, i) => Math.sin(i) * 3 + i * 0.1);
    const x = tf.tensor4d(values, [2, 2, 2, 2]);
    const labels = tf.tensor2d([2, 0], [2, 1], 'int32');
    const y = layer.apply([x, labels], { training: true }) as tf.Tensor;
    const out = y.dataSync();
    const g = [[1, 2], [3, 4], [5, 6]];
    const b = [[0, 0.5], [-1, 1], [2, -2]];
    for (let c = 0; c < 2; c++) {
      const column = values.filter((_, i) => i % 2 === c);
      const mean = column.reduce((s, v) => s + v, 0) / column.length;
      const variance = column.reduce((s, v) => s + (v - mean) ** 2, 0) / column.length;
      for (let i = c; i < values.length; i += 2) {
        const cls = i < 8 ? 2 : 0;
        const expected = ((values[i] - mean) / Math.sqrt(variance + 1e-5)) * g[cls][c] + b[cls][c];
        expect(out[i]).toBeCloseTo(expected, 4);
      }
      // Moving mean after one step with momentum 0.5 from 0.
      expect(layer.getWeights()[2].dataSync()[c]).toBeCloseTo(0.5 * mean, 5);
    }
    tf.dispose([gamma, beta, x, labels, y]);
  });
});

describe('small layers', () => {
  it('Downsample2x averages 2x2 blocks and its gradient has a gradient (second order works)', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
    const layer = new Downsample2x();
    const y = layer.apply(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([3.5, 5.5, 11.5, 13.5]);
    // d/dx of sum(grad(sum(pool(x)^2))^2): exists and equals closed form 2 * (2 * pool / 4 / 4) * ... check finite.
    const second = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.grad((u: tf.Tensor) => tf.sum(tf.square(layer.apply(u) as tf.Tensor)))(v))))(x);
    // grad of sum(pool^2) w.r.t. x_ij = 2 * pool_block / 4; squared and summed = sum_blocks 4 * (pool/2)^2 = sum pool^2;
    // its gradient w.r.t. x_ij = 2 * pool_block / 4 = pool_block / 2.
    expect(Array.from(second.dataSync())[0]).toBeCloseTo(3.5 / 2, 5);
    expect(() => layer.apply(tf.zeros([1, 3, 4, 1]))).toThrow(ShapeError);
    tf.dispose([x, y, second]);
  });

  it('GlobalSumPooling, PixelNorm, ConstantInput, Maxout, PackSamples compute what they say', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    expect(Array.from((new GlobalSumPooling().apply(x) as tf.Tensor).dataSync())).toEqual([16, 20]);
    const v = tf.tensor2d([3, 4], [1, 2]);
    const normed = (new PixelNorm().apply(v) as tf.Tensor).dataSync();
    expect(normed[0]).toBeCloseTo(3 / Math.sqrt(12.5), 5);
    const constant = new ConstantInput({ size: 3, channels: 2 });
    const tiled = constant.apply(tf.zeros([4, 5])) as tf.Tensor;
    expect(tiled.shape).toEqual([4, 3, 3, 2]);
    expect(maxAbsDiff(tf.slice(tiled, [0], [1]), tf.slice(tiled, [3], [1]))).toBe(0);
    const maxout = new Maxout({ units: 1, pieces: 3 });
    maxout.apply(sym([1]));
    maxout.setWeights([tf.tensor2d([[1, -1, 2]]), tf.tensor1d([0, 0, -5])]);
    expect(Array.from((maxout.apply(tf.tensor2d([[2], [-3]])) as tf.Tensor).dataSync())).toEqual([2, 3]);
    const packed = new PackSamples({ packing: 2 }).apply(tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]])) as tf.Tensor;
    expect(packed.arraySync()).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(() => new PackSamples({ packing: 3 }).apply(tf.zeros([4, 2]))).toThrow(/multiple of the packing 3/);
  });

  it('NoiseInjection adds strength-scaled noise that is reproducible under withSeededRandom', () => {
    const layer = new NoiseInjection();
    layer.apply(sym([4, 4, 2]));
    layer.setWeights([tf.tensor1d([0, 2])]);
    const x = tf.ones([2, 4, 4, 2]);
    const a = withSeededRandom(new Rng(1), () => layer.apply(x) as tf.Tensor);
    const b = withSeededRandom(new Rng(1), () => layer.apply(x) as tf.Tensor);
    expect(maxAbsDiff(a, b)).toBe(0);
    const channels = tf.unstack(tf.reshape(a, [-1, 2]), 1);
    expect(Array.from(channels[0].dataSync()).every((v) => v === 1)).toBe(true);
    const noise = tf.div(tf.sub(channels[1], 1), 2);
    const { mean, variance } = tf.moments(noise);
    expect(Math.abs(mean.dataSync()[0])).toBeLessThan(0.5);
    expect(variance.dataSync()[0]).toBeGreaterThan(0.4);
  });

  it('StyleAverage tracks decay * avg + (1 - decay) * batch mean only in training and truncates', () => {
    const layer = new StyleAverage({ decay: 0.9 });
    const w = tf.tensor2d([[1, 2], [3, 6]]);
    layer.apply(w);
    expect(Array.from(layer.mean().dataSync())).toEqual([0, 0]);
    layer.apply(w, { training: true });
    const avg = Array.from(layer.mean().dataSync());
    expect(avg[0]).toBeCloseTo(0.2, 6);
    expect(avg[1]).toBeCloseTo(0.4, 6);
    const truncated = layer.truncate(w, 0.5).arraySync() as number[][];
    expect(truncated[1][1]).toBeCloseTo(0.4 + 0.5 * (6 - 0.4), 5);
  });
});

describe('custom layers survive save and load', () => {
  it('a model of every custom layer reloads with identical outputs', async () => {
    const model = withSeededRandom(new Rng(9), () => {
      const x = sym([4, 4, 2]);
      const labels = sym([1], 'int32');
      const styles = sym([2, 3]);
      let h = new ModulatedConv2D({ filters: 2, kernelSize: 3, styleIndex: 1 }).apply([x, styles]) as tfl.SymbolicTensor;
      h = new ConditionalBatchNorm({ numClasses: 4 }).apply([h, labels]) as tfl.SymbolicTensor;
      h = new Downsample2x().apply(h) as tfl.SymbolicTensor;
      h = tfl.layers.add().apply([h, new ConstantInput({ size: 2, channels: 2 }).apply(styles) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
      h = new PixelNorm().apply(new GlobalSumPooling().apply(h)) as tfl.SymbolicTensor;
      h = new Maxout({ units: 2, pieces: 2 }).apply(h) as tfl.SymbolicTensor;
      h = new PackSamples({ packing: 1 }).apply(new StyleAverage().apply(h)) as tfl.SymbolicTensor;
      return tfl.model({ inputs: [x, labels, styles], outputs: h });
    });
    const rng = new Rng(2);
    const inputs = [tf.tensor4d(rng.normalArray(32 * 2), [2, 4, 4, 2]), tf.tensor2d([1, 3], [2, 1], 'int32'), tf.tensor3d(rng.normalArray(12), [2, 2, 3])];
    const loaded = await saveAndLoad(model);
    const a = model.predict(inputs) as tf.Tensor;
    const b = loaded.predict(inputs) as tf.Tensor;
    expect(maxAbsDiff(a, b)).toBe(0);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
  });
});
