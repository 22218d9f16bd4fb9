import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from './random';
import { registerSecondOrderGradients } from './second-order-gradients';
import { registerWasmTrainingKernels, unregisterWasmTrainingKernels, wasmTrainingKernelsRegistered } from './wasm-kernels';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strides: [number, number];
  pad: Pad;
}

const cases: Case[] = [];
{
  const rng = new Rng('wasm-kernel-shapes');
  const pads: Pad[] = ['same', 'valid', [[0, 0], [1, 2], [0, 1], [0, 0]], [[0, 0], [2, 0], [1, 1], [0, 0]]];
  for (const strides of [[1, 1], [2, 2], [3, 3], [2, 1], [1, 3]] as [number, number][]) {
    for (const pad of pads) {
      for (let repeat = 0; repeat < 2; repeat++) {
        const filterHeight = 1 + rng.int(5);
        const filterWidth = 1 + rng.int(5);
        cases.push({
          batch: 1 + rng.int(3),
          height: filterHeight + rng.int(8),
          width: filterWidth + rng.int(8),
          inChannels: 1 + rng.int(4),
          outChannels: 1 + rng.int(4),
          filterHeight,
          filterWidth,
          strides,
          pad,
        });
      }
    }
  }
  // The DCGAN shapes: 4x4 kernels, stride 2, 'same', odd and even sizes.
  cases.push({ batch: 2, height: 28, width: 28, inChannels: 1, outChannels: 8, filterHeight: 4, filterWidth: 4, strides: [2, 2], pad: 'same' });
  cases.push({ batch: 2, height: 7, width: 7, inChannels: 8, outChannels: 4, filterHeight: 4, filterWidth: 4, strides: [2, 2], pad: 'same' });
  cases.push({ batch: 3, height: 9, width: 11, inChannels: 2, outChannels: 3, filterHeight: 5, filterWidth: 5, strides: [2, 2], pad: 'same' });
}

function describeCase(c: Case): string {
  return `x [${c.batch},${c.height},${c.width},${c.inChannels}] f [${c.filterHeight},${c.filterWidth},${c.inChannels},${c.outChannels}] s ${c.strides} pad ${JSON.stringify(c.pad)}`;
}

/** The conv gradients and conv2dTranspose (+ its gradients) on the current backend, as plain arrays. */
function convGradients(c: Case, data: { x: Float32Array; filter: Float32Array; dy: Float32Array | null; seed: number }) {
  return tf.tidy(() => {
    const x = tf.tensor4d(data.x, [c.batch, c.height, c.width, c.inChannels]);
    const filter = tf.tensor4d(data.filter, [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels]);
    const outShape = tf.conv2d(x, filter, c.strides, c.pad).shape;
    const dyValues = data.dy ?? new Rng(data.seed).normalArray(outShape.reduce((a, b) => a * b, 1));
    const dy = tf.tensor4d(dyValues, outShape);
    const [dx, dfilter] = tf.grads((input: tf.Tensor, kernel: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, c.strides, c.pad), dy)),
    )([x, filter]);
    // conv2dTranspose maps dy-shaped tensors back to x's shape; its gradients use the filter kernel too.
    const transposed = tf.conv2dTranspose(dy, filter, x.shape, c.strides, c.pad);
    const [ddy, dfilterT] = tf.grads((input: tf.Tensor, kernel: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2dTranspose(input as tf.Tensor4D, kernel as tf.Tensor4D, x.shape, c.strides, c.pad), x)),
    )([dy, filter]);
    return {
      dy: dyValues,
      dx: dx!.dataSync() as Float32Array,
      dfilter: dfilter!.dataSync() as Float32Array,
      transposed: transposed.dataSync() as Float32Array,
      ddy: ddy!.dataSync() as Float32Array,
      dfilterT: dfilterT!.dataSync() as Float32Array,
    };
  });
}

/** max |a - b| / max |b|: the error relative to the reference's scale. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

describe('wasm training kernels', () => {
  beforeAll(async () => {
    registerWasmTrainingKernels();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('wasm lacks Conv2DBackpropFilter until registered, and registering twice is harmless', () => {
    expect(wasmTrainingKernelsRegistered()).toBe(true);
    expect(registerWasmTrainingKernels()).toContain('Conv2DBackpropFilter');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    unregisterWasmTrainingKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBeDefined(); // the stock one is back
    registerWasmTrainingKernels();
  });

  it(`conv gradients and conv2dTranspose match the cpu backend to 1e-5 over ${cases.length} shapes`, async () => {
    const rng = new Rng(7);
    const inputs = cases.map((c) => ({
      x: rng.normalArray(c.batch * c.height * c.width * c.inChannels),
      filter: rng.normalArray(c.filterHeight * c.filterWidth * c.inChannels * c.outChannels),
      dy: null,
      seed: rng.nextUint32(),
    }));
    await tf.setBackend('cpu');
    const expected = cases.map((c, i) => convGradients(c, inputs[i]!));
    await tf.setBackend('wasm');
    let worst = 0;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const before = tf.memory().numTensors;
      const actual = convGradients(c, { ...inputs[i]!, dy: expected[i]!.dy });
      expect(tf.memory().numTensors, `leak in ${describeCase(c)}`).toBe(before);
      for (const key of ['dx', 'dfilter', 'transposed', 'ddy', 'dfilterT'] as const) {
        const error = relativeError(actual[key], expected[i]![key]);
        worst = Math.max(worst, error);
        expect(error, `${key} for ${describeCase(c)}`).toBeLessThan(1e-5);
      }
    }
    expect(worst).toBeGreaterThan(0); // really computed on two backends (not an identical path)
  });

  it('the kernels leave no tensors behind when called directly', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
    const dy = tf.randomNormal([2, 5, 5, 4]) as tf.Tensor4D;
    const filter = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const dataBefore = tf.engine().backend.numDataIds();
    const dfilter = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] }) as tf.Tensor;
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 9, 3] }) as tf.Tensor;
    expect(dfilter.shape).toEqual([3, 3, 3, 4]);
    expect(dx.shape).toEqual([2, 9, 9, 3]);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(tf.engine().backend.numDataIds()).toBe(dataBefore + 2);
    tf.dispose([dfilter, dx, x, dy, filter]);
  });

  it('UnsortedSegmentSum (the gradient of gather) matches a direct sum', async () => {
    await tf.setBackend('wasm');
    const table = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const indices = tf.tensor1d([3, 0, 3, 1, 3], 'int32');
    const weights = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2]);
    const before = tf.memory().numTensors;
    const gradient = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices), weights)))(table);
    // Row r of the gradient is the sum of weights rows whose index is r.
    expect(Array.from(gradient.dataSync())).toEqual([3, 4, 7, 8, 0, 0, 1 + 5 + 9, 2 + 6 + 10]);
    const values = tf.tensor1d([1, 2, 3, 4], 'int32');
    const ids = tf.tensor1d([1, 1, 0, 2], 'int32');
    const sums = tf.unsortedSegmentSum(values, ids, 3);
    expect(sums.dtype).toBe('int32');
    expect(Array.from(sums.dataSync())).toEqual([3, 3, 4]);
    tf.dispose([gradient, sums, values, ids]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([table, indices, weights]);
  });

  it('rejects a layout it cannot lower with a clear error', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 4, 4, 2]);
    const dy = tf.zeros([1, 4, 4, 2]);
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] }),
    ).toThrow(/dataFormat: expected "NHWC"/);
    tf.dispose([x, dy]);
  });
});

describe('wasm forward conv with same padding', () => {
  it('matches cpu when the stride exceeds the filter (stock wasm returns zeros there)', async () => {
    registerWasmTrainingKernels();
    const rng = new Rng(11);
    const shapes: [number[], number[], number][] = [
      [[1, 3, 6, 2], [2, 1], 3],
      [[2, 6, 6, 3], [2, 2], 3],
      [[1, 7, 5, 2], [1, 1], 2],
      [[1, 9, 9, 2], [3, 3], 2],
    ];
    for (const [xShape, [fh, fw], stride] of shapes) {
      const xValues = rng.normalArray(xShape.reduce((a, b) => a * b, 1));
      const filterValues = rng.normalArray(fh! * fw! * xShape[3]! * 2);
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor4d(xValues, xShape as [number, number, number, number]);
          const filter = tf.tensor4d(filterValues, [fh!, fw!, xShape[3]!, 2]);
          const depthFilter = tf.tensor4d(filterValues, [fh!, fw!, xShape[3]!, 2]);
          const bias = tf.tensor1d([0.5, -0.25]);
          return [
            tf.conv2d(x, filter, stride, 'same'),
            tf.fused.conv2d({ x, filter, strides: stride, pad: 'same', bias, activation: 'relu' }),
            tf.depthwiseConv2d(x, depthFilter, stride, 'same'),
          ].map((t) => t.dataSync() as Float32Array);
        });
      await tf.setBackend('cpu');
      const expected = run();
      await tf.setBackend('wasm');
      const actual = run();
      for (let k = 0; k < expected.length; k++) {
        expect(relativeError(actual[k]!, expected[k]!), `op ${k} for x ${xShape} filter ${fh}x${fw} stride ${stride}`).toBeLessThan(1e-5);
      }
    }
    await tf.setBackend('cpu');
  });
});

describe('stock wasm gradient kernels that training uses', () => {
  it('pooling, resize, batch-norm and activation gradients match the cpu backend', async () => {
    registerWasmTrainingKernels();
    const rng = new Rng(21);
    type Op = (t: tf.Tensor4D) => tf.Tensor;
    const ops: [string, number[], Op][] = [
      ['maxPool 2 s2 valid', [2, 6, 6, 3], (t) => tf.maxPool(t, 2, 2, 'valid')],
      ['maxPool 3 s2 same', [2, 7, 7, 2], (t) => tf.maxPool(t, 3, 2, 'same')],
      ['maxPool 2 s3 same', [1, 7, 8, 2], (t) => tf.maxPool(t, 2, 3, 'same')],
      ['avgPool 2 s2 valid', [2, 6, 6, 3], (t) => tf.avgPool(t, 2, 2, 'valid')],
      ['avgPool 3 s2 same', [2, 7, 7, 2], (t) => tf.avgPool(t, 3, 2, 'same')],
      ['avgPool 2 s3 same', [1, 7, 8, 2], (t) => tf.avgPool(t, 2, 3, 'same')],
      ['resizeNearestNeighbor x2', [2, 4, 5, 3], (t) => tf.image.resizeNearestNeighbor(t, [8, 10])],
      ['resizeBilinear', [2, 4, 5, 3], (t) => tf.image.resizeBilinear(t, [7, 9])],
      ['batchNorm + leakyRelu + elu + selu + tanh', [2, 3, 3, 4], (t) => {
        const { mean, variance } = tf.moments(t, [0, 1, 2]);
        // (tfjs' batchNorm gradient needs a scale: without one it crashes while saving inputs.)
        const normalized = tf.batchNorm(t, mean, variance, tf.fill([4], 0.1), tf.fill([4], 1.5), 1e-3);
        return tf.add(tf.add(tf.leakyRelu(normalized, 0.2), tf.elu(normalized)), tf.add(tf.selu(normalized), tf.tanh(normalized)));
      }],
    ];
    for (const [name, shape, op] of ops) {
      const xValues = rng.normalArray(shape.reduce((a, b) => a * b, 1));
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor4d(xValues, shape as [number, number, number, number]);
          const y = op(x);
          const weights = tf.tensor(new Rng(name).normalArray(y.size), y.shape);
          return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t as tf.Tensor4D), weights)))(x).dataSync() as Float32Array;
        });
      await tf.setBackend('cpu');
      const expected = run();
      await tf.setBackend('wasm');
      const actual = run();
      expect(relativeError(actual, expected), name).toBeLessThan(1e-5);
    }
    await tf.setBackend('cpu');
  });
});

describe('wasm depthwise conv gradients', () => {
  it('match the cpu backend to 1e-5 (missing on stock wasm)', async () => {
    registerWasmTrainingKernels();
    const rng = new Rng(31);
    const shapes: [number[], number[], number, 'same' | 'valid'][] = [
      [[2, 7, 7, 3], [3, 3, 3, 2], 1, 'same'],
      [[2, 8, 8, 2], [4, 4, 2, 1], 2, 'same'],
      [[1, 9, 7, 4], [3, 2, 4, 3], 2, 'valid'],
      [[2, 6, 6, 2], [2, 2, 2, 2], 3, 'same'],
    ];
    for (const [xShape, filterShape, stride, pad] of shapes) {
      const xValues = rng.normalArray(xShape.reduce((a, b) => a * b, 1));
      const filterValues = rng.normalArray(filterShape.reduce((a, b) => a * b, 1));
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor4d(xValues, xShape as [number, number, number, number]);
          const filter = tf.tensor4d(filterValues, filterShape as [number, number, number, number]);
          const y = tf.depthwiseConv2d(x, filter, stride, pad);
          const dy = tf.tensor(new Rng(JSON.stringify(xShape)).normalArray(y.size), y.shape);
          const [dx, dfilter] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), dy)))([x, filter]);
          return [dx!.dataSync() as Float32Array, dfilter!.dataSync() as Float32Array];
        });
      await tf.setBackend('cpu');
      const expected = run();
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const actual = run();
      expect(tf.memory().numTensors).toBe(before);
      expect(relativeError(actual[0]!, expected[0]!), `dx for ${xShape} ${filterShape} s${stride} ${pad}`).toBeLessThan(1e-5);
      expect(relativeError(actual[1]!, expected[1]!), `dfilter for ${xShape} ${filterShape} s${stride} ${pad}`).toBeLessThan(1e-5);
    }
    await tf.setBackend('cpu');
  });
});

describe('gradient penalties on wasm', () => {
  it('give the cpu penalty gradients through conv, ELU, max pooling, LeakyReLU, avg pooling and tanh', async () => {
    registerWasmTrainingKernels();
    registerSecondOrderGradients();
    const rng = new Rng(41);
    const xValues = rng.normalArray(2 * 8 * 8 * 2);
    const filterValues = rng.normalArray(3 * 3 * 2 * 4);
    const denseValues = rng.normalArray(2 * 2 * 4);
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xValues, [2, 8, 8, 2]);
        const filter = tf.variable(tf.tensor4d(filterValues, [3, 3, 2, 4]));
        const dense = tf.tensor2d(denseValues, [16, 1]);
        const critic = (input: tf.Tensor) => {
          const h = tf.elu(tf.conv2d(input as tf.Tensor4D, filter, 1, 'same')); // all-negative max-pool windows occur
          const pooled = tf.tanh(tf.avgPool(tf.leakyRelu(tf.maxPool(h, 2, 2, 'valid'), 0.2), 2, 2, 'valid'));
          return tf.matMul(tf.reshape(pooled, [2, 16]), dense);
        };
        const penalty = (input: tf.Tensor) => tf.sum(tf.square(tf.grad((z: tf.Tensor) => tf.sum(critic(z)))(input)));
        const inputGradient = tf.grad(penalty)(x);
        const { value, grads } = tf.variableGrads(() => penalty(x) as tf.Scalar, [filter]);
        const out = [value.dataSync().slice(), inputGradient.dataSync().slice(), grads[filter.name]!.dataSync().slice()] as Float32Array[];
        filter.dispose();
        return out;
      });
    await tf.setBackend('cpu');
    const expected = run();
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const actual = run();
    expect(tf.memory().numTensors).toBe(before);
    for (let k = 0; k < 3; k++) expect(relativeError(actual[k]!, expected[k]!), ['penalty', 'input gradient', 'filter gradient'][k]).toBeLessThan(1e-4);
    await tf.setBackend('cpu');
  });
});
