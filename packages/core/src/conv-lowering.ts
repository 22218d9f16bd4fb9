import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, ShapeError } from './errors';

/** Padding as tfjs conv ops accept it: `'same'`, `'valid'`, a number, or explicit `[[0,0],[top,bottom],[left,right],[0,0]]`. */
export type ConvPadding = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

type Pair = [number, number];

function pair(value: number | readonly number[], argument: string): Pair {
  const result: Pair = typeof value === 'number' ? [value, value] : [value[0] as number, value[1] as number];
  if (!result.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new ArgumentError(argument, 'a positive integer or a pair of positive integers', value);
  }
  return result;
}

function checkDataFormat(dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new ArgumentError('dataFormat', '"NHWC" (the only layout the lowered conv gradients support)', dataFormat);
  }
}

/** Geometry of the forward conv whose gradient is wanted (dilation 1, NHWC). */
function forwardInfo(
  inputShape: readonly number[],
  filterShape: readonly number[],
  strides: number | readonly number[],
  pad: ConvPadding,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  depthwise = false,
): tf.backend_util.Conv2DInfo {
  if (inputShape.length !== 4) throw new ShapeError('inputShape', 'rank 4 [batch, height, width, channels]', inputShape);
  if (filterShape.length !== 4) throw new ShapeError('filterShape', 'rank 4 [height, width, inChannels, outChannels]', filterShape);
  if (inputShape[3] !== filterShape[2]) {
    throw new ShapeError('filterShape[2]', `the input channel count ${inputShape[3]}`, filterShape[2]);
  }
  return tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    pair(strides, 'strides'),
    1,
    pad as 'same',
    dimRoundingMode,
    depthwise,
    'channelsLast',
  );
}

/** Checks `dy` has the forward conv's output shape `[batch, outHeight, outWidth, outChannels]`. */
function checkDy(dy: tf.Tensor4D, batch: number, info: tf.backend_util.Conv2DInfo): void {
  if (dy.rank !== 4 || dy.shape[0] !== batch || dy.shape[1] !== info.outHeight || dy.shape[2] !== info.outWidth || dy.shape[3] !== info.outChannels) {
    throw new ShapeError('dy', `shape [${batch}, ${info.outHeight}, ${info.outWidth}, ${info.outChannels}]`, dy.shape);
  }
}

/**
 * For a filter gradient computed as a conv with `dy` as the filter (dilation = stride): `x` cropped
 * to the rows/columns some window reads, and the padding after which the dilated `dy` slides
 * exactly filterHeight x filterWidth times. Call inside `tf.tidy`.
 */
function windowedInput(x: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): { input: tf.Tensor4D; padding: ConvPadding } {
  const [, height, width] = x.shape;
  const { strideHeight, strideWidth, filterHeight, filterWidth, outHeight, outWidth } = info;
  const { top, left } = info.padInfo;
  const bottom = filterHeight + (outHeight - 1) * strideHeight - height - top;
  const right = filterWidth + (outWidth - 1) * strideWidth - width - left;
  // Rows/columns past the last window are never read: crop them.
  const input = bottom < 0 || right < 0 ? tf.slice(x, [0, 0, 0, 0], [-1, height + Math.min(bottom, 0), width + Math.min(right, 0), -1]) : x;
  const padding: ConvPadding = [
    [0, 0],
    [top, Math.max(bottom, 0)],
    [left, Math.max(right, 0)],
    [0, 0],
  ];
  return { input, padding };
}

/**
 * The gradient of `conv2d(x, filter, strides, pad)` with respect to the filter, computed by one
 * forward `conv2d`: batch and channels of `x` swapped, `dy` as the filter, dilation = stride.
 * It exists because the wasm backend has no `Conv2DBackpropFilter` kernel; it runs on any backend.
 *
 * Example: `conv2dBackpropFilterViaConv(x, dy, [4, 4, 1, 64], 2, 'same')` equals
 * `tf.grad((f) => tf.conv2d(x, f, 2, 'same').mul(dy).sum())(filter)`.
 */
export function conv2dBackpropFilterViaConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number] | readonly number[],
  strides: number | readonly number[],
  pad: ConvPadding,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  dataFormat?: string,
): tf.Tensor4D {
  checkDataFormat(dataFormat);
  const info = forwardInfo(x.shape, filterShape, strides, pad, dimRoundingMode);
  checkDy(dy, x.shape[0], info);
  const { strideHeight, strideWidth } = info;
  return tf.tidy(() => {
    const { input, padding } = windowedInput(x, info);
    const swapped = tf.transpose(input, [3, 1, 2, 0]); // [inC, H, W, batch]
    const dyFilter = tf.transpose(dy, [1, 2, 0, 3]); // [outH, outW, batch, outC]
    const result = tf.conv2d(swapped, dyFilter, 1, padding, 'NHWC', [strideHeight, strideWidth]); // [inC, fH, fW, outC]
    return tf.transpose(result, [1, 2, 0, 3]);
  });
}

/**
 * The gradient of `conv2d(x, filter, strides, pad)` with respect to `x` (which is also
 * `conv2dTranspose`), computed as stride-phase split forward convs: each of the
 * `strideHeight * strideWidth` output phases is a stride-1 conv of `dy` with a flipped
 * sub-filter; the phases are interleaved. It exists because the stock wasm
 * `Conv2DBackpropInput` is ~9x slower than an equal-size `conv2d`; it runs on any backend.
 *
 * Example: `conv2dBackpropInputViaConv(dy, filter, [64, 28, 28, 1], 2, 'same')` equals
 * `tf.conv2dTranspose(dy, filter, [64, 28, 28, 1], 2, 'same')`.
 */
export function conv2dBackpropInputViaConv(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: readonly [number, number, number, number] | readonly number[],
  strides: number | readonly number[],
  pad: ConvPadding,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
  dataFormat?: string,
): tf.Tensor4D {
  checkDataFormat(dataFormat);
  const info = forwardInfo(inputShape, filter.shape, strides, pad, dimRoundingMode);
  const [batch, height, width, inChannels] = inputShape as [number, number, number, number];
  checkDy(dy, batch, info);
  const { strideHeight, strideWidth, filterHeight, filterWidth, outHeight, outWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  return tf.tidy(() => {
    if (strideHeight === 1 && strideWidth === 1) {
      return phaseConv(dy, filter, 0, 0, 1, 1, height, width, inChannels, outHeight, outWidth, filterHeight, filterWidth, top, left);
    }
    const phaseRows = Math.ceil(height / strideHeight);
    const phaseCols = Math.ceil(width / strideWidth);
    const rows: tf.Tensor4D[] = [];
    for (let rowOffset = 0; rowOffset < strideHeight; rowOffset++) {
      const cols: tf.Tensor4D[] = [];
      for (let colOffset = 0; colOffset < strideWidth; colOffset++) {
        cols.push(
          phaseConv(dy, filter, rowOffset, colOffset, strideHeight, strideWidth, phaseRows, phaseCols, inChannels, outHeight, outWidth, filterHeight, filterWidth, top, left),
        );
      }
      rows.push(tf.stack(cols, 3) as tf.Tensor4D); // [N, phaseRows, phaseCols, strideW, C]
    }
    const interleaved = tf.stack(rows, 2); // [N, phaseRows, strideH, phaseCols, strideW, C]
    const full = tf.reshape(interleaved, [batch, phaseRows * strideHeight, phaseCols * strideWidth, inChannels]) as tf.Tensor4D;
    if (full.shape[1] === height && full.shape[2] === width) return full;
    return tf.slice(full, [0, 0, 0, 0], [batch, height, width, inChannels]);
  });
}

/** Range of dy rows (or cols) a phase reads, as a crop of dy plus zero padding around it. */
interface PhaseAxis {
  taps: number; // sub-filter length
  tapStart: number; // first filter index of this phase
  padBefore: number;
  padAfter: number;
  cropStart: number;
  cropEnd: number;
}

function phaseAxis(offset: number, stride: number, count: number, outSize: number, filterSize: number, padStart: number): PhaseAxis | null {
  // Input positions y = offset + stride*t; with y' = y + padStart = q*stride + r, the filter taps
  // a = r + stride*k contribute dy[q - k].
  const shifted = offset + padStart;
  const r = shifted % stride;
  const q0 = (shifted - r) / stride;
  const taps = r < filterSize ? Math.ceil((filterSize - r) / stride) : 0;
  if (taps === 0) return null;
  const padBefore = taps - 1 - q0;
  const padAfter = count + taps - 1 - outSize - padBefore;
  const cropStart = Math.max(0, -padBefore);
  const cropEnd = Math.min(outSize, outSize + padAfter);
  if (cropEnd <= cropStart) return null;
  return { taps, tapStart: r, padBefore: Math.max(padBefore, 0), padAfter: Math.max(padAfter, 0), cropStart, cropEnd };
}

function phaseConv(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  rowOffset: number,
  colOffset: number,
  strideHeight: number,
  strideWidth: number,
  rows: number,
  cols: number,
  inChannels: number,
  outHeight: number,
  outWidth: number,
  filterHeight: number,
  filterWidth: number,
  top: number,
  left: number,
  depthwise = false,
): tf.Tensor4D {
  const rowAxis = phaseAxis(rowOffset, strideHeight, rows, outHeight, filterHeight, top);
  const colAxis = phaseAxis(colOffset, strideWidth, cols, outWidth, filterWidth, left);
  const batch = dy.shape[0];
  if (rowAxis === null || colAxis === null) return tf.zeros([batch, rows, cols, inChannels]);
  let source: tf.Tensor4D = dy;
  if (rowAxis.cropStart > 0 || rowAxis.cropEnd < outHeight || colAxis.cropStart > 0 || colAxis.cropEnd < outWidth) {
    source = tf.slice(dy, [0, rowAxis.cropStart, colAxis.cropStart, 0], [-1, rowAxis.cropEnd - rowAxis.cropStart, colAxis.cropEnd - colAxis.cropStart, -1]);
  }
  let sub: tf.Tensor4D = filter;
  if (strideHeight > 1 || strideWidth > 1) {
    sub = tf.stridedSlice(
      filter,
      [rowAxis.tapStart, colAxis.tapStart, 0, 0],
      [filterHeight, filterWidth, filter.shape[2], filter.shape[3]],
      [strideHeight, strideWidth, 1, 1],
    ) as tf.Tensor4D;
  }
  const padding: ConvPadding = [
    [0, 0],
    [rowAxis.padBefore, rowAxis.padAfter],
    [colAxis.padBefore, colAxis.padAfter],
    [0, 0],
  ];
  if (depthwise) {
    // Each dy channel c*M+m correlates with its own flipped tap filter; then sum the M multipliers.
    const [taps1, taps2, channels, multiplier] = sub.shape;
    const flippedDepthwise = tf.reshape(tf.reverse(sub, [0, 1]), [taps1, taps2, channels * multiplier, 1]) as tf.Tensor4D;
    const perChannel = tf.depthwiseConv2d(source, flippedDepthwise, 1, padding);
    const [n, outRows, outCols] = perChannel.shape;
    return tf.sum(tf.reshape(perChannel, [n, outRows, outCols, channels, multiplier]), 4) as tf.Tensor4D;
  }
  // Correlation with the flipped sub-filter, in/out channels swapped.
  const flipped = tf.transpose(tf.reverse(sub, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  return tf.conv2d(source, flipped, 1, padding);
}

/**
 * The gradient of `depthwiseConv2d(x, filter, strides, pad)` with respect to the filter
 * (`[fh, fw, C, M]`), as one forward depthwise conv: channels x batch become the channels, `dy`
 * the (dilated) filter, then a sum over the batch. Exists because the wasm backend has no
 * `DepthwiseConv2dNativeBackpropFilter`; runs on any backend.
 */
export function depthwiseConv2dBackpropFilterViaConv(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly number[],
  strides: number | readonly number[],
  pad: ConvPadding,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const info = forwardInfo(x.shape, filterShape, strides, pad, dimRoundingMode, true);
  checkDy(dy, x.shape[0], info);
  const [batch, , , channels] = x.shape;
  const multiplier = filterShape[3]!;
  const { strideHeight, strideWidth, filterHeight, filterWidth, outHeight, outWidth } = info;
  return tf.tidy(() => {
    const { input, padding } = windowedInput(x, info);
    const [, croppedHeight, croppedWidth] = input.shape;
    const planes = tf.reshape(tf.transpose(input, [1, 2, 3, 0]), [1, croppedHeight, croppedWidth, channels * batch]); // channel c*N+n
    const dyFilter = tf.reshape(
      tf.transpose(tf.reshape(dy, [batch, outHeight, outWidth, channels, multiplier]), [1, 2, 3, 0, 4]),
      [outHeight, outWidth, channels * batch, multiplier],
    ) as tf.Tensor4D;
    const result = tf.depthwiseConv2d(planes as tf.Tensor4D, dyFilter, 1, padding, 'NHWC', [strideHeight, strideWidth]); // [1, fh, fw, (c*N+n)*M+m]
    return tf.sum(tf.reshape(result, [filterHeight, filterWidth, channels, batch, multiplier]), 3) as tf.Tensor4D;
  });
}

/**
 * The gradient of `depthwiseConv2d(x, filter, strides, pad)` with respect to `x`: stride-phase
 * split forward depthwise convs with flipped sub-filters, summed over the channel multiplier.
 * Exists because the wasm backend has no `DepthwiseConv2dNativeBackpropInput`; runs on any backend.
 */
export function depthwiseConv2dBackpropInputViaConv(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: readonly number[],
  strides: number | readonly number[],
  pad: ConvPadding,
  dimRoundingMode?: 'floor' | 'round' | 'ceil',
): tf.Tensor4D {
  const info = forwardInfo(inputShape, filter.shape, strides, pad, dimRoundingMode, true);
  const [batch, height, width, inChannels] = inputShape as [number, number, number, number];
  checkDy(dy, batch, info);
  const { strideHeight, strideWidth, filterHeight, filterWidth, outHeight, outWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  return tf.tidy(() => {
    const phaseRows = Math.ceil(height / strideHeight);
    const phaseCols = Math.ceil(width / strideWidth);
    const rows: tf.Tensor4D[] = [];
    for (let rowOffset = 0; rowOffset < strideHeight; rowOffset++) {
      const cols: tf.Tensor4D[] = [];
      for (let colOffset = 0; colOffset < strideWidth; colOffset++) {
        cols.push(
          phaseConv(dy, filter, rowOffset, colOffset, strideHeight, strideWidth, phaseRows, phaseCols, inChannels, outHeight, outWidth, filterHeight, filterWidth, top, left, true),
        );
      }
      rows.push(tf.stack(cols, 3) as tf.Tensor4D);
    }
    const interleaved = tf.stack(rows, 2);
    const full = tf.reshape(interleaved, [batch, phaseRows * strideHeight, phaseCols * strideWidth, inChannels]) as tf.Tensor4D;
    if (full.shape[1] === height && full.shape[2] === width) return full;
    return tf.slice(full, [0, 0, 0, 0], [batch, height, width, inChannels]);
  });
}
