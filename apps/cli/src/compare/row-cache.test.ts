import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINISHED_ROWS_FILE, openRowCache, settingsFingerprint, valuesFingerprint } from './row-cache';

describe('row cache', () => {
  it('returns rows written by an earlier run, skips torn lines and rows whose figures are gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfgen-row-cache-'));
    try {
      const first = openRowCache(dir);
      expect(first.get('a')).toBeUndefined();
      writeFileSync(join(dir, 'a.png'), 'x');
      first.put('a', { model: 'gan', file: 'a.png' });
      first.put('b', { model: 'vae', file: 'b.png' }); // b.png never written
      appendFileSync(join(dir, FINISHED_ROWS_FILE), '{"key":"c","row":{"mod'); // killed mid-write
      const second = openRowCache(dir);
      const files = (row: { file: string }) => [row.file];
      expect(second.get<{ model: string; file: string }>('a', files)).toEqual({ model: 'gan', file: 'a.png' });
      expect(second.get('b', files)).toBeUndefined();
      expect(second.get('b')).toEqual({ model: 'vae', file: 'b.png' });
      expect(second.get('c')).toBeUndefined();
      second.put('c', { model: 'pixelcnn' });
      expect(openRowCache(dir).get('c')).toEqual({ model: 'pixelcnn' });
      expect(readFileSync(join(dir, FINISHED_ROWS_FILE), 'utf8').split('\n').filter(Boolean).length).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fingerprints settings stably and tells different ones apart', () => {
    expect(settingsFingerprint({ steps: 300, batch: 64 })).toBe(settingsFingerprint({ steps: 300, batch: 64 }));
    expect(settingsFingerprint({ steps: 300, batch: 64 })).not.toBe(settingsFingerprint({ steps: 301, batch: 64 }));
    expect(settingsFingerprint('')).toMatch(/^[0-9a-f]{8}$/);
  });

  it('fingerprints numbers by their exact bits (a one-ulp change in one weight changes the key)', () => {
    const weights = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const nudged = weights.slice();
    nudged[517] = new Float32Array([nudged[517] * (1 + 2 ** -23)])[0];
    expect(nudged[517]).not.toBe(weights[517]);
    expect(valuesFingerprint(weights)).toBe(valuesFingerprint(weights.slice()));
    expect(valuesFingerprint(nudged)).not.toBe(valuesFingerprint(weights));
    expect(valuesFingerprint(weights.subarray(1))).not.toBe(valuesFingerprint(weights));
    expect(valuesFingerprint(new Float32Array(0))).toBe('811c9dc5'); // FNV-1a offset basis: nothing hashed
  });
});
