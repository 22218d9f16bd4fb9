// Measures training speed per tfjs backend in Debian Chromium: the 2D lab (docs/results/web-2d-lab.md)
// and the DCGAN of the GAN tab (docs/results/web-dcgan.md). Run: cd apps/web && npx tsx scripts/bench-backends.ts [seconds]
import { writeFileSync } from 'node:fs';
import { cpus, getPriority, loadavg } from 'node:os';
import { join } from 'node:path';
import { APP_DIR, CHROMIUM_ARGS, buildApp, launchChromium, serveDist } from '../test/browser';

const seconds = Number(process.argv[2] ?? 20);
const cases = [
  { backend: 'wasm', flags: [] as string[] },
  { backend: 'webgl', flags: [] },
  { backend: 'cpu', flags: [] },
  { backend: 'webgpu', flags: ['--enable-unsafe-webgpu'] },
  { backend: 'auto', flags: [] },
];

await buildApp();
const loadBefore = loadavg()[0];
const server = await serveDist();
const rows: string[] = [];
const ganRows: string[] = [];
for (const { backend, flags } of cases) {
  const browser = await launchChromium(flags);
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${server.url}?backend=${backend}`, { waitUntil: 'commit' });
    const ready = await page
      .waitForFunction(() => document.getElementById('backend-status')?.dataset.backend !== undefined || !document.getElementById('error')?.hidden, null, { timeout: 120_000 })
      .then(() => true, () => false);
    const chosen = await page.getAttribute('#backend-status', 'data-backend');
    const error = (await page.textContent('#error'))?.trim();
    if (!ready || !chosen || (backend !== 'auto' && chosen !== backend)) {
      rows.push(`| ${backend} | ${flags.join(' ') || '-'} | unavailable | - | - | ${(error || errors.join('; ') || 'no backend report').slice(0, 160)} |`);
      ganRows.push(`| ${backend} | ${flags.join(' ') || '-'} | unavailable | - | - | - | see the 2D lab table |`);
      console.log(backend, 'unavailable', error);
      continue;
    }
    await page.waitForFunction(() => (window as unknown as { tfgenLab: { frames: { a?: unknown } } }).tfgenLab.frames.a !== undefined, null, { timeout: 120_000 });
    const stepNow = async () => Number(await page.textContent('#a-step'));
    await page.click('#play');
    await page.waitForTimeout(3000); // warm-up: shader compilation, wasm start-up
    const s0 = await stepNow();
    const t0 = Date.now();
    const samples: number[] = [];
    while (Date.now() - t0 < seconds * 1000) {
      await page.waitForTimeout(1000);
      samples.push(Number(await page.textContent('#a-sps')));
    }
    const s1 = await stepNow();
    const wall = (s1 - s0) / ((Date.now() - t0) / 1000);
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(samples.length / 2)];
    const modes = await page.textContent('#a-modes');
    const probes = (await page.textContent('#backend-probes'))?.trim() || '';
    rows.push(`| ${backend} | ${flags.join(' ') || '-'} | ${chosen} | ${wall.toFixed(1)} | ${median.toFixed(1)} | steps ${s0}->${s1}, coverage ${modes}${probes ? `; ${probes}` : ''} |`);
    console.log(backend, chosen, wall.toFixed(1), median.toFixed(1), probes);
    await page.click('#play'); // pause the lab: the GAN tab gets the CPU alone

    // DCGAN (GAN tab defaults: Fashion-MNIST, width 16, batch 32) in its own worker on the same backend.
    await page.click('#tab-gan');
    await page.waitForFunction(() => (window as unknown as { tfgenGan: { view: unknown } }).tfgenGan.view !== null, null, { timeout: 120_000 });
    const ganBackend = await page.evaluate(() => (window as unknown as { tfgenGan: { backend: { report: { name: string } } } }).tfgenGan.backend.report.name);
    const ganStep = async () => Number(await page.textContent('#gan-step-count'));
    await page.click('#gan-play');
    await page.waitForTimeout(5000); // warm-up
    const g0 = await ganStep();
    const gt0 = Date.now();
    const ganSamples: number[] = [];
    while (Date.now() - gt0 < seconds * 1000) {
      await page.waitForTimeout(1000);
      ganSamples.push(Number(await page.textContent('#gan-sps')));
    }
    const g1 = await ganStep();
    const ganWall = (g1 - g0) / ((Date.now() - gt0) / 1000);
    ganSamples.sort((a, b) => a - b);
    const ganMedian = ganSamples[Math.floor(ganSamples.length / 2)];
    ganRows.push(`| ${backend} | ${flags.join(' ') || '-'} | ${ganBackend} | ${ganWall.toFixed(2)} | ${ganMedian.toFixed(2)} | ${(1000 / ganMedian).toFixed(0)} | steps ${g0}->${g1}, D loss ${await page.textContent('#gan-dloss')} |`);
    console.log('dcgan', backend, ganBackend, ganWall.toFixed(2), ganMedian.toFixed(2));
  } finally {
    await browser.close();
  }
}
await server.close();
const loadAfter = loadavg()[0];

const table = `# 2D lab: training speed per backend in Chromium

Command: \`cd apps/web && npx tsx scripts/bench-backends.ts ${seconds}\` (${new Date().toISOString().slice(0, 10)}).
Machine: ${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'}), no GPU, shared with other jobs (1-minute load average
${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end; the script and its Chromiums at nice ${getPriority()}: the numbers are
lower bounds); Debian \`chromium\` headless with \`${CHROMIUM_ARGS.join(' ')}\`.

Setting: the lab's default run (ring of 8 Gaussians, non-saturating loss, G and D 2x64 MLPs, batch 128,
Adam), run A only, training in the module Web Worker. One step = one D update + one G update.
"Wall steps/s" counts steps over ${seconds} s of playing after a 3 s warm-up, including drawing a frame (2500-sample
mode coverage, 40x40 heat map, arrows) after each slice of training (120 ms, or 3x the last frame time when drawing is slow, at most 1 s); "training steps/s" is the worker's own
median per time slice (frames excluded).

| requested | Chromium flags | backend used | wall steps/s | training steps/s | notes |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

"auto" times a short probe (a strided 4x4 conv with both gradients and a small MLP's forward and backward pass) on each
backend and keeps the fastest; its times are in the notes. WebGPU: Chromium offers a SwiftShader adapter only with
\`--enable-unsafe-webgpu\`, and there tfjs-webgpu's synchronous reads return zeros, so \`initBackend\`'s correctness probe
refuses it rather than train on wrong numbers: see [web-webgpu-readback.md](web-webgpu-readback.md).
`;
writeFileSync(join(APP_DIR, '../../docs/results/web-2d-lab.md'), table);
console.log(table);

const ganTable = `# DCGAN in the browser: training speed per backend in Chromium

Command: \`cd apps/web && npx tsx scripts/bench-backends.ts ${seconds}\` (${new Date().toISOString().slice(0, 10)}), the same run as
[web-2d-lab.md](web-2d-lab.md). Machine: ${cpus().length} CPU cores, no GPU, shared with other jobs (1-minute load average
${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end; nice ${getPriority()}: the numbers are lower bounds); Debian \`chromium\` headless.

Setting: the GAN tab's defaults: DCGAN from @tfgen/architectures (28x28x1, width 16: G dense -> 7x7x32 -> 14x14x16 -> 28x28x1
transposed 4x4 convs with batch norm; D 4x4 stride-2 convs 16, 32 with LeakyReLU(0.2), batch norm on the second), latent 32, batch 32, non-saturating
loss, Adam(5e-4, 0.5), on the app's 2000-image Fashion-MNIST subset, in the tab's own Web Worker, after the 2D lab was paused.
One step = one D update + one G update. "Wall steps/s" counts steps over ${seconds} s after a 5 s warm-up, including a sample-grid
view (64 samples) after each 300 ms slice; "training steps/s" is the worker's median per slice.

| requested | Chromium flags | backend used | wall steps/s | training steps/s | ms per step | notes |
| --- | --- | --- | --- | --- | --- | --- |
${ganRows.join('\n')}
`;
writeFileSync(join(APP_DIR, '../../docs/results/web-dcgan.md'), ganTable);
console.log(ganTable);
