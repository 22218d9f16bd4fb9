import { ArgumentError, DataError, expectOneOf } from '@tfgen/core';
import { fromImageData, type ImageShapeOptions } from './image-data';
import type { ImageDataset } from './image-dataset';
import type { RgbaImage } from './image-resize';

/** Options of {@link loadImageUrls}. */
export interface ImageUrlOptions extends ImageShapeOptions {
  /** `'fail'` (default) throws a DataError naming the URL; `'skip'` leaves the image out and calls `onSkip`. */
  onError?: 'skip' | 'fail';
  /** Told about each skipped URL and why. */
  onSkip?: (url: string, reason: string) => void;
}

/**
 * Browser only: fetches images (any format the browser decodes), draws each on a canvas and
 * builds a dataset of the requested shape. Uses `fetch`, `createImageBitmap` and
 * `OffscreenCanvas` (or a `<canvas>`), none of which Node has.
 *
 * @example
 * const data = await loadImageUrls(['/img/a.png', '/img/b.jpg'], { height: 64, width: 64 });
 */
export async function loadImageUrls(urls: readonly string[], options: ImageUrlOptions): Promise<ImageDataset> {
  if (!Array.isArray(urls) || urls.length === 0) throw new ArgumentError('urls', 'a non-empty array of image URLs', urls);
  const onError = expectOneOf(options?.onError ?? 'fail', 'onError', ['skip', 'fail'] as const);
  if (typeof fetch !== 'function' || typeof createImageBitmap !== 'function') {
    throw new ArgumentError('loadImageUrls', 'a browser (fetch and createImageBitmap)', 'an environment without them');
  }
  const images: RgbaImage[] = [];
  for (const url of urls) {
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      const bitmap = await createImageBitmap(await response.blob());
      images.push(bitmapToImageData(bitmap));
      bitmap.close();
    } catch (error) {
      const reason = (error as Error).message;
      if (onError === 'fail') throw new DataError(url, 'a readable image URL', 'an unreadable image', reason);
      options.onSkip?.(url, reason);
    }
  }
  if (images.length === 0) throw new DataError('urls', 'at least one readable image', `${urls.length} unreadable URLs`);
  return fromImageData(images, options);
}

function bitmapToImageData(bitmap: ImageBitmap): ImageData {
  const { width, height } = bitmap;
  if (typeof OffscreenCanvas === 'function') {
    const context = new OffscreenCanvas(width, height).getContext('2d');
    if (!context) throw new Error('no 2d context on OffscreenCanvas');
    context.drawImage(bitmap, 0, 0);
    return context.getImageData(0, 0, width, height);
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas context');
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, width, height);
}
