// End to end: the built app in Debian Chromium, driven by playwright-core.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, launchChromium, serveDist } from './browser';

// Screenshots go to a temp folder (checked, not kept); scripts/screenshots.ts makes the ones in docs/results after longer training.
const RESULTS = mkdtempSync(join(tmpdir(), 'tfgen-web-shots-'));
/** Backends Chromium offers here without flags (WebGPU needs --enable-unsafe-webgpu). */
const WORKING = ['webgl', 'wasm', 'cpu'];

let browser: Browser;
let server: { url: string; close: () => Promise<void> };
let context: BrowserContext;
let problems: string[] = [];

/** Opens a page that records console errors and uncaught exceptions into `problems`. */
async function open(query: string, ctx: BrowserContext = context): Promise<Page> {
  const page = await ctx.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.goto(`${server.url}${query}`, { waitUntil: 'commit' });
  await page.waitForFunction(() => (window as unknown as { tfgenLab?: { frames: { a?: unknown } } }).tfgenLab?.frames.a !== undefined, null, { timeout: 90_000 });
  return page;
}

type Shown = { step: number; dLoss: string; gLoss: string; modes: string; hq: string };
async function shown(page: Page, id = 'a'): Promise<Shown> {
  const text = async (what: string) => (await page.textContent(`#${id}-${what}`)) ?? '';
  return { step: Number(await text('step')), dLoss: await text('dloss'), gLoss: await text('gloss'), modes: await text('modes'), hq: await text('hq') };
}

/** Plays until run A has taken at least `steps` steps, then pauses and waits for the final frame. */
async function trainTo(page: Page, steps: number): Promise<void> {
  await page.click('#play');
  await page.waitForFunction((n) => Number(document.getElementById('a-step')?.textContent) >= n, steps, { timeout: 120_000, polling: 200 });
  await page.click('#play');
  await page.waitForFunction(() => document.getElementById('play')?.getAttribute('aria-pressed') === 'false');
  await page.waitForTimeout(300);
}

async function frameOf(page: Page, id = 'a') {
  return page.evaluate((run) => {
    const frame = (window as unknown as { tfgenLab: { frames: Record<string, { step: number; fake: Float32Array; coverage: unknown; heatmap: Float32Array }> } }).tfgenLab.frames[run];
    return { step: frame.step, fake: Array.from(frame.fake), heatmap: Array.from(frame.heatmap), coverage: frame.coverage };
  }, id);
}

beforeAll(async () => {
  await buildApp();
  server = await serveDist();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
});

afterEach(() => {
  // No test may leave console errors or uncaught exceptions behind.
  const found = problems;
  problems = [];
  expect(found).toEqual([]);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('2D lab in Chromium', () => {
  it('loads, picks the backend with the fastest timed probe by itself, shows the times and trains on it', async () => {
    const page = await open('');
    await page.waitForFunction(() => document.getElementById('backend-status')?.dataset.backend !== undefined, null, { timeout: 60_000 });
    const backend = await page.getAttribute('#backend-status', 'data-backend');
    expect(WORKING).toContain(backend);
    expect(await page.textContent('#backend-status')).toMatch(/fastest in a timed probe/);
    type Probe = { name: string; ok: boolean; ms?: number };
    const probes = await page.evaluate(() => (window as unknown as { tfgenLab: { probes: Probe[] } }).tfgenLab.probes);
    // Every candidate in the browser order was tried; the chosen one has the smallest time among those that worked.
    expect(probes.map((p) => p.name)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    const working = probes.filter((p) => p.ok);
    expect(working.map((p) => p.name)).toEqual(expect.arrayContaining(WORKING));
    const best = working.reduce((a, b) => (b.ms! < a.ms! ? b : a));
    expect(backend).toBe(best.name);
    const shownProbes = (await page.textContent('#backend-probes')) ?? '';
    for (const probe of working) expect(shownProbes).toContain(`${probe.name} ${probe.ms!.toFixed(1)} ms`);
    await page.click('#step');
    await page.waitForFunction(() => document.getElementById('a-step')?.textContent === '1', null, { timeout: 60_000 });
    expect((await shown(page)).dLoss).toMatch(/^-?\d+\.\d{3}$/);
    await page.close();
  });

  it('trains N steps on wasm: losses and mode coverage change, the page stays responsive', async () => {
    const page = await open('?backend=wasm');
    expect(await page.getAttribute('#backend-status', 'data-backend')).toBe('wasm');
    const before = await frameOf(page);
    const first = await shown(page);
    expect(first.step).toBe(0);
    await page.click('#play');
    // While the worker trains, the page thread still answers at once.
    const started = Date.now();
    expect(await page.evaluate(() => 6 * 7)).toBe(42);
    expect(Date.now() - started).toBeLessThan(2000);
    await page.click('#play');
    await trainTo(page, 60);
    const after = await shown(page);
    const frame = await frameOf(page);
    expect(after.step).toBeGreaterThanOrEqual(60);
    expect(after.dLoss).not.toBe('-');
    expect(after.gLoss).not.toBe('-');
    // Coverage counts from 2500 generated points changed with training.
    expect(frame.coverage).not.toEqual(before.coverage);
    expect(frame.fake).not.toEqual(before.fake);
    expect(Number(await page.textContent('#a-sps'))).toBeGreaterThan(0);
    await page.close();
  });

  it('saves to IndexedDB, reloads the page, loads: the same model comes back', async () => {
    const page = await open('?backend=wasm&mixture=grid');
    await trainTo(page, 20);
    const saved = await frameOf(page);
    await page.click('#save');
    await page.waitForFunction(() => /Saved to this browser/.test(document.getElementById('message')?.textContent ?? ''), null, { timeout: 30_000 });
    await page.reload({ waitUntil: 'commit' });
    await page.waitForFunction(() => (window as unknown as { tfgenLab?: { frames: { a?: unknown } } }).tfgenLab?.frames.a !== undefined, null, { timeout: 90_000 });
    expect((await frameOf(page)).step).toBe(0);
    await page.click('#load');
    await page.waitForFunction((n) => Number(document.getElementById('a-step')?.textContent) === n, saved.step, { timeout: 30_000 });
    const loaded = await frameOf(page);
    expect(loaded.fake).toEqual(saved.fake);
    expect(loaded.heatmap).toEqual(saved.heatmap);
    expect(loaded.coverage).toEqual(saved.coverage);
    expect(await page.inputValue('#mixture')).toBe('grid');
    await page.close();
  });

  it('switches the backend from the select and keeps the trained model', async () => {
    const page = await open('?backend=wasm');
    await trainTo(page, 10);
    const before = await frameOf(page);
    type Lab = { tfgenLab: { frames: { a: unknown } }; previousFrame?: unknown };
    await page.evaluate(() => ((window as unknown as Lab).previousFrame = (window as unknown as Lab).tfgenLab.frames.a));
    await page.selectOption('#backend-select', 'cpu');
    await page.waitForFunction(() => document.getElementById('backend-status')?.dataset.backend === 'cpu', null, { timeout: 60_000 });
    // The worker rebuilt the run on cpu and sent a new frame.
    await page.waitForFunction(() => (window as unknown as Lab).tfgenLab.frames.a !== (window as unknown as Lab).previousFrame, null, { timeout: 60_000 });
    const after = await frameOf(page);
    expect(after.step).toBe(before.step);
    // Same weights on another backend: the same points up to float rounding.
    after.fake.forEach((v, i) => expect(Math.abs(v - before.fake[i])).toBeLessThan(1e-4));
    await page.click('#step');
    await page.waitForFunction((n) => Number(document.getElementById('a-step')?.textContent) === n + 1, before.step, { timeout: 30_000 });
    await page.close();
  });

  it('draws a mixture by clicking on the canvas', async () => {
    const page = await open('?backend=wasm');
    await page.selectOption('#mixture', 'drawn');
    await page.waitForFunction(() => document.getElementById('a-modes')?.textContent === '0 / 3' || /\/ 3$/.test(document.getElementById('a-modes')?.textContent ?? ''), null, { timeout: 30_000 });
    const box = (await page.locator('#a-canvas').boundingBox())!;
    // The drawing window is [-2, 2]^2: a click at 3/4 of the width and 1/4 of the height is (1, 1).
    await page.mouse.click(box.x + 0.75 * box.width, box.y + 0.25 * box.height);
    await page.waitForFunction(() => /\/ 4$/.test(document.getElementById('a-modes')?.textContent ?? ''), null, { timeout: 30_000 });
    const real = await page.evaluate(() => Array.from((window as unknown as { tfgenLab: { frames: { a: { real: Float32Array } } } }).tfgenLab.frames.a.real));
    const nearNew = real.filter((_, i) => i % 2 === 0).filter((x, k) => Math.hypot(x - 1, real[2 * k + 1] - 1) < 0.25).length;
    expect(nearNew).toBeGreaterThan(real.length / 2 / 8); // about a quarter of the points belong to the new mode
    await page.close();
  });

  it('downloads the run as a file and opens it again; downloads the canvas as a PNG', async () => {
    const page = await open('?backend=wasm');
    await trainTo(page, 5);
    const saved = await frameOf(page);
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const jsonPath = await json.path();
    expect(json.suggestedFilename()).toMatch(/^tfgen-2d-lab-step-\d+\.json$/);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#a-png')]);
    const bytes = readFileSync(await png.path());
    expect([...bytes.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    await page.click('#reset');
    await page.waitForFunction(() => document.getElementById('a-step')?.textContent === '0');
    await page.setInputFiles('#upload', jsonPath);
    await page.waitForFunction((n) => Number(document.getElementById('a-step')?.textContent) === n, saved.step, { timeout: 30_000 });
    expect((await frameOf(page)).fake).toEqual(saved.fake);
    await page.close();
  });

  it('compares two runs side by side on the same seed; the screenshot is not blank', async () => {
    const page = await open('?backend=wasm&compare=1');
    await trainTo(page, 100);
    const a = await frameOf(page, 'a');
    const b = await frameOf(page, 'b');
    expect(b.step).toBe(a.step);
    expect(b.fake).not.toEqual(a.fake); // run B packs 2 samples per discriminator input
    mkdirSync(RESULTS, { recursive: true });
    const path = join(RESULTS, 'web-2d-lab.png');
    const screenshot = await page.screenshot({ path, fullPage: true });
    const variance = await page.evaluate(async (base64) => {
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
    expect(variance).toBeGreaterThan(10);
    await page.close();
  });

  it('shows a clear error for settings the GAN step cannot run, and is keyboard operable', async () => {
    const page = await open('?backend=wasm');
    await page.fill('#a-packing', '3');
    await page.press('#a-packing', 'Tab');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toMatch(/batchSize.*multiple of packing \(3\).*128/);
    await page.fill('#a-packing', '1');
    await page.press('#a-packing', 'Enter');
    await page.press('#a-packing', 'Tab');
    await page.waitForSelector('#error', { state: 'hidden' });
    // Every control has a label.
    const unlabeled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select')].filter((el) => (el as HTMLInputElement).labels?.length === 0).map((el) => el.id),
    );
    expect(unlabeled).toEqual([]);
    await page.focus('#step');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('a-step')?.textContent === '1', null, { timeout: 30_000 });
    await page.close();
  });

  it('Images tab: a 2-D VAE trains on the bundled MNIST subset and draws its latent grid', async () => {
    const page = await open('?backend=wasm');
    // Keyboard: focus the first tab and move right with the arrow key.
    await page.focus('#tab-lab');
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('#tab-images', 'aria-selected')).toBe('true');
    expect(await page.isHidden('#panel-lab')).toBe(true);
    await page.waitForFunction(() => (window as unknown as { tfgenImages: { view: unknown } }).tfgenImages.view !== null, null, { timeout: 90_000 });
    expect(await page.textContent('#vae-status')).toMatch(/^2000 digits loaded; backend wasm$/);
    const start = Number(await page.textContent('#vae-eval'));
    expect(start).toBeGreaterThan(400); // untrained: about 784 ln 2 = 543 nats
    await page.click('#vae-play');
    await page.waitForFunction(() => Number(document.getElementById('vae-step-count')?.textContent) >= 30, null, { timeout: 120_000, polling: 250 });
    await page.click('#vae-play');
    await page.waitForTimeout(500);
    const after = Number(await page.textContent('#vae-eval'));
    expect(after).toBeLessThan(start - 50);
    const [png] = await Promise.all([page.waitForEvent('download'), page.click('#vae-png')]);
    expect(png.suggestedFilename()).toMatch(/^tfgen-vae-latent-grid-step-\d+\.png$/);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: join(RESULTS, 'web-images-vae.png'), fullPage: true });
    await page.close();
  });
});
