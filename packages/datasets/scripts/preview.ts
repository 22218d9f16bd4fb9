/**
 * Renders small previews of every dataset to docs/results/datasets/ (PNG grids and scatter plots)
 * plus a markdown summary of measured statistics.
 *
 *   cd packages/datasets && npx tsx scripts/preview.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { Rng } from '@tfgen/core';
import {
  chirps,
  gridOfGaussians,
  loadFashionMnist,
  loadMnist,
  muLawDecode,
  muLawEncode,
  ringOfGaussians,
  sineMixture,
  spiral,
  stackedMnist,
  twoMoons,
  type ImageDataset,
  type Mixture2D,
} from '../src/node';

const out = fileURLToPath(new URL('../../../docs/results/datasets/', import.meta.url));
mkdirSync(out, { recursive: true });

function writePng(file: string, width: number, height: number, rgba: Uint8Array): void {
  const png = new PNG({ width, height });
  png.data.set(rgba);
  writeFileSync(join(out, file), PNG.sync.write(png));
}

/** The first `columns * rows` images of a dataset as one grid PNG. */
function grid(file: string, data: ImageDataset, columns: number, rows: number): void {
  const [h, w, c] = data.shape;
  const [low, high] = data.valueRange;
  const width = columns * w;
  const height = rows * h;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < columns * rows; i++) {
    const image = data.image(i);
    const ox = (i % columns) * w;
    const oy = Math.floor(i / columns) * h;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const at = ((oy + y) * width + ox + x) * 4;
        for (let k = 0; k < 3; k++) {
          const v = image[(y * w + x) * c + (c === 1 ? 0 : k)];
          rgba[at + k] = Math.round((255 * (v - low)) / (high - low));
        }
        rgba[at + 3] = 255;
      }
    }
  }
  writePng(file, width, height, rgba);
}

/** A scatter plot of mixture samples (grey) and centres (red). */
function scatter(file: string, mixture: Mixture2D, count: number): void {
  const size = 256;
  const points = mixture.sample(count, new Rng(0));
  let extent = 0;
  for (const [x, y] of mixture.centers) extent = Math.max(extent, Math.abs(x), Math.abs(y));
  extent = extent * 1.2 + 4 * mixture.std;
  const rgba = new Uint8Array(size * size * 4).fill(255);
  const plot = (x: number, y: number, color: [number, number, number], radius: number) => {
    const px = Math.round(((x + extent) / (2 * extent)) * (size - 1));
    const py = Math.round(((extent - y) / (2 * extent)) * (size - 1));
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) {
        const qx = px + dx;
        const qy = py + dy;
        if (qx < 0 || qy < 0 || qx >= size || qy >= size) continue;
        rgba.set(color, (qy * size + qx) * 4);
      }
    }
  };
  for (let i = 0; i < count; i++) plot(points[2 * i], points[2 * i + 1], [60, 60, 60], 0);
  for (const [x, y] of mixture.centers) plot(x, y, [220, 30, 30], 1);
  writePng(file, size, size, rgba);
}

const lines: string[] = ['# Dataset previews', '', 'Made by `cd packages/datasets && npx tsx scripts/preview.ts`.', ''];
let started = performance.now();
const mnist = loadMnist({ split: 'train', scale: '[-1,1]' });
lines.push(`- MNIST train: ${mnist.count} images ${mnist.shape.join('x')}, loaded in ${(performance.now() - started).toFixed(0)} ms.`);
grid('mnist.png', mnist, 16, 4);
started = performance.now();
const fashion = loadFashionMnist({ split: 'train', scale: '[-1,1]' });
lines.push(`- Fashion-MNIST train: ${fashion.count} images, loaded in ${(performance.now() - started).toFixed(0)} ms.`);
grid('fashion-mnist.png', fashion, 20, 3);
const binary = loadMnist({ split: 'test', scale: '[0,1]', binarize: 'static', limit: 64 });
grid('mnist-static-binarized.png', binary, 16, 4);
started = performance.now();
const stacked = stackedMnist(mnist, { count: 25600, seed: 0 });
const modes = new Set(stacked.labels);
lines.push(`- Stacked MNIST: 25600 images in ${(performance.now() - started).toFixed(0)} ms, ${modes.size}/1000 modes present.`);
grid('stacked-mnist.png', stacked, 16, 4);
for (const mixture of [ringOfGaussians(), gridOfGaussians(), spiral(), twoMoons()]) {
  scatter(`${mixture.name}.png`, mixture, 2500);
  lines.push(`- ${mixture.name}: ${mixture.centers.length} centres, std ${mixture.std}; 2500 samples in \`${mixture.name}.png\`.`);
}
const wave = sineMixture({ sampleRate: 16000, seconds: 1, frequencies: [220, 440, 660], seed: 0 });
const roundTrip = muLawDecode(muLawEncode(wave));
let worst = 0;
let sumSquared = 0;
for (let i = 0; i < wave.length; i++) {
  worst = Math.max(worst, Math.abs(wave[i] - roundTrip[i]));
  sumSquared += (wave[i] - roundTrip[i]) ** 2;
}
lines.push(`- Sine mixture (220+440+660 Hz, 16 kHz, 1 s) through 256-level mu-law: max error ${worst.toExponential(2)}, RMS error ${Math.sqrt(sumSquared / wave.length).toExponential(2)}.`);
const sweep = chirps({ sampleRate: 16000, seconds: 1, startFrequency: 100, endFrequency: 4000, count: 2 });
lines.push(`- Chirps: ${sweep.length} samples, two linear sweeps 100 Hz -> 4 kHz.`);
lines.push('', '![MNIST](mnist.png) ![Fashion-MNIST](fashion-mnist.png) ![Stacked MNIST](stacked-mnist.png)', '');
lines.push('![ring](ring-8.png) ![grid](grid-25.png) ![spiral](spiral-20.png) ![moons](two-moons-16.png)', '');
writeFileSync(join(out, 'README.md'), lines.join('\n'));
console.log(lines.join('\n'));
