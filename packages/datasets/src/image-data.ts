import { ArgumentError, expectInteger, expectOneOf } from '@tfgen/core';
import { ImageDataset, scaleRange, type PixelScale } from './image-dataset';
import { resizeBilinear, rgbaToChannels, type RgbaImage } from './image-resize';

/** Target shape and scale of user images. */
export interface ImageShapeOptions {
  height: number;
  width: number;
  /** 1 (grey), 3 (RGB, default) or 4 (RGBA). */
  channels?: 1 | 3 | 4;
  /** Pixel range, default `'[-1,1]'`. */
  scale?: PixelScale;
  /** Dataset name (default `'images'`). */
  name?: string;
}

/** Checks image-shape options; returns them with defaults filled in. */
export function checkImageShapeOptions(options: ImageShapeOptions): Required<Omit<ImageShapeOptions, 'name'>> & { name: string } {
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an options object with height and width', options);
  const height = expectInteger(options.height, 'height', 1);
  const width = expectInteger(options.width, 'width', 1);
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new ArgumentError('channels', '1, 3 or 4', channels);
  const scale = expectOneOf(options.scale ?? '[-1,1]', 'scale', ['[0,1]', '[-1,1]'] as const);
  return { height, width, channels, scale, name: options.name ?? 'images' };
}

/** One RGBA image to scaled HWC floats of the target shape. */
export function imageToPixels(image: RgbaImage, options: ImageShapeOptions, argument = 'image'): Float32Array {
  const { height, width, channels, scale } = checkImageShapeOptions(options);
  const converted = rgbaToChannels(image, channels, argument);
  const resized = resizeBilinear(converted, image.height, image.width, channels, height, width);
  const [low, high] = scaleRange(scale);
  for (let i = 0; i < resized.length; i++) resized[i] = low + ((high - low) * Math.min(255, Math.max(0, resized[i]))) / 255;
  return resized;
}

/**
 * A dataset from decoded RGBA images (browser `ImageData`, or anything with
 * `{ width, height, data }`), resized to one shape and scaled.
 *
 * @example
 * const data = fromImageData([ctx.getImageData(0, 0, w, h)], { height: 64, width: 64 });
 */
export function fromImageData(images: readonly RgbaImage[], options: ImageShapeOptions): ImageDataset {
  const checked = checkImageShapeOptions(options);
  if (!Array.isArray(images) || images.length === 0) throw new ArgumentError('images', 'a non-empty array of images', images);
  const size = checked.height * checked.width * checked.channels;
  const pixels = new Float32Array(images.length * size);
  images.forEach((image, i) => pixels.set(imageToPixels(image, checked, `images[${i}]`), i * size));
  return new ImageDataset({
    name: checked.name,
    pixels,
    shape: [checked.height, checked.width, checked.channels],
    valueRange: scaleRange(checked.scale),
  });
}
