import { CheckpointError } from './errors';
import { crc32 } from './crc32';
import type { RngState } from './random';
import type { JsonObject, JsonValue, StepMetrics } from './types';

/** Element types a checkpoint stores (tfjs' numeric dtypes; `bool` as one byte per element). */
export type CheckpointDType = 'float32' | 'int32' | 'bool';

/** A named array of values with its shape: one model variable or optimizer slot, off any backend. */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: CheckpointDType;
  readonly values: Float32Array | Int32Array | Uint8Array;
}

/**
 * The state of one optimizer: its iteration count, its slots (`await optimizer.getWeights()`
 * minus the iteration entry: Adam's first and second moments, RMSProp's mean squares...)
 * and private accumulators tfjs does not expose through `getWeights`, such as Adam's
 * running powers `accBeta1`/`accBeta2` (restoring those exactly is what makes a resumed
 * Adam run bit-identical; tfjs' own `setWeights` recomputes them with `pow`, which rounds differently).
 */
export interface OptimizerSnapshot {
  readonly className: string;
  readonly iterations: number;
  readonly slots: readonly NamedArray[];
  readonly extras: readonly NamedArray[];
}

/** Everything a checkpoint holds. `step` counts completed steps (the next step's zero-based index). */
export interface CheckpointContents {
  /** The model kind (`TrainableModel.kind`); checked on restore. */
  readonly kind: string;
  /** The model configuration (`TrainableModel.config()`), to rebuild the model. */
  readonly config: JsonObject;
  readonly step: number;
  /** The Trainer's root generator state. */
  readonly rngState: RngState;
  /** The data iterator's state (`BatchIterator.getState()`). */
  readonly dataState: JsonValue;
  /** The metrics of the last completed step. */
  readonly metrics?: StepMetrics;
  /** Free-form JSON for callers (e.g. the CLI's run options). */
  readonly extra?: JsonObject;
  readonly variables: readonly NamedArray[];
  readonly optimizers: Readonly<Record<string, OptimizerSnapshot>>;
}

/** The 8 bytes every tfgen checkpoint starts with. */
export const CHECKPOINT_MAGIC = 'TFGENCKP';
/** The checkpoint format version this build writes and reads. */
export const CHECKPOINT_VERSION = 1;

const PREFIX_BYTES = 20; // magic (8) + version (4) + header length (4) + header CRC-32 (4)
const BYTES_PER_ELEMENT: Record<CheckpointDType, number> = { float32: 4, int32: 4, bool: 1 };
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

interface ArrayEntry {
  name: string;
  shape: number[];
  dtype: CheckpointDType;
  offset: number;
  byteLength: number;
}

interface Header {
  format: 'tfgen-checkpoint';
  kind: string;
  config: JsonObject;
  step: number;
  rngState: number[];
  dataState: JsonValue;
  metrics?: StepMetrics;
  extra?: JsonObject;
  tensors: ArrayEntry[];
  optimizers: Record<string, { className: string; iterations: number; slots: ArrayEntry[]; extras: ArrayEntry[] }>;
  payloadByteLength: number;
  payloadCrc32: number;
}

/**
 * Encodes a checkpoint as one self-describing byte array: magic bytes, format version,
 * a CRC-checked JSON header (kind, config, step, RNG and data state, and for every
 * array its name, shape, dtype, offset and length) and a little-endian payload with its
 * own CRC-32. Works in browsers and Node; `writeCheckpointFile` (node entry) stores it atomically.
 */
export function encodeCheckpoint(contents: CheckpointContents): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const place = (array: NamedArray, where: string): ArrayEntry => {
    checkArray(array, where);
    const bytes = toLittleEndian(array.values);
    const entry = { name: array.name, shape: [...array.shape], dtype: array.dtype, offset, byteLength: bytes.byteLength };
    chunks.push(bytes);
    offset += bytes.byteLength;
    const padding = (4 - (offset % 4)) % 4;
    if (padding) {
      chunks.push(new Uint8Array(padding));
      offset += padding;
    }
    return entry;
  };
  const tensors = contents.variables.map((v) => place(v, 'variables'));
  const optimizers: Header['optimizers'] = {};
  for (const [role, snapshot] of Object.entries(contents.optimizers)) {
    optimizers[role] = {
      className: snapshot.className,
      iterations: snapshot.iterations,
      slots: snapshot.slots.map((s) => place(s, `optimizers.${role}.slots`)),
      extras: snapshot.extras.map((s) => place(s, `optimizers.${role}.extras`)),
    };
  }
  const payload = concat(chunks, offset);
  const header: Header = {
    format: 'tfgen-checkpoint',
    kind: contents.kind,
    config: contents.config,
    step: contents.step,
    rngState: [...contents.rngState],
    dataState: contents.dataState ?? null,
    ...(contents.metrics ? { metrics: contents.metrics } : {}),
    ...(contents.extra ? { extra: contents.extra } : {}),
    tensors,
    optimizers,
    payloadByteLength: payload.byteLength,
    payloadCrc32: crc32(payload),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(PREFIX_BYTES + headerBytes.byteLength + payload.byteLength);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(CHECKPOINT_MAGIC), 0);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, headerBytes.byteLength, true);
  view.setUint32(16, crc32(headerBytes), true);
  out.set(headerBytes, PREFIX_BYTES);
  out.set(payload, PREFIX_BYTES + headerBytes.byteLength);
  return out;
}

/**
 * Decodes and validates bytes from {@link encodeCheckpoint}. Wrong magic, another format
 * version, a truncated or over-long file, a CRC mismatch or a malformed header each throw a
 * {@link CheckpointError} whose argument is `source` (give the file name).
 */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointContents {
  const { header, headerLength } = readHeader(bytes, source);
  const payloadStart = PREFIX_BYTES + headerLength;
  const available = bytes.byteLength - payloadStart;
  if (available < header.payloadByteLength) {
    throw new CheckpointError(source, `a payload of ${header.payloadByteLength} bytes`, `${available} bytes`, 'truncated file');
  }
  if (available > header.payloadByteLength) {
    throw new CheckpointError(source, `a payload of ${header.payloadByteLength} bytes`, `${available} bytes`, 'trailing bytes after the payload');
  }
  const payload = bytes.subarray(payloadStart);
  const payloadCrc = crc32(payload);
  if (payloadCrc !== header.payloadCrc32) {
    throw new CheckpointError(source, `payload CRC-32 ${hex(header.payloadCrc32)}`, hex(payloadCrc), 'corrupt payload');
  }
  const read = (entry: ArrayEntry, where: string): NamedArray => {
    const count = entry.shape.reduce((n, d) => n * d, 1);
    const expectedBytes = count * BYTES_PER_ELEMENT[entry.dtype];
    if (entry.byteLength !== expectedBytes || entry.offset + entry.byteLength > payload.byteLength) {
      throw new CheckpointError(`${source}: ${where} ${JSON.stringify(entry.name)}`, `${expectedBytes} bytes inside the payload`, `${entry.byteLength} bytes at offset ${entry.offset}`, 'corrupt header');
    }
    return { name: entry.name, shape: entry.shape, dtype: entry.dtype, values: fromLittleEndian(payload.subarray(entry.offset, entry.offset + entry.byteLength), entry.dtype) };
  };
  const optimizers: Record<string, OptimizerSnapshot> = {};
  for (const [role, o] of Object.entries(header.optimizers)) {
    optimizers[role] = {
      className: o.className,
      iterations: o.iterations,
      slots: o.slots.map((s) => read(s, `optimizer ${role} slot`)),
      extras: o.extras.map((s) => read(s, `optimizer ${role} extra`)),
    };
  }
  return {
    kind: header.kind,
    config: header.config,
    step: header.step,
    rngState: header.rngState as unknown as RngState,
    dataState: header.dataState,
    ...(header.metrics ? { metrics: header.metrics } : {}),
    ...(header.extra ? { extra: header.extra } : {}),
    variables: header.tensors.map((t) => read(t, 'variable')),
    optimizers,
  };
}

/**
 * Reads and checks only the prefix and JSON header (kind, step, config, metrics), not the
 * payload: cheap enough to list the checkpoints of many runs.
 */
export function peekCheckpointHeader(
  bytes: Uint8Array,
  source = 'checkpoint',
): { kind: string; step: number; config: JsonObject; metrics?: StepMetrics; extra?: JsonObject } {
  const { header } = readHeader(bytes, source);
  return { kind: header.kind, step: header.step, config: header.config, metrics: header.metrics, extra: header.extra };
}

function readHeader(bytes: Uint8Array, source: string): { header: Header; headerLength: number } {
  if (!(bytes instanceof Uint8Array)) throw new CheckpointError(source, 'checkpoint bytes (a Uint8Array)', bytes);
  if (bytes.byteLength < PREFIX_BYTES) {
    throw new CheckpointError(source, `at least ${PREFIX_BYTES} bytes`, `${bytes.byteLength} bytes`, 'truncated file');
  }
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== CHECKPOINT_MAGIC) {
    throw new CheckpointError(source, `magic bytes ${JSON.stringify(CHECKPOINT_MAGIC)}`, magic, 'not a tfgen checkpoint');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(source, `format version ${CHECKPOINT_VERSION}`, version, 'written by another tfgen version');
  }
  const headerLength = view.getUint32(12, true);
  if (PREFIX_BYTES + headerLength > bytes.byteLength) {
    throw new CheckpointError(source, `a header of ${headerLength} bytes`, `${bytes.byteLength - PREFIX_BYTES} bytes after the prefix`, 'truncated file');
  }
  const headerBytes = bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength);
  const headerCrc = crc32(headerBytes);
  if (headerCrc !== view.getUint32(16, true)) {
    throw new CheckpointError(source, `header CRC-32 ${hex(view.getUint32(16, true))}`, hex(headerCrc), 'corrupt header');
  }
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(headerBytes)) as Header;
  } catch (error) {
    throw new CheckpointError(source, 'a JSON header', 'unparsable text', (error as Error).message);
  }
  validateHeader(header, source);
  return { header, headerLength };
}

function validateHeader(header: Header, source: string): void {
  const fail = (field: string, expected: string, actual: unknown): never => {
    throw new CheckpointError(`${source}: header.${field}`, expected, actual, 'corrupt header');
  };
  if (!header || typeof header !== 'object') fail('', 'an object', header);
  if (header.format !== 'tfgen-checkpoint') fail('format', '"tfgen-checkpoint"', header.format);
  if (typeof header.kind !== 'string') fail('kind', 'a string', header.kind);
  if (!Number.isInteger(header.step) || header.step < 0) fail('step', 'an integer >= 0', header.step);
  if (!Array.isArray(header.rngState) || header.rngState.length !== 4) fail('rngState', 'four 32-bit words', header.rngState);
  if (!Number.isInteger(header.payloadByteLength) || header.payloadByteLength < 0) fail('payloadByteLength', 'an integer >= 0', header.payloadByteLength);
  if (!Number.isInteger(header.payloadCrc32)) fail('payloadCrc32', 'an integer', header.payloadCrc32);
  const entries = (list: unknown, field: string) => {
    if (!Array.isArray(list)) fail(field, 'an array', list);
    (list as ArrayEntry[]).forEach((e, i) => {
      const ok =
        e && typeof e.name === 'string' && Array.isArray(e.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0) &&
        (e.dtype === 'float32' || e.dtype === 'int32' || e.dtype === 'bool') && Number.isInteger(e.offset) && e.offset >= 0 && Number.isInteger(e.byteLength);
      if (!ok) fail(`${field}[${i}]`, '{name, shape, dtype, offset, byteLength}', e);
    });
  };
  entries(header.tensors, 'tensors');
  if (!header.optimizers || typeof header.optimizers !== 'object') fail('optimizers', 'an object', header.optimizers);
  for (const [role, o] of Object.entries(header.optimizers)) {
    if (typeof o?.className !== 'string' || !Number.isInteger(o.iterations)) fail(`optimizers.${role}`, '{className, iterations, slots, extras}', o);
    entries(o.slots, `optimizers.${role}.slots`);
    entries(o.extras, `optimizers.${role}.extras`);
  }
}

function checkArray(array: NamedArray, where: string): void {
  const count = array.shape.reduce((n, d) => n * d, 1);
  const bytesPerElement = BYTES_PER_ELEMENT[array.dtype];
  if (bytesPerElement === undefined) throw new CheckpointError(`${where}: ${array.name}`, 'dtype float32, int32 or bool', array.dtype);
  if (array.values.length !== count) {
    throw new CheckpointError(`${where}: ${array.name}`, `${count} values for shape [${array.shape.join(', ')}]`, `${array.values.length} values`);
  }
}

function toLittleEndian(values: Float32Array | Int32Array | Uint8Array): Uint8Array {
  if (values instanceof Uint8Array) return values;
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) view.setFloat32(i * 4, values[i], true);
    else view.setInt32(i * 4, values[i], true);
  }
  return out;
}

function fromLittleEndian(bytes: Uint8Array, dtype: CheckpointDType): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'bool') return bytes.slice();
  const count = bytes.byteLength / 4;
  const copy = bytes.slice(); // aligned, owned copy
  if (LITTLE_ENDIAN) return dtype === 'float32' ? new Float32Array(copy.buffer, 0, count) : new Int32Array(copy.buffer, 0, count);
  const view = new DataView(copy.buffer);
  const out = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = dtype === 'float32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
  return out;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
