import { CheckpointError } from '@tfgen/core';
import type { SavedLab } from './protocol';

const DATABASE = 'tfgen-web';
const STORE = 'labs';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = act(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Stores any structured-cloneable record (typed arrays stay typed) in the browser's IndexedDB under `key`. */
export async function saveRecord<T>(key: string, record: T): Promise<void> {
  await transact('readwrite', (store) => store.put(record, key));
}

/** Reads a record stored by {@link saveRecord}; a missing key is a {@link CheckpointError} saying `what` was expected. */
export async function loadRecord<T>(key: string, what: string): Promise<T> {
  const record = (await transact('readonly', (store) => store.get(key))) as T | undefined;
  if (!record) throw new CheckpointError(`IndexedDB ${DATABASE}/${STORE}/${key}`, what, 'nothing saved', 'save first');
  return record;
}

/** Stores a lab (weights as typed arrays, structured-cloned) in the browser's IndexedDB under `key`. */
export async function saveLab(key: string, lab: SavedLab): Promise<void> {
  await saveRecord(key, lab);
}

/** Reads a lab stored by {@link saveLab}; a missing key is a {@link CheckpointError}. */
export async function loadLab(key: string): Promise<SavedLab> {
  return loadRecord<SavedLab>(key, 'a saved lab');
}

const TYPED = { Float32Array, Int32Array, Uint8Array } as const;
type TypedName = keyof typeof TYPED;

/** Bytes as base64 (chunked: `String.fromCharCode` takes a bounded number of arguments). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Any saved run as JSON text for a download: typed arrays become `{ "$typed": "Float32Array",
 * "base64": "..." }` (their little-endian bytes: exact bits, -0 included, and about half the size of
 * a number list).
 */
export function savedToJson(saved: unknown): string {
  return JSON.stringify(saved, (_key, value: unknown) => {
    for (const [name, type] of Object.entries(TYPED)) {
      if (value instanceof type) {
        const array = value as InstanceType<(typeof TYPED)[TypedName]>;
        return { $typed: name, base64: toBase64(new Uint8Array(array.buffer, array.byteOffset, array.byteLength)) };
      }
    }
    return value;
  });
}

/** A typed array from `{ $typed, base64 }` (or `{ $typed, values }`, the number lists of earlier files). */
function typedFromJson(value: { $typed: unknown; base64?: unknown; values?: unknown }): unknown {
  const type = TYPED[value.$typed as TypedName];
  if (!type) throw new Error(`bad typed array ${JSON.stringify(value.$typed)}`);
  if (Array.isArray(value.values)) return type.from(value.values as number[]);
  if (typeof value.base64 !== 'string') throw new Error(`typed array ${String(value.$typed)} without base64 or values`);
  const bytes = fromBase64(value.base64);
  if (bytes.length % type.BYTES_PER_ELEMENT !== 0) throw new Error(`${String(value.$typed)}: ${bytes.length} bytes, not a multiple of ${type.BYTES_PER_ELEMENT}`);
  // A fresh, aligned buffer (the byte copy), viewed as the element type.
  return new type(bytes.buffer as ArrayBuffer, 0, bytes.length / type.BYTES_PER_ELEMENT);
}

/**
 * Parses {@link savedToJson}'s text and checks its `format` and `version`; unreadable text or another
 * format is a {@link CheckpointError} naming `file` and the button that writes such files.
 */
export function savedFromJson<T extends { format: string; version: number }>(text: string, expected: { file: string; format: T['format']; version: T['version']; writtenBy: string }): T {
  let saved: T;
  try {
    saved = JSON.parse(text, (_key, value: unknown) =>
      value && typeof value === 'object' && '$typed' in value ? typedFromJson(value as { $typed: unknown }) : value,
    ) as T;
  } catch (error) {
    throw new CheckpointError(expected.file, `JSON written by "${expected.writtenBy}"`, 'unreadable text', (error as Error).message);
  }
  if (!saved || typeof saved !== 'object' || saved.format !== expected.format || saved.version !== expected.version) {
    throw new CheckpointError(expected.file, `a ${expected.format} file, version ${expected.version}`, saved && typeof saved === 'object' ? `${saved.format} v${saved.version}` : saved);
  }
  return saved;
}

/** A saved lab as JSON text for a download (see {@link savedToJson}). */
export function labToJson(lab: SavedLab): string {
  return savedToJson(lab);
}

/** Parses {@link labToJson}'s text; anything else is a {@link CheckpointError}. */
export function labFromJson(text: string): SavedLab {
  const lab = savedFromJson<SavedLab>(text, { file: 'lab file', format: 'tfgen-web-2d-lab', version: 1, writtenBy: 'Download run' });
  if (!lab.runs?.a) throw new CheckpointError('lab file', 'a tfgen-web-2d-lab file with run A', 'no runs.a');
  return lab;
}
