import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '@tfgen/core';
import { decodeImage, loadImageFolder } from './image-folder';

function png(width: number, height: number, rgba: [number, number, number, number]): Buffer {
  const image = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) image.data.set(rgba, 4 * i);
  return PNG.sync.write(image);
}

function jpg(width: number, height: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], 4 * i);
  return jpeg.encode({ width, height, data }, 95).data;
}

describe('loadImageFolder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfgen-images-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const flat = join(dir, 'flat');
  mkdirSync(flat);
  writeFileSync(join(flat, 'a-red.png'), png(6, 4, [255, 0, 0, 255]));
  writeFileSync(join(flat, 'b-blue.jpg'), jpg(16, 16, [0, 0, 255]));
  writeFileSync(join(flat, 'c-broken.png'), Buffer.from('this is not a png'));
  writeFileSync(join(flat, 'd-truncated.jpeg'), jpg(8, 8, [0, 255, 0]).subarray(0, 40));
  writeFileSync(join(flat, 'notes.txt'), 'ignored: not an image extension');

  it('decodes PNG and JPEG, resizes and scales; skips unreadable files by name', async () => {
    const data = await loadImageFolder(flat, { height: 8, width: 8, channels: 3, onError: 'skip', scale: '[0,1]' });
    expect(data.count).toBe(2);
    expect(data.shape).toEqual([8, 8, 3]);
    expect(data.files.map((f) => f.slice(flat.length + 1))).toEqual(['a-red.png', 'b-blue.jpg']);
    expect(data.skipped.map((s) => s.file.slice(flat.length + 1))).toEqual(['c-broken.png', 'd-truncated.jpeg']);
    expect(data.skipped[0].reason).toMatch(/not a PNG or JPEG file/);
    const red = data.image(0);
    for (let p = 0; p < 64; p++) expect([red[3 * p], red[3 * p + 1], red[3 * p + 2]]).toEqual([1, 0, 0]);
    const blue = data.image(1);
    for (let p = 0; p < 64; p++) {
      expect(blue[3 * p]).toBeLessThan(0.03);
      expect(blue[3 * p + 2]).toBeGreaterThan(0.97);
    }
  });

  it("onError 'fail' (the default) throws a DataError naming the file", async () => {
    await expect(loadImageFolder(flat, { height: 8, width: 8 })).rejects.toThrow(DataError);
    await expect(loadImageFolder(flat, { height: 8, width: 8 })).rejects.toThrow(/c-broken\.png: expected a readable PNG or JPEG image/);
    await expect(loadImageFolder(join(dir, 'missing'), { height: 8, width: 8 })).rejects.toThrow(/missing: expected an existing folder of images/);
  });

  it('labels from sub-folders, grey channel', async () => {
    const classes = join(dir, 'classes');
    mkdirSync(join(classes, 'cats'), { recursive: true });
    mkdirSync(join(classes, 'dogs'), { recursive: true });
    writeFileSync(join(classes, 'cats', '1.png'), png(3, 3, [255, 255, 255, 255]));
    writeFileSync(join(classes, 'dogs', '1.png'), png(3, 3, [0, 0, 0, 255]));
    writeFileSync(join(classes, 'dogs', '2.jpg'), jpg(3, 3, [0, 0, 0]));
    const data = await loadImageFolder(classes, { height: 2, width: 2, channels: 1, labelsFromSubfolders: true });
    expect(data.classNames).toEqual(['cats', 'dogs']);
    expect(Array.from(data.labels ?? [])).toEqual([0, 1, 1]);
    expect(data.numClasses).toBe(2);
    expect(Array.from(data.image(0))).toEqual([1, 1, 1, 1]);
    expect(Math.max(...Array.from(data.image(2)))).toBeLessThan(-0.95);
  });

  it('decodeImage recognizes formats by their signature', () => {
    expect(decodeImage(new Uint8Array(png(2, 3, [1, 2, 3, 4])))).toMatchObject({ width: 2, height: 3 });
    expect(() => decodeImage(new Uint8Array([0x47, 0x49, 0x46, 0x38]))).toThrow(/not a PNG or JPEG file \(starts with 47 49 46 38\)/);
    expect(() => decodeImage(new Uint8Array(png(40, 30, [0, 0, 0, 255])), 1000)).toThrow(/image of 40x30 exceeds 0.001 megapixels/);
  });
});
