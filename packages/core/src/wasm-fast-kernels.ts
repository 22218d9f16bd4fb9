import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from './errors';
import { fastConv2d, fastConv2dBackpropFilter, fastConv2dBackpropInput, fastGemm, type ConvGeometry, type FastActivation } from './fast-conv';
import { availableThreads, FastKernelsRuntime, threadsFromEnvironment } from './fast-kernels-runtime';
import { FAST_ACTIVATIONS } from './fast-kernels-runtime';

/** Which implementation tfgen's conv and matmul kernels use on the `wasm` backend. */
export type WasmKernelVariant = 'fast' | 'lowered';

/** What {@link wasmKernelInfo} reports. */
export interface WasmKernelInfo {
  /** The variant in effect now ('lowered' when 'fast' was asked for but cannot run here). */
  variant: WasmKernelVariant;
  /** The variant asked for with {@link setWasmKernelVariant} (default 'fast'). */
  requested: WasmKernelVariant;
  /** Threads the fast kernels use (1 for 'lowered': tfjs-wasm is single-threaded in Node). */
  threads: number;
  /** Kernel names that the variant in effect provides on 'wasm'. */
  kernels: string[];
  /** Why 'fast' is not in effect, when it was asked for and is not. */
  reason?: string;
}

/** Kernels the fast variant replaces on the wasm backend. */
export const WASM_FAST_KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul', '_FusedMatMul', 'Tile'] as const;

type KernelArgs = Parameters<tf.KernelFunc>[0];
interface WasmBackendLike {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId): boolean;
}

let requested: WasmKernelVariant = 'fast';
let requestedThreads: number | undefined;
let trainingKernelsActive = false;
let runtime: FastKernelsRuntime | undefined;
let runtimeError: string | undefined;
const replaced = new Map<string, tf.KernelConfig | undefined>();

function getRuntime(): FastKernelsRuntime | undefined {
  if (runtime !== undefined || runtimeError !== undefined) return runtime;
  try {
    const created = new FastKernelsRuntime();
    created.setThreads(requestedThreads ?? threadsFromEnvironment() ?? Math.min(2, availableThreads()));
    runtime = created;
  } catch (error) {
    runtimeError = error instanceof Error ? error.message : String(error);
  }
  return runtime;
}

function geometry(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    batchSize: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/** Copies the inputs into the fast kernels' memory, runs `compute` (which returns the result's offset) and copies the result out. */
function runOnRuntime(backend: WasmBackendLike, rt: FastKernelsRuntime, inputs: tf.TensorInfo[], outShape: number[], compute: (offsets: number[]) => number): tf.TensorInfo {
  const out = backend.makeOutput(outShape, 'float32');
  const size = tf.util.sizeFromShape(outShape);
  if (size === 0) return out;
  rt.reset();
  try {
    const offsets = inputs.map((input) => rt.put(backend.typedArrayFromHeap(input)));
    const result = compute(offsets);
    backend.typedArrayFromHeap(out).set(rt.view(result, size));
  } catch (error) {
    backend.disposeData(out.dataId);
    throw error;
  } finally {
    rt.reset();
  }
  return out;
}

const channelsLast = (dataFormat: unknown) => dataFormat === undefined || dataFormat === 'NHWC' || dataFormat === 'channelsLast';
const allFloat = (...infos: (tf.TensorInfo | undefined)[]) => infos.every((info) => info === undefined || info.dtype === 'float32');

function fusedActivation(activation: unknown): FastActivation | undefined {
  const name = activation === undefined || activation === null ? 'linear' : String(activation);
  return name in FAST_ACTIVATIONS ? (name as FastActivation) : undefined;
}

type FastKernel = (args: KernelArgs, rt: FastKernelsRuntime) => tf.TensorInfo | undefined;

let stockConvRouting = true;

/** Test hook: false sends every conv the fast kernels handle to them (to test the GEMM path on all shapes). */
export function setStockConvRouting(enabled: boolean): void {
  stockConvRouting = enabled;
}

/** The parts of a conv's geometry that decide which kernel is faster. */
export type ConvRoutingGeometry = Pick<ConvGeometry, 'filterHeight' | 'filterWidth' | 'strideHeight' | 'strideWidth' | 'outChannels'>;

/**
 * Whether a conv goes to the kernel the fast one replaced (XNNPACK's conv, or the lowered
 * gradients built on it) because that one needs less CPU (bench/conv-routing.ts,
 * docs/results/core-fast-kernels.md): the forward conv and the input gradient of stride-1 convs
 * (XNNPACK's indirect conv reads the input in place; im2col copies it once per tap, and even
 * pointwise convs ran 1.7x faster there), and the forward conv and filter gradient of convs with
 * fewer than 8 output channels (the GEMM's panels are 8 columns wide). Strided convs' input
 * gradients and all other filter gradients stay on the fast kernels, which beat the lowered ones.
 */
export function stockConvPreferred(kernel: 'forward' | 'backpropInput' | 'backpropFilter', g: ConvRoutingGeometry): boolean {
  const strideOne = g.strideHeight === 1 && g.strideWidth === 1;
  const fewOutputs = g.outChannels < 8;
  if (kernel === 'forward') return strideOne || fewOutputs;
  if (kernel === 'backpropInput') return strideOne;
  return fewOutputs;
}

function conv2dKernel(fused: boolean): FastKernel {
  return ({ inputs, backend, attrs }, rt) => {
    const { x, filter, bias, preluActivationWeights } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode, activation, leakyreluAlpha } = attrs as unknown as tf.FusedConv2DAttrs;
    if (!channelsLast(dataFormat) || !allFloat(x, filter, bias) || preluActivationWeights !== undefined && preluActivationWeights !== null) return undefined;
    const act = fused ? fusedActivation(activation) : 'linear';
    if (act === undefined) return undefined;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations ?? 1, pad, dimRoundingMode, false, 'channelsLast');
    if (bias !== undefined && bias !== null && !(tf.util.sizeFromShape(bias.shape) === info.outChannels && bias.shape.length <= 1)) return undefined;
    if (stockConvRouting && stockConvPreferred('forward', info)) return undefined;
    const hasBias = bias !== undefined && bias !== null;
    const tensors = hasBias ? [x, filter, bias] : [x, filter];
    return runOnRuntime(backend as unknown as WasmBackendLike, rt, tensors, info.outShape, ([xo, fo, bo]) =>
      fastConv2d(rt, geometry(info), xo!, fo!, { bias: bo ?? 0, activation: act, leakyreluAlpha: leakyreluAlpha ?? 0 }),
    );
  };
}

const conv2dBackpropInputKernel: FastKernel = ({ inputs, backend, attrs }, rt) => {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  if (!channelsLast(dataFormat) || !allFloat(dy, filter)) return undefined;
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  if (stockConvRouting && stockConvPreferred('backpropInput', info)) return undefined;
  return runOnRuntime(backend as unknown as WasmBackendLike, rt, [dy, filter], [...inputShape], ([dyo, fo]) => fastConv2dBackpropInput(rt, geometry(info), dyo!, fo!));
};

const conv2dBackpropFilterKernel: FastKernel = ({ inputs, backend, attrs }, rt) => {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (!channelsLast(dataFormat) || !allFloat(x, dy)) return undefined;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  if (stockConvRouting && stockConvPreferred('backpropFilter', info)) return undefined;
  return runOnRuntime(backend as unknown as WasmBackendLike, rt, [x, dy], [...filterShape], ([xo, dyo]) => fastConv2dBackpropFilter(rt, geometry(info), xo!, dyo!));
};

function matMulKernel(fused: boolean): FastKernel {
  return ({ inputs, backend, attrs }, rt) => {
    const { a, b, bias, preluActivationWeights } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { transposeA, transposeB, activation, leakyreluAlpha } = attrs as unknown as tf.BatchMatMulAttrs & { activation?: string; leakyreluAlpha?: number };
    if (!allFloat(a, b, bias) || (preluActivationWeights !== undefined && preluActivationWeights !== null) || a.shape.length < 2 || b.shape.length < 2) return undefined;
    const act = fused ? fusedActivation(activation) : 'linear';
    if (act === undefined) return undefined;
    const aRank = a.shape.length;
    const bRank = b.shape.length;
    const rows = transposeA ? a.shape[aRank - 1]! : a.shape[aRank - 2]!;
    const depth = transposeA ? a.shape[aRank - 2]! : a.shape[aRank - 1]!;
    const columns = transposeB ? b.shape[bRank - 2]! : b.shape[bRank - 1]!;
    const depthB = transposeB ? b.shape[bRank - 1]! : b.shape[bRank - 2]!;
    if (depth !== depthB) return undefined; // let the previous kernel raise its error
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    let batchShape: number[];
    try {
      batchShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    } catch {
      return undefined;
    }
    const batch = tf.util.sizeFromShape(batchShape);
    if (!((batchA === batch || batchA === 1) && (batchB === batch || batchB === 1))) return undefined; // partial broadcasts: previous kernel
    const hasBias = bias !== undefined && bias !== null;
    if (hasBias && !(tf.util.sizeFromShape(bias.shape) === columns && bias.shape.length <= 1)) return undefined;
    const tensors = hasBias ? [a, b, bias] : [a, b];
    return runOnRuntime(backend as unknown as WasmBackendLike, rt, tensors, [...batchShape, rows, columns], ([ao, bo, biasOffset]) => {
      const out = rt.alloc(batch * rows * columns);
      const options = { bias: biasOffset ?? 0, activation: act, leakyreluAlpha: leakyreluAlpha ?? 0 };
      const aStrides = transposeA ? { rowStride: 1, colStride: rows } : { rowStride: depth, colStride: 1 };
      const bOperand = (index: number) => ({ offset: bo! + 4 * index * depth * columns, ...(transposeB ? { rowStride: 1, colStride: depth } : { rowStride: columns, colStride: 1 }) });
      if (batchB === 1 && !transposeA) {
        // One shared right matrix: all batches are one tall product.
        fastGemm(rt, batch * rows, columns, depth, { offset: ao!, ...aStrides }, bOperand(0), out, columns, options);
        return out;
      }
      for (let index = 0; index < batch; index++) {
        const aOffset = ao! + (batchA === 1 ? 0 : 4 * index * rows * depth);
        fastGemm(rt, rows, columns, depth, { offset: aOffset, ...aStrides }, bOperand(batchB === 1 ? 0 : index), out + 4 * index * rows * columns, columns, options);
      }
      return out;
    });
  };
}

type HeapArray = Float32Array | Int32Array | Uint8Array;

/**
 * Tile as block copies, axis by axis from the innermost (the stock wasm Tile walks the output
 * element by element: ~40 ms for a [1,1,1,64] -> [64,14,14,64] tile in batch-norm gradients).
 */
const tileKernel: FastKernel = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: tf.TensorInfo };
  const { reps } = attrs as unknown as tf.TileAttrs;
  if (x.dtype === 'string' || x.dtype === 'complex64' || reps.length !== x.shape.length) return undefined;
  const wasm = backend as unknown as WasmBackendLike;
  const outShape = x.shape.map((d, i) => d * reps[i]!);
  const out = wasm.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const source = wasm.typedArrayFromHeap(x) as HeapArray;
  let current: HeapArray = source;
  const shape = [...x.shape];
  const make = (n: number): HeapArray => (source instanceof Float32Array ? new Float32Array(n) : source instanceof Int32Array ? new Int32Array(n) : new Uint8Array(n));
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const times = reps[axis]!;
    if (times === 1) continue;
    const outer = tf.util.sizeFromShape(shape.slice(0, axis));
    const block = tf.util.sizeFromShape(shape.slice(axis));
    const next = make(outer * block * times);
    for (let o = 0; o < outer; o++) {
      const start = o * times * block;
      next.set(current.subarray(o * block, (o + 1) * block) as never, start);
      // Double the filled run each time: log2(times) copies instead of `times`.
      for (let filled = 1; filled < times; filled *= 2) next.copyWithin(start + filled * block, start, start + Math.min(filled, times - filled) * block);
    }
    shape[axis] = shape[axis]! * times;
    current = next;
  }
  (wasm.typedArrayFromHeap(out) as HeapArray).set(current as never);
  return out;
};

const fastKernels: Record<(typeof WASM_FAST_KERNELS)[number], FastKernel> = {
  Conv2D: conv2dKernel(false),
  FusedConv2D: conv2dKernel(true),
  Conv2DBackpropInput: conv2dBackpropInputKernel,
  Conv2DBackpropFilter: conv2dBackpropFilterKernel,
  BatchMatMul: matMulKernel(false),
  _FusedMatMul: matMulKernel(true),
  Tile: tileKernel,
};

function install(): void {
  const rt = getRuntime();
  if (rt === undefined || replaced.size > 0) return;
  for (const kernelName of WASM_FAST_KERNELS) {
    const previous = tf.getKernel(kernelName, 'wasm');
    replaced.set(kernelName, previous);
    if (previous !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    const fast = fastKernels[kernelName];
    const kernelFunc: tf.KernelFunc = (args) => {
      const result = fast(args, rt);
      if (result !== undefined) return result;
      if (previous === undefined) throw new Error(`${kernelName}: the fast wasm kernel does not handle these inputs and no other wasm kernel is registered`);
      return previous.kernelFunc(args);
    };
    // Keep the previous setup: fallbacks call the previous kernel, whose wasm function it prepares.
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: previous?.setupFunc });
  }
}

function uninstall(): void {
  for (const [kernelName, previous] of replaced) {
    if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    if (previous !== undefined) tf.registerKernel(previous);
  }
  replaced.clear();
}

/** Called by registerWasmTrainingKernels after it registered the lowered kernels. */
export function applyWasmKernelVariant(): void {
  trainingKernelsActive = true;
  if (requested === 'fast') install();
  else uninstall();
}

/** Called by unregisterWasmTrainingKernels before it restores the stock kernels. */
export function removeWasmFastKernels(): void {
  uninstall();
  trainingKernelsActive = false;
}

/**
 * Chooses tfgen's conv/matmul kernels on the `wasm` backend: `'fast'` (default: tfgen's SIMD GEMM
 * kernels from native/kernels.c, with worker threads in Node) or `'lowered'` (conv gradients
 * lowered to stock XNNPACK convs; stock matmul). Takes effect at once when the training kernels
 * are registered ({@link initBackend} with wasm does that), else when they are. For benchmarks
 * that compare both in one run. Check {@link wasmKernelInfo} for what is in effect.
 */
export function setWasmKernelVariant(variant: WasmKernelVariant): void {
  if (variant !== 'fast' && variant !== 'lowered') throw new ArgumentError('variant', '"fast" or "lowered"', variant);
  requested = variant;
  if (trainingKernelsActive) applyWasmKernelVariant();
}

/**
 * Sets how many threads the fast wasm kernels use (the main thread included; default
 * `TFGEN_WASM_THREADS` or min(2, cores)). Extra threads are Node worker threads that never keep
 * the process alive; where none exist (browsers) the kernels run single-threaded.
 */
export function setWasmKernelThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > 16) throw new ArgumentError('threads', 'an integer from 1 to 16', threads);
  requestedThreads = threads;
  runtime?.setThreads(threads);
}

/** Stops the fast kernels' worker threads (they restart on the next {@link setWasmKernelThreads}). */
export function stopWasmKernelThreads(): void {
  runtime?.stopWorkers();
}

/** Which conv/matmul kernel variant is in effect on `wasm`, with how many threads. */
export function wasmKernelInfo(): WasmKernelInfo {
  if (replaced.size > 0 && runtime !== undefined) return { variant: 'fast', requested, threads: runtime.threads, kernels: [...WASM_FAST_KERNELS] };
  const info: WasmKernelInfo = { variant: 'lowered', requested, threads: 1, kernels: trainingKernelsActive ? ['Conv2DBackpropFilter', 'Conv2DBackpropInput'] : [] };
  if (requested === 'fast') info.reason = runtimeError !== undefined ? `the fast kernels cannot run here: ${runtimeError}` : 'the wasm training kernels are not registered (initBackend with wasm registers them)';
  return info;
}
