import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** File, inside a report folder, holding one finished model per line (`{ key, row }`). */
export const FINISHED_ROWS_FILE = 'finished-rows.jsonl';

/**
 * The finished models of a report folder, so an interrupted study resumes from them instead of
 * training them again. A row is reused only under the same key (preset sizes, seed, data, model,
 * scorer), and only while every figure it names is still in the folder. Delete the file to start over.
 */
export interface RowCache {
  /** The row stored under `key`, or undefined (also when one of its `files` is missing). */
  get<T>(key: string, files?: (row: T) => readonly string[]): T | undefined;
  /** Appends a finished row (one line: a crash leaves at most a torn last line, which is skipped). */
  put(key: string, row: unknown): void;
}

/** Opens (or starts) the cache of `outDir`; lines that do not parse are ignored. */
export function openRowCache(outDir: string): RowCache {
  const path = join(outDir, FINISHED_ROWS_FILE);
  const rows = new Map<string, unknown>();
  // a torn last line (no newline) must not swallow the next row
  let startOnNewLine = false;
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    startOnNewLine = text.length > 0 && !text.endsWith('\n');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as { key?: unknown; row?: unknown };
        if (typeof entry.key === 'string' && entry.row && typeof entry.row === 'object') rows.set(entry.key, entry.row);
      } catch {
        // a torn line from a killed run: that model is trained again
      }
    }
  }
  return {
    get<T>(key: string, files?: (row: T) => readonly string[]): T | undefined {
      const row = rows.get(key) as T | undefined;
      if (row === undefined) return undefined;
      if (files && !files(row).every((file) => existsSync(join(outDir, file)))) return undefined;
      return row;
    },
    put(key: string, row: unknown): void {
      rows.set(key, row);
      appendFileSync(path, (startOnNewLine ? '\n' : '') + JSON.stringify({ key, row }) + '\n');
      startOnNewLine = false;
    },
  };
}

/** A short, stable fingerprint of JSON-able settings (FNV-1a over the JSON text), for cache keys. */
export function settingsFingerprint(settings: unknown): string {
  const text = JSON.stringify(settings);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * A short fingerprint of numbers (FNV-1a over their float32 bytes), e.g. a classifier's weights:
 * retrained weights change every score computed with them, so they belong in a cache key.
 */
export function valuesFingerprint(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
