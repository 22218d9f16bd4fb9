import * as tf from '@tensorflow/tfjs-core';

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

let registered = false;

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
 * Replaces cpu kernels that tfjs 4.22 gets wrong (today: `ResizeNearestNeighborGrad`, see
 * {@link resizeNearestNeighborBackprop}). Idempotent; importing `@tfgen/core` and
 * {@link initBackend} call it. If `@tensorflow/tfjs-backend-cpu` is imported after
 * `@tfgen/core`, its stock kernels win until this runs again.
 */
export function registerCpuKernelFixes(): void {
  const current = tf.getKernel('ResizeNearestNeighborGrad', 'cpu');
  if (registered && current?.kernelFunc === (resizeNearestNeighborGradKernel as tf.KernelFunc)) return;
  if (current !== undefined) tf.unregisterKernel('ResizeNearestNeighborGrad', 'cpu');
  tf.registerKernel({ kernelName: 'ResizeNearestNeighborGrad', backendName: 'cpu', kernelFunc: resizeNearestNeighborGradKernel as tf.KernelFunc });
  registered = true;
}

registerCpuKernelFixes();
