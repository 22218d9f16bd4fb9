import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '@tfgen/core';
import { loadFashionMnist, fashionMnistClassNames } from './fashion-mnist';
import { parseFashionClassJson } from './fashion-mnist-json';
import { packageDirectory } from './package-files';

const clothes = join(packageDirectory('fashion-mnist'), 'src', 'clothes');
const encode = (text: string) => new TextEncoder().encode(text);

describe('parseFashionClassJson', () => {
  it('reads records of pixelsPerImage grey levels, skipping empty records', () => {
    const parsed = parseFashionClassJson(encode('{"data":[[0,1,2,255],[],[ 9 , 8,7,6 ]]}\n'), 'x.json', { pixelsPerImage: 4 });
    expect(parsed.count).toBe(2);
    expect(parsed.emptyRecords).toBe(1);
    expect(Array.from(parsed.bytes)).toEqual([0, 1, 2, 255, 9, 8, 7, 6]);
    expect(parseFashionClassJson(encode('{"data":[]}'), 'x.json', { pixelsPerImage: 4 }).count).toBe(0);
    const firstOnly = parseFashionClassJson(encode('{"data":[[1,1],[2,2],[3'), 'x.json', { pixelsPerImage: 2, maxImages: 2 });
    expect(Array.from(firstOnly.bytes)).toEqual([1, 1, 2, 2]);
  });

  it('names the file and byte offset of corrupt or truncated content', () => {
    const cases: Array<[string, RegExp]> = [
      ['{"images":[]}', /x\.json: expected a fashion-mnist JSON file starting with \{"data":\[/],
      ['{"data":[[1,2,3]]}', /x\.json: expected "\]" after 2 pixels.*too many values/],
      ['{"data":[[1]]}', /x\.json: expected "," \(an image has 2 pixels\).*at byte 11/],
      ['{"data":[[1,256]]}', /x\.json: expected a grey level \(integer 0\.\.255\).*pixel 1/],
      ['{"data":[[1,-2]]}', /x\.json: expected a grey level/],
      ['{"data":[[1,2.5]]}', /x\.json: expected "\]" after 2 pixels/],
      ['{"data":[[1,2],[3,4]', /x\.json: expected "," or "\]" after an image record, got "end of file"/],
      ['{"data":[[1,2]]} extra', /x\.json: expected the end of the file after "\}"/],
      ['', /x\.json: expected a fashion-mnist JSON file/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseFashionClassJson(encode(text), 'x.json', { pixelsPerImage: 2 })).toThrow(DataError);
      expect(() => parseFashionClassJson(encode(text), 'x.json', { pixelsPerImage: 2 })).toThrow(message);
    }
  });

  it('parses a real class file completely: 7000 images, agreeing with JSON.parse', () => {
    const bytes = readFileSync(join(clothes, '0.json'));
    const parsed = parseFashionClassJson(new Uint8Array(bytes), '0.json');
    expect(parsed.count).toBe(7000);
    expect(parsed.emptyRecords).toBe(2);
    const reference = (JSON.parse(bytes.toString('utf8')).data as number[][]).filter((r) => r.length > 0);
    expect(reference.length).toBe(7000);
    for (const index of [0, 999, 1000, 4321, 6999]) {
      expect(Array.from(parsed.bytes.subarray(index * 784, (index + 1) * 784))).toEqual(reference[index]);
    }
  });
});

describe('loadFashionMnist', () => {
  // The whole test split is parsed once (every class file must be read to its end) and shared.
  let fullTest: ReturnType<typeof loadFashionMnist>;
  beforeAll(() => {
    fullTest = loadFashionMnist({ split: 'test', scale: '[0,1]' });
  });

  it('has 60,000 train and 10,000 test images, 28x28x1, balanced labels 0..9', () => {
    const train = loadFashionMnist({ split: 'train', limit: 60000 });
    expect(train.count).toBe(60000);
    expect(train.shape).toEqual([28, 28, 1]);
    const test = fullTest;
    expect(test.count).toBe(10000);
    for (const data of [train, test]) {
      const histogram = new Array(10).fill(0);
      for (const label of data.labels ?? []) histogram[label]++;
      expect(histogram).toEqual(new Array(10).fill(data.count / 10));
    }
    let min = Infinity;
    let max = -Infinity;
    for (const v of train.pixels) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([-1, 1]);
    expect(fashionMnistClassNames[9]).toBe('Ankle boot');
  });

  it('limit gives a balanced, interleaved subset; test images are disjoint from train images', () => {
    const train = loadFashionMnist({ split: 'train', limit: 25, scale: '[0,1]' });
    expect(Array.from(train.labels ?? [])).toEqual(Array.from({ length: 25 }, (_, i) => i % 10));
    const test = fullTest.take(20);
    const key = (pixels: Float32Array) => Array.from(pixels).join(',');
    const trainKeys = new Set(Array.from({ length: train.count }, (_, i) => key(train.image(i))));
    for (let i = 0; i < test.count; i++) expect(trainKeys.has(key(test.image(i)))).toBe(false);
    // [0,1] scale is the file's grey levels / 255: image 0 of class 0 is the file's first record.
    const firstRecord = JSON.parse(readFileSync(join(clothes, '0.json'), 'utf8').slice(0, 20000).replace(/^\{"data":\[/, '').split(']')[0] + ']');
    let worst = 0;
    for (let p = 0; p < 784; p++) worst = Math.max(worst, Math.abs(train.pixels[p] - firstRecord[p] / 255));
    expect(worst).toBeLessThan(1e-7);
  });

  describe('corrupt package files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfgen-fashion-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it('a truncated class file is a DataError naming the file', () => {
      // Class files are read in label order, so a truncated 0.json fails first.
      const bytes = readFileSync(join(clothes, '0.json'));
      writeFileSync(join(dir, '0.json'), bytes.subarray(0, Math.floor(bytes.length / 2)));
      expect(() => loadFashionMnist({ split: 'test', directory: dir })).toThrow(DataError);
      expect(() => loadFashionMnist({ split: 'test', directory: dir })).toThrow(/0\.json: expected .*at byte/);
      // A file with too few images for the split (well-formed but short) is named too.
      writeFileSync(join(dir, '0.json'), '{"data":[[' + new Array(784).fill(0).join(',') + ']]}');
      expect(() => loadFashionMnist({ split: 'test', directory: dir })).toThrow(/0\.json: expected 7000 images, got "1 images"/);
    });
  });
});
