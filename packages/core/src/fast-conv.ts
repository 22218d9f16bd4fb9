import { FAST_ACTIVATIONS, JOB_COL2IM, JOB_GEMM, JOB_IM2COL, JOB_PACK_B, type FastKernelsRuntime } from './fast-kernels-runtime';

/**
 * GEMM, convolutions and their gradients on the fast wasm kernels. Operands are byte offsets of
 * float32 arrays in the runtime's arena; results are written into fresh arena allocations.
 */

/** Work (multiply-adds or values moved) below which a job stays on the calling thread. */
const PARALLEL_MIN_WORK = 1 << 20;

/** A fused activation the fast kernels apply in the GEMM epilogue. */
export type FastActivation = keyof typeof FAST_ACTIVATIONS;

/** A matrix operand: element (i, j) is at `offset + 4 * (i * rowStride + j * colStride)`. */
export interface MatrixOperand {
  offset: number;
  rowStride: number;
  colStride: number;
}

/** Options of {@link fastGemm}. */
export interface GemmOptions {
  /** Byte offset of `columns` bias values added to every row (0: none). */
  bias?: number;
  activation?: FastActivation;
  leakyreluAlpha?: number;
  /** Add to the values already in C instead of overwriting them. */
  accumulate?: boolean;
}

/** C (rows x columns, row-major at `c`, row stride `ldc`) = A (rows x depth) * B (depth x columns). */
export function fastGemm(
  runtime: FastKernelsRuntime,
  rows: number,
  columns: number,
  depth: number,
  a: MatrixOperand,
  b: MatrixOperand,
  c: number,
  ldc: number,
  options: GemmOptions = {},
): void {
  if (rows === 0 || columns === 0) return;
  const { mr, nr } = runtime;
  const panels = Math.ceil(columns / nr);
  const packed = runtime.alloc(panels * nr * Math.max(depth, 1));
  const parallel = rows * columns * Math.max(depth, 1) >= PARALLEL_MIN_WORK;
  if (depth > 0) runtime.run(JOB_PACK_B, panels, [b.offset, b.rowStride, b.colStride, depth, columns, packed], {}, depth * columns >= PARALLEL_MIN_WORK / 4);
  // Tiles: up to maxBlockRows x 512; split further until every thread gets several tasks (tasks
  // are claimed dynamically, so a busy core simply takes fewer).
  let blockRows = Math.min(runtime.maxBlockRows, Math.ceil(rows / mr) * mr);
  let blockColumns = Math.min(512, panels * nr);
  const wanted = runtime.threads > 1 && parallel ? 4 * runtime.threads : 1;
  const tiles = () => Math.ceil(rows / blockRows) * Math.ceil(columns / blockColumns);
  while (tiles() < wanted && (blockRows > mr || blockColumns > nr)) {
    if (blockRows > mr && (blockRows >= blockColumns || blockColumns <= nr)) blockRows = Math.max(mr, Math.ceil(blockRows / 2 / mr) * mr);
    else blockColumns = Math.max(nr, Math.ceil(blockColumns / 2 / nr) * nr);
  }
  const activation = FAST_ACTIVATIONS[options.activation ?? 'linear'];
  runtime.run(
    JOB_GEMM,
    tiles(),
    [rows, columns, depth, a.offset, a.rowStride, a.colStride, packed, c, ldc, options.bias ?? 0, activation, 0, blockRows, blockColumns, options.accumulate ? 1 : 0],
    { 11: options.leakyreluAlpha ?? 0 },
    parallel,
  );
}

/** NHWC conv geometry (as in tfjs' Conv2DInfo). */
export interface ConvGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/** Whether the conv is a plain per-pixel matrix product (1x1, stride 1, no padding). */
function isPointwise(g: ConvGeometry): boolean {
  return g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 && g.padTop === 0 && g.padLeft === 0 && g.outHeight === g.inHeight && g.outWidth === g.inWidth;
}

function windowParams(g: ConvGeometry, from: number, to: number): number[] {
  return [from, to, g.batchSize, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.padTop, g.padLeft];
}

/** The im2col matrix of x: one row per output pixel, (ky, kx, c) windows; x itself when pointwise. */
function patches(runtime: FastKernelsRuntime, g: ConvGeometry, x: number): number {
  if (isPointwise(g)) return x;
  const windowSize = g.filterHeight * g.filterWidth * g.inChannels;
  const cols = runtime.alloc(g.batchSize * g.outHeight * g.outWidth * windowSize);
  runtime.run(JOB_IM2COL, g.batchSize * g.outHeight, windowParams(g, x, cols), {}, g.batchSize * g.outHeight * g.outWidth * windowSize >= PARALLEL_MIN_WORK / 4);
  return cols;
}

/** conv2d: x [b, h, w, in] (offset), filter [fh, fw, in, out] -> y [b, oh, ow, out] (+ bias, activation). */
export function fastConv2d(runtime: FastKernelsRuntime, g: ConvGeometry, x: number, filter: number, options: GemmOptions = {}): number {
  const rows = g.batchSize * g.outHeight * g.outWidth;
  const windowSize = g.filterHeight * g.filterWidth * g.inChannels;
  const cols = patches(runtime, g, x);
  const y = runtime.alloc(rows * g.outChannels);
  fastGemm(runtime, rows, g.outChannels, windowSize, { offset: cols, rowStride: windowSize, colStride: 1 }, { offset: filter, rowStride: g.outChannels, colStride: 1 }, y, g.outChannels, options);
  return y;
}

/** Gradient of conv2d with respect to x (= conv2dTranspose of dy): dy [b, oh, ow, out] -> dx [b, h, w, in]. */
export function fastConv2dBackpropInput(runtime: FastKernelsRuntime, g: ConvGeometry, dy: number, filter: number): number {
  const rows = g.batchSize * g.outHeight * g.outWidth;
  const windowSize = g.filterHeight * g.filterWidth * g.inChannels;
  // cols = dy * filter^T: each output pixel's contribution to its input window.
  const cols = runtime.alloc(rows * windowSize);
  fastGemm(runtime, rows, windowSize, g.outChannels, { offset: dy, rowStride: g.outChannels, colStride: 1 }, { offset: filter, rowStride: 1, colStride: g.outChannels }, cols, windowSize);
  if (isPointwise(g)) return cols;
  const dx = runtime.alloc(g.batchSize * g.inHeight * g.inWidth * g.inChannels);
  runtime.run(JOB_COL2IM, g.batchSize * g.inHeight, windowParams(g, cols, dx), {}, rows * windowSize >= PARALLEL_MIN_WORK / 4);
  return dx;
}

/** Gradient of conv2d with respect to the filter: x, dy -> dfilter [fh, fw, in, out] = patches^T * dy. */
export function fastConv2dBackpropFilter(runtime: FastKernelsRuntime, g: ConvGeometry, x: number, dy: number): number {
  const rows = g.batchSize * g.outHeight * g.outWidth;
  const windowSize = g.filterHeight * g.filterWidth * g.inChannels;
  const cols = patches(runtime, g, x);
  const dfilter = runtime.alloc(windowSize * g.outChannels);
  fastGemm(runtime, windowSize, g.outChannels, rows, { offset: cols, rowStride: 1, colStride: windowSize }, { offset: dy, rowStride: g.outChannels, colStride: 1 }, dfilter, g.outChannels);
  return dfilter;
}
