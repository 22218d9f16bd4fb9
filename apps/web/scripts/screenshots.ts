// Screenshots of every tab after some real training, for docs/results/ (the e2e tests train only a few steps).
// Run: cd apps/web && npx tsx scripts/screenshots.ts [seconds per model, default 60]
// Writes docs/results/web-2d-lab.png, web-images-vae.png, web-images-dcgan.png, web-images-cgan.png,
// web-pixelcnn-drawing.png (mid-sampling), web-pixelcnn.png and web-screenshots.md (what each shows, with the numbers).
import { writeFileSync } from 'node:fs';
import { cpus, getPriority, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { APP_DIR, buildApp, launchChromium, serveDist } from '../test/browser';

const seconds = Number(process.argv[2] ?? 60);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`seconds: expected a positive number, got ${process.argv[2]}`);
const RESULTS = join(APP_DIR, '../../docs/results');
const lines: string[] = [];
const loadBefore = loadavg()[0];

await buildApp();
const server = await serveDist();
const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
const errors: string[] = [];

async function open(query: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}${query}`, { waitUntil: 'commit' });
  return page;
}
const text = async (page: Page, id: string) => ((await page.textContent(`#${id}`)) ?? '').trim();
/** Clicks a play toggle, waits `ms`, clicks it again and waits for the pause's final view. */
async function playFor(page: Page, button: string, ms: number): Promise<void> {
  await page.click(`#${button}`);
  await page.waitForTimeout(ms);
  await page.click(`#${button}`);
  await page.waitForTimeout(1000);
}
async function shoot(page: Page, name: string, what: string): Promise<void> {
  // Down to the end of the shown content: the empty page below only makes the file bigger.
  const bottom = await page.evaluate(() => Math.ceil(document.querySelector('main')!.getBoundingClientRect().bottom) + 8);
  await page.screenshot({ path: join(RESULTS, name), clip: { x: 0, y: 0, width: 1366, height: Math.min(860, bottom) } });
  lines.push(`| [${name}](${name}) | ${what} |`);
  console.log(name, what);
}

// 2D lab: run A (default) against run B (packing 2) on the ring, same seed.
{
  const page = await open('?backend=wasm&compare=1');
  await page.waitForFunction(() => document.getElementById('a-step')?.textContent !== '-' && (window as unknown as { tfgenLab?: { frames: { a?: unknown } } }).tfgenLab?.frames.a !== undefined, null, { timeout: 120_000 });
  const labSeconds = Math.min(seconds, 30);
  await playFor(page, 'play', labSeconds * 1000);
  await shoot(page, 'web-2d-lab.png', `2D lab, run A vs run B (packing 2) on the ring of 8, wasm, ${labSeconds} s of training: step ${await text(page, 'a-step')}: A covers ${await text(page, 'a-modes')} modes (${await text(page, 'a-hq')} high quality), B ${await text(page, 'b-modes')} (${await text(page, 'b-hq')})`);
  await page.close();
}

// VAE with a 2-D latent space on MNIST.
{
  const page = await open('?backend=wasm&tab=images');
  await page.waitForFunction(() => (window as unknown as { tfgenImages?: { view: unknown } }).tfgenImages?.view != null, null, { timeout: 120_000 });
  const vaeSeconds = Math.min(seconds, 45);
  await playFor(page, 'vae-play', vaeSeconds * 1000);
  await shoot(page, 'web-images-vae.png', `VAE (2-D latent) on 2000 MNIST digits, wasm, ${vaeSeconds} s of training: step ${await text(page, 'vae-step-count')}: -ELBO of a fixed batch ${await text(page, 'vae-eval')} nats`);
  await page.close();
}

// DCGAN on Fashion-MNIST, then the conditional GAN on MNIST (one row per class).
for (const { model, dataset, name } of [
  { model: 'dcgan', dataset: 'fashion-mnist', name: 'web-images-dcgan.png' },
  { model: 'cgan', dataset: 'mnist', name: 'web-images-cgan.png' },
]) {
  const page = await open('?backend=wasm&tab=gan');
  await page.waitForFunction(() => (window as unknown as { tfgenGan?: { view: unknown } }).tfgenGan?.view != null, null, { timeout: 120_000 });
  await page.selectOption('#gan-model', model);
  await page.selectOption('#gan-dataset', dataset);
  await page.waitForFunction(
    ([m, d]) => {
      const view = (window as unknown as { tfgenGan: { view: { model: string; dataset: string; step: number } | null } }).tfgenGan.view;
      return view?.model === m && view.dataset === d && view.step === 0;
    },
    [model, dataset],
    { timeout: 60_000 },
  );
  await playFor(page, 'gan-play', seconds * 1000);
  await shoot(page, name, `${model === 'cgan' ? 'conditional GAN' : 'DCGAN'} (width 16, batch 32) on ${dataset}, wasm, ${seconds} s of training: step ${await text(page, 'gan-step-count')}, ${await text(page, 'gan-sps')} steps/s, D loss ${await text(page, 'gan-dloss')}, G loss ${await text(page, 'gan-gloss')}`);
  await page.close();
}

// PixelCNN: train, then sample 8 images pixel by pixel (one shot mid-way, one at the end).
{
  const page = await open('?backend=wasm&tab=pixelcnn');
  await page.waitForFunction(() => (window as unknown as { tfgenPixelCnn?: { backend: unknown } }).tfgenPixelCnn?.backend != null, null, { timeout: 120_000 });
  await playFor(page, 'pcnn-play', seconds * 1000);
  const trained = `step ${await text(page, 'pcnn-step-count')}, batch NLL ${await text(page, 'pcnn-loss')} nats (${await text(page, 'pcnn-bpd')} bits/dim)`;
  await page.fill('#pcnn-count', '8');
  await page.click('#pcnn-sample');
  await page.waitForFunction(() => (window as unknown as { tfgenPixelCnn: { drawn: number } }).tfgenPixelCnn.drawn >= 392, null, { timeout: 300_000, polling: 20 });
  await shoot(page, 'web-pixelcnn-drawing.png', `gated PixelCNN on binarized MNIST, wasm, ${seconds} s of training (${trained}), sampling 8 images in progress (${await text(page, 'pcnn-progress')} pixels drawn)`);
  await page.waitForFunction(() => (window as unknown as { tfgenPixelCnn: { samplesFinished: number } }).tfgenPixelCnn.samplesFinished === 1, null, { timeout: 600_000 });
  await shoot(page, 'web-pixelcnn.png', `the same 8 samples finished: ${await text(page, 'pcnn-status')}`);
  await page.close();
}

await context.close();
await browser.close();
await server.close();
if (errors.length > 0) throw new Error(`console errors on the pages:\n${errors.join('\n')}`);

writeFileSync(
  join(RESULTS, 'web-screenshots.md'),
  `# Playground screenshots

Command: \`cd apps/web && npx tsx scripts/screenshots.ts ${seconds}\` (${new Date().toISOString().slice(0, 10)}), Debian \`chromium\` headless,
viewport 1366x860, backend wasm. Machine: ${cpus().length} CPU cores, no GPU, shared with other jobs (1-minute load average
${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end; this process at nice ${getPriority()}), so steps per second are lower bounds.
Each model trains for the stated time from its default settings (seed 1) before the shot.

| file | what it shows |
| --- | --- |
${lines.join('\n')}
`,
);
console.log('wrote docs/results/web-screenshots.md');
