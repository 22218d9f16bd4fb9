import { ArgumentError, expectInteger } from '@tfgen/core';

/**
 * Resizes an HWC float image with a triangle (bilinear) filter and half-pixel centres.
 * Upscaling is plain bilinear interpolation (as `tf.image.resizeBilinear(..., halfPixelCenters)`);
 * downscaling widens the filter by the scale factor, so every source pixel contributes
 * (antialiasing, as PIL's BILINEAR) instead of aliasing a photo down to a thumbnail.
 *
 * @example resizeBilinear(rgb, 480, 640, 3, 64, 64) // Float32Array of 64*64*3
 */
export function resizeBilinear(
  source: Float32Array,
  sourceHeight: number,
  sourceWidth: number,
  channels: number,
  height: number,
  width: number,
): Float32Array {
  expectInteger(sourceHeight, 'sourceHeight', 1);
  expectInteger(sourceWidth, 'sourceWidth', 1);
  expectInteger(channels, 'channels', 1);
  expectInteger(height, 'height', 1);
  expectInteger(width, 'width', 1);
  if (source.length !== sourceHeight * sourceWidth * channels) {
    throw new ArgumentError('source', `${sourceHeight * sourceWidth * channels} values (${sourceHeight}x${sourceWidth}x${channels})`, `${source.length} values`);
  }
  if (sourceHeight === height && sourceWidth === width) return source.slice();
  // Horizontal pass: [sourceHeight, width, channels]; vertical pass: [height, width, channels].
  const columns = filterTaps(sourceWidth, width);
  const rows = filterTaps(sourceHeight, height);
  const horizontal = new Float32Array(sourceHeight * width * channels);
  for (let y = 0; y < sourceHeight; y++) {
    for (let x = 0; x < width; x++) {
      const { first, weights } = columns[x];
      const out = (y * width + x) * channels;
      for (let k = 0; k < weights.length; k++) {
        const at = (y * sourceWidth + first + k) * channels;
        for (let c = 0; c < channels; c++) horizontal[out + c] += weights[k] * source[at + c];
      }
    }
  }
  const result = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    const { first, weights } = rows[y];
    for (let k = 0; k < weights.length; k++) {
      const rowStart = (first + k) * width * channels;
      const weight = weights[k];
      const outStart = y * width * channels;
      for (let i = 0; i < width * channels; i++) result[outStart + i] += weight * horizontal[rowStart + i];
    }
  }
  return result;
}

/** For each output index, the first source index and the normalized triangle-filter weights. */
function filterTaps(sourceSize: number, size: number): Array<{ first: number; weights: Float64Array }> {
  const scale = sourceSize / size;
  const support = Math.max(scale, 1);
  const taps: Array<{ first: number; weights: Float64Array }> = [];
  for (let i = 0; i < size; i++) {
    const centre = (i + 0.5) * scale;
    const first = Math.max(0, Math.floor(centre - support));
    const last = Math.min(sourceSize - 1, Math.ceil(centre + support));
    const weights = new Float64Array(last - first + 1);
    let total = 0;
    for (let j = first; j <= last; j++) {
      const w = Math.max(0, 1 - Math.abs(j + 0.5 - centre) / support);
      weights[j - first] = w;
      total += w;
    }
    for (let k = 0; k < weights.length; k++) weights[k] /= total;
    taps.push({ first, weights });
  }
  return taps;
}

/** An 8-bit RGBA image, as `ImageData`, pngjs and jpeg-js (with `formatAsRGBA`) give. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/**
 * RGBA bytes to HWC floats in [0, 255] with 1 (luma, ITU-R BT.601 weights), 3 (RGB, alpha
 * ignored) or 4 (RGBA) channels.
 */
export function rgbaToChannels(image: RgbaImage, channels: 1 | 3 | 4, argument = 'image'): Float32Array {
  const { width, height, data } = image ?? ({} as RgbaImage);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || !data || data.length !== width * height * 4) {
    throw new ArgumentError(argument, 'an RGBA image { width, height, data } with width*height*4 bytes', image ? { width, height, bytes: data?.length } : image);
  }
  const pixels = width * height;
  const out = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const r = data[4 * p];
    const g = data[4 * p + 1];
    const b = data[4 * p + 2];
    if (channels === 1) out[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    else {
      out[channels * p] = r;
      out[channels * p + 1] = g;
      out[channels * p + 2] = b;
      if (channels === 4) out[4 * p + 3] = data[4 * p + 3];
    }
  }
  return out;
}
