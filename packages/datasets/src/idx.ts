import { DataError } from '@tfgen/core';

/** Element types an IDX file can hold, by the type code in its magic number. */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A parsed IDX file: its element type, dimensions and data (row-major, host endianness). */
export interface IdxArray {
  readonly dtype: IdxDtype;
  readonly shape: readonly number[];
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
};

/**
 * Parses an IDX file (the format of the original MNIST files: a magic number
 * `0x00 0x00 <type> <rank>`, `rank` big-endian uint32 dimensions, then the data, big-endian).
 * Every field is checked: a truncated, padded or corrupt file throws a {@link DataError}
 * naming `fileName` and what is wrong.
 *
 * @example
 * const labels = parseIdx(readFileSync('train-labels-idx1-ubyte'), 'train-labels-idx1-ubyte');
 * labels.shape; // [60000]
 */
export function parseIdx(bytes: Uint8Array, fileName = 'IDX data'): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new DataError(fileName, 'the bytes of an IDX file (Uint8Array)', bytes);
  if (bytes.length < 4) {
    throw new DataError(fileName, 'an IDX file of at least 4 bytes (magic number)', `${bytes.length} bytes`, 'truncated header');
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(fileName, 'an IDX magic number starting with two zero bytes', `0x${hex(bytes[0])} 0x${hex(bytes[1])}`, 'not an IDX file (gzipped? decompress it first)');
  }
  const type = TYPES[bytes[2]];
  if (!type) {
    throw new DataError(fileName, 'an IDX type code among 0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e', `0x${hex(bytes[2])}`, 'corrupt magic number');
  }
  const rank = bytes[3];
  if (rank < 1) throw new DataError(fileName, 'an IDX rank >= 1', rank, 'corrupt magic number');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataError(fileName, `an IDX header of ${headerBytes} bytes for rank ${rank}`, `${bytes.length} bytes`, 'truncated header');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const size = view.getUint32(4 + 4 * i, false);
    shape.push(size);
    count *= size;
  }
  if (!Number.isSafeInteger(count * type.bytes) || count * type.bytes > 2 ** 32) {
    throw new DataError(fileName, 'IDX dimensions describing at most 4 GiB of data', shape, 'corrupt dimensions');
  }
  const expectedBytes = headerBytes + count * type.bytes;
  if (bytes.length < expectedBytes) {
    throw new DataError(
      fileName,
      `${expectedBytes} bytes for ${type.dtype} data of shape [${shape.join(', ')}]`,
      `${bytes.length} bytes`,
      `truncated: ${expectedBytes - bytes.length} bytes missing`,
    );
  }
  if (bytes.length > expectedBytes) {
    throw new DataError(
      fileName,
      `${expectedBytes} bytes for ${type.dtype} data of shape [${shape.join(', ')}]`,
      `${bytes.length} bytes`,
      `${bytes.length - expectedBytes} unexpected trailing bytes (wrong dimensions?)`,
    );
  }
  return { dtype: type.dtype, shape, data: readData(view, headerBytes, count, type.dtype) };
}

function readData(view: DataView, offset: number, count: number, dtype: IdxDtype): IdxArray['data'] {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * Encodes an array as an IDX file (big-endian), the inverse of {@link parseIdx}.
 * Useful to save a dataset in the MNIST format or to craft test files.
 */
export function encodeIdx(array: IdxArray): Uint8Array {
  const code = Number(Object.keys(TYPES).find((key) => TYPES[Number(key)].dtype === array.dtype));
  const type = TYPES[code];
  if (!type) throw new DataError('array.dtype', 'an IDX dtype', array.dtype);
  const count = array.shape.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new DataError('array.data', `${count} elements for shape [${array.shape.join(', ')}]`, `${array.data.length} elements`);
  }
  const headerBytes = 4 + 4 * array.shape.length;
  const out = new Uint8Array(headerBytes + count * type.bytes);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.shape.length;
  array.shape.forEach((size, i) => view.setUint32(4 + 4 * i, size, false));
  for (let i = 0; i < count; i++) {
    const at = headerBytes + i * type.bytes;
    const value = array.data[i];
    if (type.dtype === 'uint8') view.setUint8(at, value);
    else if (type.dtype === 'int8') view.setInt8(at, value);
    else if (type.dtype === 'int16') view.setInt16(at, value, false);
    else if (type.dtype === 'int32') view.setInt32(at, value, false);
    else if (type.dtype === 'float32') view.setFloat32(at, value, false);
    else view.setFloat64(at, value, false);
  }
  return out;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
