import { afterEach, describe, expect, it, vi } from 'vitest';
import { DataError } from '@tfgen/core';
import { loadImageUrls } from './image-urls';

/**
 * Node has fetch but no createImageBitmap / OffscreenCanvas: stand-ins play the browser, so the
 * URL handling, error reporting and pixel path are tested here (the bundle test covers the rest).
 */
function fakeBrowser(images: Record<string, { width: number; height: number; rgba: [number, number, number, number] }>) {
  vi.stubGlobal('fetch', async (url: string) => {
    const image = images[url];
    if (!image) return { ok: false, status: 404, statusText: 'Not Found', blob: async () => new Blob() };
    return { ok: true, status: 200, statusText: 'OK', blob: async () => new Blob([url]) };
  });
  vi.stubGlobal('createImageBitmap', async (blob: Blob) => {
    const url = await blob.text();
    const { width, height } = images[url];
    if (url.endsWith('.corrupt')) throw new Error('The source image could not be decoded.');
    return { width, height, url, close: () => undefined };
  });
  class FakeCanvas {
    constructor(readonly width: number, readonly height: number) {}
    getContext() {
      let drawn: { url: string } | undefined;
      return {
        drawImage: (bitmap: { url: string }) => (drawn = bitmap),
        getImageData: (_x: number, _y: number, width: number, height: number) => {
          const { rgba } = images[drawn?.url ?? ''];
          const data = new Uint8ClampedArray(width * height * 4);
          for (let i = 0; i < width * height; i++) data.set(rgba, 4 * i);
          return { width, height, data };
        },
      };
    }
  }
  vi.stubGlobal('OffscreenCanvas', FakeCanvas);
}

describe('loadImageUrls (browser entry, with browser stand-ins)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('fetches, decodes, resizes and scales images; skips unreadable URLs by name', async () => {
    fakeBrowser({
      '/a.png': { width: 4, height: 2, rgba: [255, 0, 0, 255] },
      '/b.corrupt': { width: 4, height: 4, rgba: [0, 0, 0, 255] },
    });
    const skipped: string[] = [];
    const data = await loadImageUrls(['/a.png', '/missing.png', '/b.corrupt'], {
      height: 3,
      width: 3,
      scale: '[0,1]',
      onError: 'skip',
      onSkip: (url, reason) => skipped.push(`${url}: ${reason}`),
    });
    expect(data.count).toBe(1);
    expect(data.shape).toEqual([3, 3, 3]);
    expect(Array.from(data.image(0).subarray(0, 3))).toEqual([1, 0, 0]);
    expect(skipped).toEqual(['/missing.png: HTTP 404 Not Found', '/b.corrupt: The source image could not be decoded.']);
  });

  it("onError 'fail' (the default) names the URL", async () => {
    fakeBrowser({ '/a.png': { width: 1, height: 1, rgba: [0, 0, 0, 255] } });
    await expect(loadImageUrls(['/a.png', '/gone.png'], { height: 1, width: 1 })).rejects.toThrow(DataError);
    await expect(loadImageUrls(['/a.png', '/gone.png'], { height: 1, width: 1 })).rejects.toThrow(/\/gone\.png: expected a readable image URL.*HTTP 404/);
  });

  it('says clearly when run outside a browser', async () => {
    vi.stubGlobal('createImageBitmap', undefined);
    await expect(loadImageUrls(['/a.png'], { height: 1, width: 1 })).rejects.toThrow(/expected a browser \(fetch and createImageBitmap\)/);
  });
});
