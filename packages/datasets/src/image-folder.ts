import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { ArgumentError, DataError, expectOneOf } from '@tfgen/core';
import { checkImageShapeOptions, imageToPixels, type ImageShapeOptions } from './image-data';
import { ImageDataset, scaleRange } from './image-dataset';
import type { RgbaImage } from './image-resize';

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions extends ImageShapeOptions {
  /** What to do with a file that cannot be read or decoded: `'fail'` (default) throws a DataError naming it, `'skip'` lists it in `skipped`. */
  onError?: 'skip' | 'fail';
  /** Treat each sub-folder as a class: labels are the sorted sub-folder indices (default false: images directly in `dir`). */
  labelsFromSubfolders?: boolean;
  /** Largest image to decode, in megapixels (default 100), so one huge file cannot exhaust memory. */
  maxMegapixels?: number;
}

/** A file that was skipped, and why. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** The dataset read from a folder, with the files it holds and the files it skipped. */
export class ImageFolderDataset extends ImageDataset {
  /** Path of each image, in dataset order. */
  readonly files: readonly string[] = [];
  /** Unreadable files (only with `onError: 'skip'`). */
  readonly skipped: readonly SkippedFile[] = [];
  /** With `labelsFromSubfolders`, the class names (sub-folder names) by label. */
  readonly classNames?: readonly string[];
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/**
 * Reads every PNG and JPEG file of a folder (sorted by name; other files are ignored),
 * decodes it (pngjs, jpeg-js: pure JS, no native code), converts it to the requested
 * channels and resizes it (bilinear, antialiased) to `height x width`. Nothing is downloaded.
 * Unreadable files are reported by name: thrown as a {@link DataError} (`onError: 'fail'`)
 * or skipped and listed in `skipped` (`onError: 'skip'`).
 *
 * @example
 * const faces = await loadImageFolder('./faces', { height: 64, width: 64, channels: 3, onError: 'skip' });
 * console.log(faces.count, 'images;', faces.skipped.length, 'skipped');
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolderDataset> {
  if (typeof dir !== 'string' || dir === '') throw new ArgumentError('dir', 'a folder path', dir);
  const shape = checkImageShapeOptions(options);
  const onError = expectOneOf(options.onError ?? 'fail', 'onError', ['skip', 'fail'] as const);
  const maxPixels = (options.maxMegapixels ?? 100) * 1e6;
  let info;
  try {
    info = await stat(dir);
  } catch (error) {
    throw new DataError(dir, 'an existing folder of images', 'a missing path', (error as Error).message);
  }
  if (!info.isDirectory()) throw new DataError(dir, 'a folder of images', 'a file');

  const entries: Array<{ file: string; label: number }> = [];
  let classNames: string[] | undefined;
  if (options.labelsFromSubfolders) {
    const items = await readdir(dir, { withFileTypes: true });
    classNames = items.filter((item) => item.isDirectory()).map((item) => item.name).sort();
    if (classNames.length === 0) throw new DataError(dir, 'sub-folders (one per class) with labelsFromSubfolders', 'no sub-folders');
    for (const [label, name] of classNames.entries()) {
      for (const file of await imageFiles(join(dir, name))) entries.push({ file, label });
    }
  } else {
    for (const file of await imageFiles(dir)) entries.push({ file, label: 0 });
  }

  const size = shape.height * shape.width * shape.channels;
  const chunks: Float32Array[] = [];
  const files: string[] = [];
  const labels: number[] = [];
  const skipped: SkippedFile[] = [];
  for (const { file, label } of entries) {
    let pixels: Float32Array;
    try {
      const image = decodeImage(new Uint8Array(await readFile(file)), maxPixels);
      pixels = imageToPixels(image, shape, file);
    } catch (error) {
      const reason = (error as Error).message;
      if (onError === 'fail') throw new DataError(file, 'a readable PNG or JPEG image', 'an unreadable file', reason);
      skipped.push({ file, reason });
      continue;
    }
    chunks.push(pixels);
    files.push(file);
    labels.push(label);
  }
  if (chunks.length === 0) {
    throw new DataError(dir, 'at least one readable PNG or JPEG image', `${entries.length} image files, ${skipped.length} unreadable`);
  }
  const all = new Float32Array(chunks.length * size);
  chunks.forEach((chunk, i) => all.set(chunk, i * size));
  const dataset = new ImageFolderDataset({
    name: options.name ?? dir,
    pixels: all,
    shape: [shape.height, shape.width, shape.channels],
    labels: classNames ? Int32Array.from(labels) : undefined,
    numClasses: classNames?.length,
    valueRange: scaleRange(shape.scale),
  });
  Object.assign(dataset, { files, skipped, classNames });
  return dataset;
}

async function imageFiles(dir: string): Promise<string[]> {
  const items = await readdir(dir, { withFileTypes: true });
  return items
    .filter((item) => item.isFile() && IMAGE_EXTENSIONS.has(extname(item.name).toLowerCase()))
    .map((item) => join(dir, item.name))
    .sort();
}

/**
 * Decodes PNG or JPEG bytes (recognized by their signature, not the file name) to 8-bit RGBA.
 * @throws Error saying what is wrong (unknown format, corrupt data, too large).
 */
export function decodeImage(bytes: Uint8Array, maxPixels = 100e6): RgbaImage {
  const isPng = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  let image: RgbaImage;
  if (isPng) {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    image = { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  } else if (isJpeg) {
    image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1e6 });
  } else {
    throw new Error(`not a PNG or JPEG file (starts with ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'nothing'})`);
  }
  if (image.width * image.height > maxPixels) throw new Error(`image of ${image.width}x${image.height} exceeds ${maxPixels / 1e6} megapixels`);
  return image;
}
