import * as tf from '@tensorflow/tfjs-core';
import {
  conv2dBackpropFilterViaConv,
  conv2dBackpropInputViaConv,
  depthwiseConv2dBackpropFilterViaConv,
  depthwiseConv2dBackpropInputViaConv,
  type ConvPadding,
} from './conv-lowering';
import { resizeBilinearBackprop, resizeNearestNeighborBackprop } from './cpu-kernel-fixes';
import { applyWasmKernelVariant, removeWasmFastKernels } from './wasm-fast-kernels';

/** Kernel names that {@link registerWasmTrainingKernels} provides on the `wasm` backend. */
export const WASM_TRAINING_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'UnsortedSegmentSum',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
  'ResizeNearestNeighborGrad',
  'ResizeBilinearGrad',
  'MaxPoolGrad',
  'Conv2D',
  'FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2D',
] as const;

type KernelArgs = Parameters<tf.KernelFunc>[0];

const stockKernels = new Map<string, tf.KernelConfig>();
let registered = false;

/** Inputs reach kernels as tensors when called through ops; wrap a bare TensorInfo just in case. */
function asTensor<T extends tf.Tensor>(info: tf.TensorInfo, created: tf.Tensor[]): T {
  if ((info as tf.Tensor).rank !== undefined) return info as T;
  const tensor = tf.engine().makeTensorFromTensorInfo(info) as T;
  created.push(tensor);
  return tensor;
}

function withInputs<T>(run: (created: tf.Tensor[]) => T): T {
  const created: tf.Tensor[] = [];
  try {
    return run(created);
  } finally {
    for (const tensor of created) tensor.dispose();
  }
}

function conv2dBackpropFilterKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  return withInputs((created) => {
    const x = asTensor<tf.Tensor4D>(inputs.x as tf.TensorInfo, created);
    const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo, created);
    return conv2dBackpropFilterViaConv(x, dy, filterShape, strides, pad as ConvPadding, dimRoundingMode, dataFormat);
  });
}

function conv2dBackpropInputKernel(args: KernelArgs): tf.TensorInfo {
  const { inputs, attrs } = args;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  // With a single result channel (e.g. a generator's last conv2dTranspose to 1 channel) the stock
  // kernel is ~2x faster than the phase split (measured: bench/conv-kernels.ts); from 3 channels
  // on, the phase split wins (1.6x at 3, 4-8x at 8-32).
  const stock = stockKernels.get('Conv2DBackpropInput');
  if (inputShape[3] === 1 && stock !== undefined && (dataFormat === undefined || dataFormat === 'NHWC')) return stock.kernelFunc(args) as tf.TensorInfo;
  return withInputs((created) => {
    const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo, created);
    const filter = asTensor<tf.Tensor4D>(inputs.filter as tf.TensorInfo, created);
    return conv2dBackpropInputViaConv(dy, filter, inputShape, strides, pad as ConvPadding, dimRoundingMode, dataFormat);
  });
}

/** Segment sums as a one-hot matrix product (the gradient of `tf.gather`, e.g. for label embeddings). */
function unsortedSegmentSumKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  return withInputs((created) => {
    const x = asTensor<tf.Tensor>(inputs.x as tf.TensorInfo, created);
    const segmentIds = asTensor<tf.Tensor>(inputs.segmentIds as tf.TensorInfo, created);
    return tf.tidy(() => {
      const rows = segmentIds.size;
      const flatIds = tf.reshape(segmentIds, [rows]);
      const restShape = x.shape.slice(segmentIds.rank);
      const values = tf.reshape(tf.cast(x, 'float32'), [rows, -1]);
      // Out-of-range (e.g. negative) ids get an all-zero one-hot row and are dropped, as in TensorFlow.
      const oneHot = tf.cast(tf.oneHot(tf.cast(flatIds, 'int32'), numSegments), 'float32');
      const sums = tf.matMul(oneHot, values, true, false);
      const shaped = tf.reshape(sums, [numSegments, ...restShape]);
      return x.dtype === 'float32' ? shaped : tf.cast(shaped, x.dtype);
    });
  });
}

/**
 * Wraps the stock wasm MaxPoolGrad: it (like wasm MaxPoolWithArgmax) finds a window's argmax
 * only among positive values, so a window whose values are all negative sends its gradient to
 * its first element ([-4, -3, -2, -1] routes to -4). Shifting each (example, channel) plane by
 * a constant that makes it >= 1 keeps every argmax (float rounding is monotonic) and makes the
 * stock kernel correct. Values closer than float32 resolution at the shifted magnitude may tie.
 */
function positiveShiftMaxPoolGrad(stock: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const { inputs } = args;
    return withInputs((created) => {
      const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo, created);
      const input = asTensor<tf.Tensor4D>(inputs.input as tf.TensorInfo, created);
      const output = asTensor<tf.Tensor4D>(inputs.output as tf.TensorInfo, created);
      return tf.tidy(() => {
        const shift = tf.add(tf.relu(tf.neg(tf.min(input, [1, 2], true))), 1);
        const shiftedInput = tf.add(input, shift);
        const shiftedOutput = tf.add(output, shift);
        const info = stock.kernelFunc({ ...args, inputs: { dy, input: shiftedInput, output: shiftedOutput } }) as tf.TensorInfo;
        return tf.engine().makeTensorFromTensorInfo(info);
      });
    });
  };
}

/** The stock wasm ResizeNearestNeighborGrad disagrees with the forward resize for batch > 1 (as cpu's does). */
function resizeNearestNeighborGradKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { alignCorners, halfPixelCenters } = attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
  return withInputs((created) => {
    const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo, created);
    return resizeNearestNeighborBackprop((inputs.images as tf.TensorInfo).shape, dy, Boolean(alignCorners), Boolean(halfPixelCenters));
  });
}

/** The stock wasm ResizeBilinearGrad returns height and width swapped for non-square images. */
function resizeBilinearGradKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { alignCorners, halfPixelCenters } = attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
  return withInputs((created) => {
    const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo, created);
    return resizeBilinearBackprop((inputs.images as tf.TensorInfo).shape, dy, Boolean(alignCorners), Boolean(halfPixelCenters));
  });
}

function depthwiseBackpropFilterKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { strides, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  return withInputs((created) => {
    const x = asTensor<tf.Tensor4D>(inputs.x as tf.TensorInfo, created);
    const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo, created);
    return depthwiseConv2dBackpropFilterViaConv(x, dy, filterShape, strides, pad as ConvPadding, dimRoundingMode);
  });
}

function depthwiseBackpropInputKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo {
  const { strides, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  return withInputs((created) => {
    const dy = asTensor<tf.Tensor4D>(inputs.dy as tf.TensorInfo, created);
    const filter = asTensor<tf.Tensor4D>(inputs.filter as tf.TensorInfo, created);
    return depthwiseConv2dBackpropInputViaConv(dy, filter, inputShape, strides, pad as ConvPadding, dimRoundingMode);
  });
}

const replacements: Record<string, tf.KernelFunc> = {
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilterKernel as tf.KernelFunc,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInputKernel as tf.KernelFunc,
  ResizeBilinearGrad: resizeBilinearGradKernel as tf.KernelFunc,
  ResizeNearestNeighborGrad: resizeNearestNeighborGradKernel as tf.KernelFunc,
  Conv2DBackpropFilter: conv2dBackpropFilterKernel as tf.KernelFunc,
  Conv2DBackpropInput: conv2dBackpropInputKernel as tf.KernelFunc,
  UnsortedSegmentSum: unsortedSegmentSumKernel as tf.KernelFunc,
};

/** Stock wasm kernels that get wrapped (fixed) rather than replaced: forward convs whose 'same' padding gives zeros when the stride exceeds the filter, and MaxPoolGrad. */
const SAME_PADDING_FIXES = ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D', 'MaxPoolGrad'] as const;

/**
 * Wraps a stock conv kernel so that `pad: 'same'` reaches it as the equivalent explicit padding.
 * Stock XNNPACK-based wasm convs mishandle 'same' when stride > filter size (they return zeros,
 * e.g. a 2x2 filter with stride 3); explicit padding computes the same windows correctly.
 */
function explicitSamePadding(stock: tf.KernelConfig, depthwise: boolean): tf.KernelFunc {
  return (args) => {
    const attrs = args.attrs as unknown as { strides: number | [number, number]; dilations?: number | [number, number]; pad: unknown; dimRoundingMode?: 'floor' | 'round' | 'ceil'; dataFormat?: string };
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const channelsLast = attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC';
    if (attrs.pad !== 'same' || !channelsLast) return stock.kernelFunc(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      'same',
      attrs.dimRoundingMode,
      depthwise,
      'channelsLast',
    );
    const { top, bottom, left, right } = info.padInfo;
    const pad = [[0, 0], [top, bottom], [left, right], [0, 0]];
    return stock.kernelFunc({ ...args, attrs: { ...args.attrs, pad } as unknown as tf.NamedAttrMap });
  };
}

/**
 * Registers on the `wasm` backend the kernels that training needs and stock tfjs-backend-wasm
 * lacks or runs slowly: `Conv2DBackpropFilter` (missing: conv nets cannot train), a fast
 * `Conv2DBackpropInput` (also `conv2dTranspose`; the stock one is ~9x slower than an equal-size
 * `conv2d`), the depthwise conv gradients (missing) and `UnsortedSegmentSum` (gradient of
 * `tf.gather`, e.g. embeddings), all lowered
 * to forward wasm ops so they match the cpu backend to float32 rounding. It wraps `MaxPoolGrad`
 * (the stock one misroutes windows whose maximum is negative) and the stock forward convs. It also wraps the stock
 * forward convs (`Conv2D`, `FusedConv2D`, depthwise) to pass `'same'` padding explicitly: stock
 * wasm returns zeros for `'same'` when the stride exceeds the filter size.
 *
 * Safe to call more than once. Call it after `@tensorflow/tfjs-backend-wasm` is imported (the
 * conv fixes wrap its kernels); {@link initBackend} does. Returns the kernel names it provides.
 *
 * Example: `import '@tensorflow/tfjs-backend-wasm'; registerWasmTrainingKernels(); await tf.setBackend('wasm');`
 */
export function registerWasmTrainingKernels(): string[] {
  if (!registered) {
    for (const kernelName of WASM_TRAINING_KERNELS) {
      const stock = tf.getKernel(kernelName, 'wasm');
      const fix = (SAME_PADDING_FIXES as readonly string[]).includes(kernelName);
      if (fix && stock === undefined) continue; // the wasm package is not loaded: nothing to fix
      if (stock !== undefined) {
        stockKernels.set(kernelName, stock);
        tf.unregisterKernel(kernelName, 'wasm');
      }
      if (fix) {
        // Keep the stock setup: it prepares the wasm function the wrapper ends up calling.
        const kernelFunc = kernelName === 'MaxPoolGrad' ? positiveShiftMaxPoolGrad(stock!) : explicitSamePadding(stock!, kernelName.includes('Depthwise'));
        tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: stock!.setupFunc });
      } else {
        // Keep a replaced kernel's setup too: Conv2DBackpropInput falls back to the stock one.
        tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: replacements[kernelName]!, setupFunc: stock?.setupFunc });
      }
    }
    registered = true;
    // Layer the fast SIMD kernels (conv, conv gradients, matmul) on top unless 'lowered' was chosen.
    applyWasmKernelVariant();
  }
  return WASM_TRAINING_KERNELS.filter((name) => tf.getKernel(name, 'wasm') !== undefined);
}

/**
 * Removes the kernels added by {@link registerWasmTrainingKernels} and restores the stock wasm
 * ones it replaced (for benchmarks that compare them). The stock kernels' setup already ran when
 * the backend initialized, so restoring them is safe while the backend is live.
 */
export function unregisterWasmTrainingKernels(): void {
  if (!registered) return;
  removeWasmFastKernels();
  for (const kernelName of WASM_TRAINING_KERNELS) {
    const stock = stockKernels.get(kernelName);
    const fix = (SAME_PADDING_FIXES as readonly string[]).includes(kernelName);
    if (fix && stock === undefined) continue;
    if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    if (stock !== undefined) {
      tf.registerKernel(stock);
      // If the backend initialized while the stock kernel was unregistered, its setup never ran.
      // (Read the registry directly: tf.findBackend would start initializing the backend.)
      const backend = tf.engine().registry['wasm'];
      if (backend !== undefined && stock.setupFunc !== undefined) stock.setupFunc(backend);
    }
  }
  stockKernels.clear();
  registered = false;
}

/** Whether {@link registerWasmTrainingKernels} is in effect. */
export function wasmTrainingKernelsRegistered(): boolean {
  return registered;
}
