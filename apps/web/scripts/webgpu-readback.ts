// Why `initBackend` refuses WebGPU in headless Chromium here: checks tfjs-webgpu's synchronous and
// asynchronous reads on the page thread and in a Web Worker (the app trains in workers).
// Run: cd apps/web && npx tsx scripts/webgpu-readback.ts   (writes docs/results/web-webgpu-readback.md)
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { APP_DIR, CHROMIUM_ARGS, launchChromium } from '../test/browser';

const FLAGS = ['--enable-unsafe-webgpu'];
const bundle = (name: string, file: string) => readFileSync(join(APP_DIR, 'node_modules/@tensorflow', name, 'dist', file));
/** Runs in both the page and a worker: every read of a tensor computed on the GPU, sync and async. */
const CHECKS = `
async function checks() {
  const out = { adapter: String(await navigator.gpu?.requestAdapter().then((a) => a?.info?.description || a?.info?.vendor || 'yes', () => null)) };
  try {
    out.setBackend = await tf.setBackend('webgpu');
    await tf.ready();
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i + 1), [1, 4, 4, 1]);
    const convSum = () => tf.sum(tf.conv2d(x, tf.ones([2, 2, 1, 1]), 2, 'valid'));
    out['async conv2d + sum (expected 136)'] = (await convSum().data())[0];
    out['async matMul ones(2x3) ones(3x2) (expected 3s)'] = Array.from(await tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).data()).join(' ');
    const a = tf.randomNormal([256, 256]);
    await tf.matMul(a, a).data();
    const start = performance.now();
    for (let i = 0; i < 10; i++) await tf.matMul(a, a).data();
    out['async 256x256 matMul, ms each (10 runs)'] = ((performance.now() - start) / 10).toFixed(1);
    out['sync conv2d + sum (expected 136)'] = convSum().dataSync()[0];
    out['sync matMul (expected 3s)'] = Array.from(tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync()).join(' ');
    out['async conv2d + sum after a sync read (expected 136)'] = (await convSum().data())[0];
  } catch (error) {
    out.error = String(error);
  }
  return out;
}`;
const files: Record<string, [string, Buffer | string]> = {
  '/tf-core.js': ['text/javascript', bundle('tfjs-core', 'tf-core.min.js')],
  '/tf-webgpu.js': ['text/javascript', bundle('tfjs-backend-webgpu', 'tf-backend-webgpu.min.js')],
  '/checks.js': ['text/javascript', CHECKS],
  '/worker.js': ['text/javascript', `importScripts('tf-core.js', 'tf-webgpu.js', 'checks.js'); checks().then((out) => postMessage(out));`],
  '/': ['text/html', `<!doctype html><script src="tf-core.js"></script><script src="tf-webgpu.js"></script><script src="checks.js"></script>`],
};
const server = createServer((request, response) => {
  const file = files[request.url ?? '/'];
  if (file) response.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  else response.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
if (!address || typeof address === 'string') throw new Error('no port');
const results: Record<string, Record<string, unknown>> = {};
for (const where of ['page', 'worker'] as const) {
  // A fresh browser each: a failed sync read can lose the GPU device for the rest of the page.
  const browser = await launchChromium(FLAGS);
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${address.port}/`);
    results[where] = await page.evaluate(
      (inWorker) =>
        inWorker
          ? new Promise<Record<string, unknown>>((resolve) => {
              const worker = new Worker('worker.js');
              worker.onmessage = (event) => resolve(event.data);
            })
          : (window as unknown as { checks: () => Promise<Record<string, unknown>> }).checks(),
      where === 'worker',
    );
  } finally {
    await browser.close();
  }
}
server.close();
const keys = [...new Set([...Object.keys(results.page), ...Object.keys(results.worker)])];
const markdown = `# WebGPU in headless Chromium here: synchronous reads return zeros

Command: \`cd apps/web && npx tsx scripts/webgpu-readback.ts\` (${new Date().toISOString().slice(0, 10)}). Debian \`chromium\` headless with
\`${[...CHROMIUM_ARGS, ...FLAGS].join(' ')}\`; ${cpus().length} CPU cores, no GPU (1-minute load average ${loadavg()[0].toFixed(1)}).
tfjs-core and tfjs-backend-webgpu 4.22 (their UMD bundles), the same checks on the page thread and in a Web Worker.

| check | page | worker |
| --- | --- | --- |
${keys.map((key) => `| ${key} | ${results.page[key] ?? '-'} | ${results.worker[key] ?? '-'} |`).join('\n')}

tfjs-webgpu's \`dataSync\` copies the GPU buffer through an OffscreenCanvas ('webgpu' context drawn into a '2d' one). On this
SwiftShader adapter that copy gives zeros, and after it even asynchronous reads fail (the error row: the GPU instance is gone).
So \`initBackend\`'s probe (a conv and its filter gradient, read with \`dataSync\`) sees wrong numbers and refuses WebGPU, as it
should: the GAN steps, the lab's frames and the samplers read their numbers synchronously. Before any synchronous read, the
asynchronous ones are right, but slow: SwiftShader is a CPU emulating a GPU.
`;
writeFileSync(join(APP_DIR, '../../docs/results/web-webgpu-readback.md'), markdown);
console.log(markdown);
