import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterViaConv, type ConvPadding } from './conv-lowering';

/**
 * Source row (or column) of each output row in tfjs' nearest-neighbour resize, exactly as the
 * cpu forward kernel computes it.
 */
function nearestSources(oldSize: number, newSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const effectiveIn = alignCorners && newSize > 1 ? oldSize - 1 : oldSize;
  const effectiveOut = alignCorners && newSize > 1 ? newSize - 1 : newSize;
  const ratio = effectiveIn / effectiveOut;
  const sources = new Int32Array(newSize);
  for (let i = 0; i < newSize; i++) {
    const fraction = halfPixelCenters ? ratio * (i + 0.5) : ratio * i;
    let nearest = Math.min(oldSize - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
    if (halfPixelCenters) nearest = Math.max(0, nearest);
    sources[i] = nearest;
  }
  return sources;
}

/**
 * The gradient of `tf.image.resizeNearestNeighbor`: every dy pixel added to its source pixel,
 * as two segment sums (rows, then columns). Used as the cpu `ResizeNearestNeighborGrad` kernel
 * because the stock one reads dy at the *images'* batch stride (wrong for batch > 1, e.g. every
 * `upSampling2d` generator trained on cpu) and ignores `halfPixelCenters`.
 */
export function resizeNearestNeighborBackprop(
  imagesShape: readonly number[],
  dy: tf.Tensor4D,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): tf.Tensor4D {
  const [, height, width] = imagesShape as [number, number, number, number];
  return tf.tidy(() => {
    const rows = tf.tensor1d(nearestSources(height, dy.shape[1], alignCorners, halfPixelCenters), 'int32');
    const cols = tf.tensor1d(nearestSources(width, dy.shape[2], alignCorners, halfPixelCenters), 'int32');
    const byRow = tf.unsortedSegmentSum(tf.transpose(dy, [1, 0, 2, 3]), rows, height); // [H, B, newW, C]
    const byCol = tf.unsortedSegmentSum(tf.transpose(byRow, [2, 0, 1, 3]), cols, width); // [W, H, B, C]
    return tf.transpose(byCol, [2, 1, 0, 3]) as tf.Tensor4D;
  });
}

/** Row `i` holds the weights tfjs' forward bilinear resize gives each source row for output row `i`. */
function bilinearMatrix(oldSize: number, newSize: number, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const effectiveIn = alignCorners && newSize > 1 ? oldSize - 1 : oldSize;
  const effectiveOut = alignCorners && newSize > 1 ? newSize - 1 : newSize;
  const ratio = effectiveIn / effectiveOut;
  const matrix = new Float32Array(newSize * oldSize);
  for (let i = 0; i < newSize; i++) {
    const fraction = halfPixelCenters ? ratio * (i + 0.5) - 0.5 : ratio * i;
    const floor = Math.max(0, Math.floor(fraction));
    const weight = fraction - floor;
    const ceil = Math.min(oldSize - 1, Math.ceil(fraction));
    matrix[i * oldSize + floor] += 1 - weight;
    matrix[i * oldSize + ceil] += weight;
  }
  return matrix;
}

/**
 * The gradient of `tf.image.resizeBilinear` as two matrix products with the interpolation
 * matrices (the resize is separable). Replaces the stock cpu `ResizeBilinearGrad`, which returns
 * height and width swapped for non-square images (tf.grad then throws), and is used on wasm too.
 */
export function resizeBilinearBackprop(
  imagesShape: readonly number[],
  dy: tf.Tensor4D,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): tf.Tensor4D {
  const [batch, height, width, channels] = imagesShape as [number, number, number, number];
  const [, newHeight, newWidth] = dy.shape;
  return tf.tidy(() => {
    const rows = tf.tensor2d(bilinearMatrix(height, newHeight, alignCorners, halfPixelCenters), [newHeight, height]);
    const cols = tf.tensor2d(bilinearMatrix(width, newWidth, alignCorners, halfPixelCenters), [newWidth, width]);
    const planes = tf.reshape(tf.transpose(dy, [0, 3, 1, 2]), [batch * channels * newHeight, newWidth]);
    const byCol = tf.reshape(tf.matMul(planes, cols), [batch * channels, newHeight, width]); // [BC, newH, W]
    const byRow = tf.matMul(tf.transpose(byCol, [0, 2, 1]), tf.reshape(rows, [newHeight, height])); // [BC, W, H]
    return tf.transpose(tf.reshape(byRow, [batch, channels, width, height]), [0, 3, 2, 1]) as tf.Tensor4D;
  });
}


function resizeBilinearGradKernel({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const { alignCorners, halfPixelCenters } = attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
  const dyTensor = (dy as tf.Tensor).rank !== undefined ? (dy as tf.Tensor4D) : (tf.engine().makeTensorFromTensorInfo(dy) as tf.Tensor4D);
  try {
    return resizeBilinearBackprop(images.shape, dyTensor, Boolean(alignCorners), Boolean(halfPixelCenters));
  } finally {
    if (dyTensor !== dy) dyTensor.dispose();
  }
}

function resizeNearestNeighborGradKernel({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
  const { alignCorners, halfPixelCenters } = attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
  const dyTensor = (dy as tf.Tensor).rank !== undefined ? (dy as tf.Tensor4D) : (tf.engine().makeTensorFromTensorInfo(dy) as tf.Tensor4D);
  try {
    return resizeNearestNeighborBackprop(images.shape, dyTensor, Boolean(alignCorners), Boolean(halfPixelCenters));
  } finally {
    if (dyTensor !== dy) dyTensor.dispose();
  }
}

/**
 * The stock cpu Conv2DBackpropFilter is pathologically slow (a DCGAN-size filter gradient takes
 * ~60x a forward conv); the lowering to one forward conv brings it to ~1x.
 */
function conv2dBackpropFilterKernel({ inputs, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const created: tf.Tensor[] = [];
  const asTensor = (info: tf.TensorInfo) => {
    if ((info as tf.Tensor).rank !== undefined) return info as tf.Tensor4D;
    const tensor = tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor4D;
    created.push(tensor);
    return tensor;
  };
  try {
    return conv2dBackpropFilterViaConv(asTensor(inputs.x as tf.TensorInfo), asTensor(inputs.dy as tf.TensorInfo), filterShape, strides, pad as ConvPadding, dimRoundingMode, dataFormat);
  } finally {
    tf.dispose(created);
  }
}

const CPU_FIXES: Record<string, tf.KernelFunc> = {
  Conv2DBackpropFilter: conv2dBackpropFilterKernel as tf.KernelFunc,
  ResizeNearestNeighborGrad: resizeNearestNeighborGradKernel as tf.KernelFunc,
  ResizeBilinearGrad: resizeBilinearGradKernel as tf.KernelFunc,
};

/** Kernel names {@link registerCpuKernelFixes} replaces on the cpu backend. */
export const CPU_KERNEL_FIXES = Object.keys(CPU_FIXES);

/**
 * Replaces cpu kernels that tfjs 4.22 gets wrong: `ResizeNearestNeighborGrad` (see
 * {@link resizeNearestNeighborBackprop}) and `ResizeBilinearGrad` (see
 * {@link resizeBilinearBackprop}), and its pathologically slow `Conv2DBackpropFilter` (lowered
 * to a forward conv, {@link conv2dBackpropFilterViaConv}: ~60x faster at DCGAN sizes). Idempotent; importing `@tfgen/core` and {@link initBackend}
 * call it. If `@tensorflow/tfjs-backend-cpu` is imported after `@tfgen/core`, its stock kernels
 * win until this runs again.
 */
export function registerCpuKernelFixes(): void {
  for (const [kernelName, kernelFunc] of Object.entries(CPU_FIXES)) {
    const current = tf.getKernel(kernelName, 'cpu');
    if (current?.kernelFunc === kernelFunc) continue;
    if (current !== undefined) tf.unregisterKernel(kernelName, 'cpu');
    tf.registerKernel({ kernelName, backendName: 'cpu', kernelFunc });
  }
}

registerCpuKernelFixes();
