// End to end: the image tabs (DCGAN, conditional GAN, PixelCNN) of the built app in Debian Chromium.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, launchChromium, serveDist } from './browser';

// Screenshots go to a temp folder (checked, not kept); scripts/screenshots.ts makes the ones in docs/results after longer training.
const RESULTS = mkdtempSync(join(tmpdir(), 'tfgen-web-shots-'));

let browser: Browser;
let server: { url: string; close: () => Promise<void> };
let context: BrowserContext;
let problems: string[] = [];

type GanState = { view: { step: number; model: string; dataset: string; rows: number; columns: number; grid: { width: number; height: number; data: Uint8Array } } | null; views: number; viewBackend: string | null; saved: number | null; backend: { report: { name: string } } | null };
type PixelState = { backend: { report: { name: string } } | null; step: number; drawn: number; total: number; sampling: boolean; samplesFinished: number; saved: number | null; loaded: number | null };

async function open(query: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${server.url}${query}`, { waitUntil: 'commit' });
  return page;
}

const ganState = (page: Page) =>
  page.evaluate(() => {
    const s = (window as unknown as { tfgenGan: GanState }).tfgenGan;
    return { ...s, view: s.view && { ...s.view, grid: { ...s.view.grid, data: Array.from(s.view.grid.data) } } };
  });
const pixelState = (page: Page) => page.evaluate(() => ({ ...(window as unknown as { tfgenPixelCnn: PixelState }).tfgenPixelCnn }));

/** The canvas's pixels as the page shows them (RGBA bytes). */
const canvasPixels = (page: Page, id: string) =>
  page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
    return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
  }, id);

/** Grey-level variance of a PNG screenshot, decoded in the page: near 0 means blank. */
async function screenshotVariance(page: Page, path: string): Promise<number> {
  mkdirSync(RESULTS, { recursive: true });
  const screenshot = await page.screenshot({ path, fullPage: true });
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = new OffscreenCanvas(image.width, image.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(image, 0, 0);
    const { data } = ctx.getImageData(0, 0, image.width, image.height);
    let sum = 0;
    let sum2 = 0;
    for (let i = 0; i < data.length; i += 4) {
      const v = (data[i] + data[i + 1] + data[i + 2]) / 3;
      sum += v;
      sum2 += v * v;
    }
    const n = data.length / 4;
    return sum2 / n - (sum / n) ** 2;
  }, screenshot.toString('base64'));
}

beforeAll(async () => {
  await buildApp();
  server = await serveDist();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
});

afterEach(() => {
  const found = problems;
  problems = [];
  expect(found).toEqual([]);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('image GANs in Chromium', () => {
  it('DCGAN on Fashion-MNIST: trains N steps, the sample grid changes, IndexedDB save/load and a model file restore it, PNG downloads', async () => {
    const page = await open('?backend=wasm&tab=gan');
    await page.waitForFunction(() => (window as unknown as { tfgenGan?: GanState }).tfgenGan?.view != null, null, { timeout: 90_000 });
    // (Read after the page's script ran: 'commit' returns before it.)
    expect(await page.getAttribute('#tab-gan', 'aria-selected')).toBe('true');
    const first = await ganState(page);
    expect(first.backend?.report.name).toBe('wasm');
    expect(first.view).toMatchObject({ step: 0, model: 'dcgan', dataset: 'fashion-mnist', rows: 8, columns: 8 });
    const before = await canvasPixels(page, 'gan-grid');
    await page.click('#gan-play');
    await page.waitForFunction(() => Number(document.getElementById('gan-step-count')?.textContent) >= 8, null, { timeout: 120_000, polling: 250 });
    await page.click('#gan-play');
    await page.waitForFunction(() => document.getElementById('gan-play')?.getAttribute('aria-pressed') === 'false');
    await page.waitForTimeout(500); // the pause's final view
    const trained = await ganState(page);
    expect(trained.view!.step).toBeGreaterThanOrEqual(8);
    expect(await page.textContent('#gan-dloss')).toMatch(/^\d+\.\d{3}$/);
    expect(Number(await page.textContent('#gan-sps'))).toBeGreaterThan(0);
    const after = await canvasPixels(page, 'gan-grid');
    expect(after).not.toEqual(before); // the generator changed: same latents, new images
    // Save, train one more step, load: the saved grid comes back.
    await page.click('#gan-save');
    await page.waitForFunction((n) => (window as unknown as { tfgenGan: GanState }).tfgenGan.saved === n, trained.view!.step, { timeout: 30_000 });
    await page.click('#gan-step');
    await page.waitForFunction((n) => Number(document.getElementById('gan-step-count')?.textContent) === n + 1, trained.view!.step, { timeout: 60_000 });
    await page.click('#gan-load');
    await page.waitForFunction((n) => Number(document.getElementById('gan-step-count')?.textContent) === n, trained.view!.step, { timeout: 60_000 });
    expect((await ganState(page)).view!.grid.data).toEqual(trained.view!.grid.data);
    // Download the model as a file, reset, open the file: the same model again.
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#gan-download')]);
    expect(file.suggestedFilename()).toBe(`tfgen-dcgan-fashion-mnist-step-${trained.view!.step}.json`);
    await page.click('#gan-reset');
    await page.waitForFunction(() => document.getElementById('gan-step-count')?.textContent === '0', null, { timeout: 60_000 });
    expect((await ganState(page)).view!.grid.data).not.toEqual(trained.view!.grid.data);
    await page.setInputFiles('#gan-upload', await file.path());
    await page.waitForFunction((n) => Number(document.getElementById('gan-step-count')?.textContent) === n, trained.view!.step, { timeout: 60_000 });
    expect((await ganState(page)).view!.grid.data).toEqual(trained.view!.grid.data);
    expect(await page.textContent('#gan-status')).toBe('loaded the model file');
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#gan-png')]);
    expect(png.suggestedFilename()).toMatch(/^tfgen-dcgan-fashion-mnist-step-\d+\.png$/);
    expect([...readFileSync(await png.path()).subarray(0, 4)]).toEqual([137, 80, 78, 71]);
    expect(await screenshotVariance(page, join(RESULTS, 'web-images-dcgan.png'))).toBeGreaterThan(10);
    await page.close();
  });

  it('conditional GAN: the grid has one row per class, labelled with the class names; controls are labelled; the backend switch keeps the run', async () => {
    const page = await open('?backend=wasm&tab=gan');
    await page.waitForFunction(() => (window as unknown as { tfgenGan?: GanState }).tfgenGan?.view != null, null, { timeout: 90_000 });
    await page.selectOption('#gan-model', 'cgan');
    await page.waitForFunction(() => (window as unknown as { tfgenGan: GanState }).tfgenGan.view?.model === 'cgan', null, { timeout: 60_000 });
    await page.click('#gan-step');
    await page.waitForFunction(() => document.getElementById('gan-step-count')?.textContent === '1', null, { timeout: 60_000 });
    const { view } = await ganState(page);
    expect([view!.rows, view!.columns]).toEqual([10, 8]);
    // 10 rows and 8 columns of 28-px images with 2-px gaps.
    expect(await page.evaluate(() => [(document.getElementById('gan-grid') as HTMLCanvasElement).width, (document.getElementById('gan-grid') as HTMLCanvasElement).height])).toEqual([8 * 30 + 2, 10 * 30 + 2]);
    expect(await page.$$eval('#gan-row-labels li', (items) => items.map((item) => item.textContent))).toEqual([
      'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
    ]);
    const unlabeled = await page.evaluate(() => [...document.querySelectorAll('#panel-gan input, #panel-gan select, #panel-pixelcnn input, #panel-pixelcnn select')].filter((el) => (el as HTMLInputElement).labels?.length === 0).map((el) => el.id));
    expect(unlabeled).toEqual([]);
    // Keyboard: Step by Enter on the focused button.
    await page.focus('#gan-step');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('gan-step-count')?.textContent === '2', null, { timeout: 60_000 });
    expect(await screenshotVariance(page, join(RESULTS, 'web-images-cgan.png'))).toBeGreaterThan(10);
    // Switching the backend moves the run: same step, the same grid up to float rounding, and it trains on.
    const onWasm = (await ganState(page)).view!;
    await page.selectOption('#backend-select', 'cpu');
    // The worker reports the new backend, then sends the rebuilt run's view.
    await page.waitForFunction(() => (window as unknown as { tfgenGan: GanState }).tfgenGan.viewBackend === 'cpu', null, { timeout: 60_000 });
    expect(await page.textContent('#gan-status')).toBe('backend cpu');
    const onCpu = (await ganState(page)).view!;
    expect(onCpu.step).toBe(2);
    expect(onCpu.grid.data.reduce((worst, v, i) => Math.max(worst, Math.abs(v - onWasm.grid.data[i])), 0)).toBeLessThanOrEqual(2);
    await page.click('#gan-step');
    await page.waitForFunction(() => document.getElementById('gan-step-count')?.textContent === '3', null, { timeout: 60_000 });
    await page.close();
  });

  it('PixelCNN: trains, saves to IndexedDB and a file and loads back, then sampling fills the canvas pixel by pixel and stops on request', async () => {
    const page = await open('?backend=wasm&tab=pixelcnn');
    await page.waitForFunction(() => (window as unknown as { tfgenPixelCnn?: PixelState }).tfgenPixelCnn?.backend != null, null, { timeout: 90_000 });
    await page.click('#pcnn-play');
    await page.waitForFunction(() => Number(document.getElementById('pcnn-step-count')?.textContent) >= 1, null, { timeout: 120_000, polling: 250 });
    await page.click('#pcnn-play');
    await page.waitForFunction(() => document.getElementById('pcnn-play')?.getAttribute('aria-pressed') === 'false');
    await page.waitForTimeout(500); // the pause's final report
    expect(Number(await page.textContent('#pcnn-loss'))).toBeGreaterThan(0);
    // IndexedDB save, reset, load: the same step and batch NLL come back; then the same through a model file.
    await page.click('#pcnn-save');
    await page.waitForFunction(() => (window as unknown as { tfgenPixelCnn: PixelState }).tfgenPixelCnn.saved !== null, null, { timeout: 30_000 });
    const saved = (await pixelState(page)).saved!;
    expect(saved).toBeGreaterThanOrEqual(1);
    const savedLoss = await page.textContent('#pcnn-loss');
    const resetAndWait = async () => {
      await page.click('#pcnn-reset');
      await page.waitForFunction(() => document.getElementById('pcnn-step-count')?.textContent === '0', null, { timeout: 30_000 });
      expect(await page.textContent('#pcnn-loss')).toBe('-');
    };
    await resetAndWait();
    await page.click('#pcnn-load');
    await page.waitForFunction((n) => Number(document.getElementById('pcnn-step-count')?.textContent) === n, saved, { timeout: 30_000 });
    expect(await page.textContent('#pcnn-loss')).toBe(savedLoss);
    expect(await page.textContent('#pcnn-status')).toBe(`loaded from this browser (IndexedDB), step ${saved}`);
    const [file] = await Promise.all([page.waitForEvent('download'), page.click('#pcnn-download')]);
    expect(file.suggestedFilename()).toBe(`tfgen-pixelcnn-mnist-step-${saved}.json`);
    await resetAndWait();
    await page.setInputFiles('#pcnn-upload', await file.path());
    await page.waitForFunction((n) => Number(document.getElementById('pcnn-step-count')?.textContent) === n, saved, { timeout: 30_000 });
    expect(await page.textContent('#pcnn-loss')).toBe(savedLoss);
    await page.fill('#pcnn-count', '2');
    await page.click('#pcnn-sample');
    await page.waitForFunction(() => (window as unknown as { tfgenPixelCnn: PixelState }).tfgenPixelCnn.drawn >= 30, null, { timeout: 60_000, polling: 50 });
    const early = await pixelState(page);
    const earlyPixels = await canvasPixels(page, 'pcnn-canvas');
    await page.waitForFunction((n) => (window as unknown as { tfgenPixelCnn: PixelState }).tfgenPixelCnn.drawn >= n + 60, early.drawn, { timeout: 60_000, polling: 50 });
    const later = await pixelState(page);
    const laterPixels = await canvasPixels(page, 'pcnn-canvas');
    // Both reads happened before the sampling finished, and the canvas changed in between.
    expect(early.total).toBe(784);
    expect(later.drawn).toBeLessThan(784);
    expect(later.sampling).toBe(true);
    expect(laterPixels).not.toEqual(earlyPixels);
    // Finishing all 784 passes is the unit tests' job (the sampler equals PixelCnn.generate); here, stop it.
    await page.click('#pcnn-stop');
    await page.waitForFunction(() => !(window as unknown as { tfgenPixelCnn: PixelState }).tfgenPixelCnn.sampling, null, { timeout: 30_000 });
    expect(await page.textContent('#pcnn-status')).toMatch(/^stopped after \d+ of 784 pixels in \d+\.\d s$/);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#pcnn-png')]);
    expect(png.suggestedFilename()).toMatch(/^tfgen-pixelcnn-samples-step-\d+\.png$/);
    expect(await screenshotVariance(page, join(RESULTS, 'web-pixelcnn.png'))).toBeGreaterThan(10);
    await page.close();
  });
});
