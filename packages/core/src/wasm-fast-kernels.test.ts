import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError } from './errors';
import { threadsFromEnvironment } from './fast-kernels-runtime';
import { Rng } from './random';
import { setStockConvRouting, setWasmKernelThreads, setWasmKernelVariant, stockConvPreferred, stopWasmKernelThreads, wasmKernelInfo, WASM_FAST_KERNELS } from './wasm-fast-kernels';
import { registerWasmTrainingKernels } from './wasm-kernels';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
}

const convCases: ConvCase[] = [];
{
  const rng = new Rng('fast-conv-shapes');
  const channels = [1, 2, 3, 5, 8, 64];
  const pads: Pad[] = ['same', 'valid', [[0, 0], [1, 2], [0, 1], [0, 0]]];
  for (let i = 0; i < 24; i++) {
    const fh = 1 + rng.int(4);
    const fw = 1 + rng.int(4);
    const stride = (1 + rng.int(2)) as 1 | 2;
    const dilation = stride === 1 && i % 5 === 0 ? 2 : 1;
    convCases.push({
      x: [1 + rng.int(3), fh * dilation + rng.int(9), fw * dilation + rng.int(9), channels[rng.int(channels.length)]!],
      filter: [fh, fw, 0, channels[rng.int(channels.length)]!],
      strides: [stride, stride === 2 && i % 3 === 0 ? 1 : stride],
      dilations: [dilation, dilation],
      pad: pads[i % pads.length]!,
    });
  }
  // The DCGAN layers at batch 2 and a pointwise conv.
  convCases.push({ x: [2, 28, 28, 1], filter: [4, 4, 1, 64], strides: [2, 2], dilations: [1, 1], pad: 'same' });
  convCases.push({ x: [2, 14, 14, 64], filter: [4, 4, 64, 128], strides: [2, 2], dilations: [1, 1], pad: 'same' });
  convCases.push({ x: [2, 7, 7, 128], filter: [1, 1, 128, 9], strides: [1, 1], dilations: [1, 1], pad: 'valid' });
  for (const c of convCases) c.filter[2] = c.x[3];
}

interface MatMulCase {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

const matMulCases: MatMulCase[] = [];
{
  const rng = new Rng('fast-matmul-shapes');
  for (let i = 0; i < 16; i++) {
    const [m, k, n] = [1 + rng.int(40), 1 + rng.int(70), 1 + rng.int(40)];
    const transposeA = i % 2 === 1;
    const transposeB = i % 4 >= 2;
    const batch = i % 3 === 0 ? [] : i % 3 === 1 ? [3] : [2];
    const batchB = i % 5 === 0 && batch.length > 0 ? [1] : batch;
    matMulCases.push({ a: [...batch, ...(transposeA ? [k, m] : [m, k])], b: [...batchB, ...(transposeB ? [n, k] : [k, n])], transposeA, transposeB });
  }
  // The DCGAN dense layer and its weight gradient (x^T dy).
  matMulCases.push({ a: [64, 100], b: [100, 6272], transposeA: false, transposeB: false });
  matMulCases.push({ a: [64, 100], b: [64, 6272], transposeA: true, transposeB: false });
  matMulCases.push({ a: [64, 6272], b: [100, 6272], transposeA: false, transposeB: true });
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

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** conv2d (plain and fused), its two gradients and conv2dTranspose, as arrays. */
function convResults(c: ConvCase, rng: Rng): Record<string, Float32Array> {
  return tf.tidy(() => {
    const x = tf.tensor4d(rng.normalArray(size(c.x)), c.x);
    const filter = tf.tensor4d(rng.normalArray(size(c.filter)), c.filter);
    const y = tf.conv2d(x, filter, c.strides, c.pad, 'NHWC', c.dilations);
    const bias = tf.tensor1d(rng.normalArray(c.filter[3]));
    const fused = tf.fused.conv2d({ x, filter, strides: c.strides, pad: c.pad, dilations: c.dilations, bias, activation: 'leakyrelu', leakyreluAlpha: 0.2 });
    const fusedRelu = tf.fused.conv2d({ x, filter, strides: c.strides, pad: c.pad, dilations: c.dilations, bias, activation: 'relu' });
    const out: Record<string, Float32Array> = { y: y.dataSync() as Float32Array, fused: fused.dataSync() as Float32Array, fusedRelu: fusedRelu.dataSync() as Float32Array };
    if (c.dilations[0] === 1) {
      const dy = tf.tensor4d(rng.normalArray(size(y.shape)), y.shape as [number, number, number, number]);
      out.dx = tf.conv2dTranspose(dy, filter, x.shape, c.strides, c.pad).dataSync() as Float32Array;
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
      const dfilter = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      out.dfilter = dfilter.dataSync() as Float32Array;
    }
    return out;
  });
}

function matMulResults(c: MatMulCase, rng: Rng): Record<string, Float32Array> {
  return tf.tidy(() => {
    const a = tf.tensor(rng.normalArray(size(c.a)), c.a);
    const b = tf.tensor(rng.normalArray(size(c.b)), c.b);
    const product = tf.matMul(a, b, c.transposeA, c.transposeB);
    const columns = product.shape[product.rank - 1]!;
    const bias = tf.tensor1d(rng.normalArray(columns));
    const fused = tf.fused.matMul({ a, b, transposeA: c.transposeA, transposeB: c.transposeB, bias, activation: 'relu' });
    return { product: product.dataSync() as Float32Array, fused: fused.dataSync() as Float32Array };
  });
}

const tileCases: [number[], number[]][] = [
  [[1, 1, 1, 5], [3, 2, 4, 1]],
  [[2, 3], [1, 4]],
  [[2, 1, 3], [2, 3, 2]],
  [[4], [3]],
  [[3, 2], [1, 1]],
];

function tileResults(shape: number[], reps: number[], rng: Rng): Record<string, Float32Array> {
  return tf.tidy(() => {
    const values = rng.normalArray(size(shape));
    const tiled = (t: tf.Tensor) => Float32Array.from(tf.tile(t, reps).dataSync());
    return {
      float32: tiled(tf.tensor(values, shape)),
      int32: tiled(tf.tensor(values.map((v) => Math.round(v * 10)), shape, 'int32')),
      bool: tiled(tf.tensor(values.map((v) => (v > 0 ? 1 : 0)), shape, 'bool')),
    };
  });
}

const run = (seed: number) => [
  ...convCases.map((c, i) => ({ name: `conv ${JSON.stringify(c)}`, values: convResults(c, new Rng(seed + i)) })),
  ...matMulCases.map((c, i) => ({ name: `matMul ${JSON.stringify(c)}`, values: matMulResults(c, new Rng(seed + 1000 + i)) })),
  ...tileCases.map(([shape, reps], i) => ({ name: `tile ${shape} by ${reps}`, values: tileResults(shape, reps, new Rng(seed + 2000 + i)) })),
];
let expected: ReturnType<typeof run> | undefined;

/** Runs every case on cpu (once) and on wasm (fast kernels) and returns the worst relative error. */
async function compareWithCpu(): Promise<number> {
  let worst = 0;
  if (expected === undefined) {
    await tf.setBackend('cpu');
    expected = run(5);
  }
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const actual = run(5);
  expect(tf.memory().numTensors).toBe(before);
  for (let i = 0; i < expected.length; i++) {
    for (const key of Object.keys(expected[i]!.values)) {
      const error = relativeError(actual[i]!.values[key]!, expected![i]!.values[key]!);
      expect(error, `${key} of ${expected![i]!.name}`).toBeLessThan(1e-4);
      worst = Math.max(worst, error);
    }
  }
  return worst;
}

describe('fast wasm kernels', () => {
  beforeAll(async () => {
    registerWasmTrainingKernels();
    setWasmKernelVariant('fast');
  });
  afterAll(async () => {
    setWasmKernelThreads(1);
    stopWasmKernelThreads();
    await tf.setBackend('cpu');
  });

  it('are in effect by default on wasm and report themselves', () => {
    const info = wasmKernelInfo();
    expect(info.variant).toBe('fast');
    expect(info.requested).toBe('fast');
    expect(info.kernels).toEqual([...WASM_FAST_KERNELS]);
  });

  for (const threads of [1, 2]) {
    it(`match the cpu backend to 1e-4 with ${threads} thread(s) over ${convCases.length} conv, ${matMulCases.length} matmul and ${tileCases.length} tile shapes`, async () => {
      setWasmKernelThreads(threads);
      expect(wasmKernelInfo().threads).toBe(threads);
      setStockConvRouting(false); // every conv through the GEMM path
      try {
        const worst = await compareWithCpu();
        expect(worst).toBeGreaterThan(0); // computed twice, by different code
      } finally {
        setStockConvRouting(true);
      }
    });
  }

  it('send stride-1 convs and convs with under 8 outputs to the stock kernels, and still match the cpu backend', async () => {
    const g = (filterHeight: number, filterWidth: number, stride: number, outChannels: number) => ({ filterHeight, filterWidth, strideHeight: stride, strideWidth: stride, outChannels });
    // Stride 1 (SNGAN's 3x3, PixelCNN's 2x3 and 1x1): forward and input gradient on XNNPACK, filter gradient on the GEMM.
    for (const [fh, fw] of [[3, 3], [2, 3], [1, 2], [1, 1]] as const) {
      expect(stockConvPreferred('forward', g(fh, fw, 1, 64))).toBe(true);
      expect(stockConvPreferred('backpropInput', g(fh, fw, 1, 64))).toBe(true);
      expect(stockConvPreferred('backpropFilter', g(fh, fw, 1, 64))).toBe(false);
    }
    // Under 8 outputs (SNGAN's 64 -> 3 conv): forward and filter gradient on XNNPACK / the lowered gradient.
    expect(stockConvPreferred('forward', g(4, 4, 2, 3))).toBe(true);
    expect(stockConvPreferred('backpropFilter', g(3, 3, 1, 3))).toBe(true);
    // DCGAN's 4x4 stride-2 layers keep the fast kernels, G's last convT (1 channel out of the transpose) too.
    for (const kernel of ['forward', 'backpropInput', 'backpropFilter'] as const) expect(stockConvPreferred(kernel, g(4, 4, 2, 64))).toBe(false);
    expect(stockConvPreferred('backpropInput', g(4, 4, 2, 1))).toBe(false);
    setWasmKernelThreads(1);
    expect(await compareWithCpu()).toBeGreaterThan(0);
  });

  it('switch to the lowered kernels and back in one run', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 8, 8, 3]) as tf.Tensor4D;
    const filter = tf.randomNormal([3, 3, 3, 8]) as tf.Tensor4D; // 8 outputs, stride 2: the fast kernel's case
    const fast = tf.conv2d(x, filter, 2, 'same');
    setWasmKernelVariant('lowered');
    expect(wasmKernelInfo()).toMatchObject({ variant: 'lowered', requested: 'lowered', threads: 1 });
    const lowered = tf.conv2d(x, filter, 2, 'same');
    setWasmKernelVariant('fast');
    expect(wasmKernelInfo().variant).toBe('fast');
    expect(relativeError(fast.dataSync() as Float32Array, lowered.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([x, filter, fast, lowered]);
  });

  it('fall back to the previous kernel for layouts they do not handle (NCHW errors as before)', async () => {
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 4, 4, 2]);
    const dy = tf.zeros([1, 4, 4, 2]);
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] })).toThrow(/dataFormat: expected "NHWC"/);
    tf.dispose([x, dy]);
  });

  it('reject bad arguments', () => {
    expect(() => setWasmKernelVariant('quick' as 'fast')).toThrow(ArgumentError);
    expect(() => setWasmKernelVariant('quick' as 'fast')).toThrow(/variant: expected "fast" or "lowered", got "quick"/);
    expect(() => setWasmKernelThreads(0)).toThrow(/threads: expected an integer from 1 to 16, got 0/);
    expect(() => setWasmKernelThreads(1.5)).toThrow(ArgumentError);
    const saved = process.env.TFGEN_WASM_THREADS;
    try {
      process.env.TFGEN_WASM_THREADS = 'two';
      expect(() => threadsFromEnvironment()).toThrow(/TFGEN_WASM_THREADS: expected an integer from 1 to 16, got "two"/);
      process.env.TFGEN_WASM_THREADS = '3';
      expect(threadsFromEnvironment()).toBe(3);
      delete process.env.TFGEN_WASM_THREADS;
      expect(threadsFromEnvironment()).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.TFGEN_WASM_THREADS;
      else process.env.TFGEN_WASM_THREADS = saved;
    }
  });
});
