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

/**
 * A saved lab as JSON text for a download: typed arrays become `{ "$typed": "Float32Array",
 * "values": [...] }` (float32 values print exactly as JSON numbers and parse back bit for bit).
 */
export function labToJson(lab: SavedLab): string {
  return JSON.stringify(lab, (_key, value: unknown) => {
    for (const [name, type] of Object.entries(TYPED)) {
      if (value instanceof type) return { $typed: name, values: Array.from(value as ArrayLike<number>) };
    }
    return value;
  });
}

/** Parses {@link labToJson}'s text; anything else is a {@link CheckpointError}. */
export function labFromJson(text: string): SavedLab {
  let lab: SavedLab;
  try {
    lab = JSON.parse(text, (_key, value: unknown) => {
      if (value && typeof value === 'object' && '$typed' in value) {
        const { $typed, values } = value as { $typed: keyof typeof TYPED; values: number[] };
        const type = TYPED[$typed];
        if (!type || !Array.isArray(values)) throw new Error(`bad typed array ${JSON.stringify($typed)}`);
        return type.from(values);
      }
      return value;
    }) as SavedLab;
  } catch (error) {
    throw new CheckpointError('lab file', 'JSON written by "Download run"', 'unreadable text', (error as Error).message);
  }
  if (!lab || lab.format !== 'tfgen-web-2d-lab' || lab.version !== 1 || !lab.runs?.a) {
    throw new CheckpointError('lab file', 'a tfgen-web-2d-lab file, version 1', lab && typeof lab === 'object' ? `${lab.format} v${lab.version}` : lab);
  }
  return lab;
}
