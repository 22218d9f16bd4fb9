/**
 * Why the non-saturating loss exists: the generator's gradient with respect to one fake logit,
 * for each GAN loss, as the discriminator grows confident that the sample is fake (logit << 0).
 * Also checks every loss stays finite at logits of ±100. Writes docs/results/losses/saturation.md.
 *
 *   cd packages/losses && npx tsx scripts/saturation.ts
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ganLosses, type GanLossName } from '../src/gan-losses';

await tf.setBackend('cpu');
const names = Object.keys(ganLosses) as GanLossName[];
const logits = [-100, -20, -10, -5, -2, 0, 2, 5];
const realLogits = tf.tensor1d([3, 3, 3, 3]);
const rows: string[] = [];
rows.push(`| fake logit | D(G(z)) | ${names.join(' | ')} |`);
rows.push(`| --- | --- | ${names.map(() => '---').join(' | ')} |`);
for (const logit of logits) {
  const cells = names.map((name) => {
    const loss = ganLosses[name];
    // A batch of 4 identical fakes; gradient wrt one of them, times 4 to undo the batch mean.
    const fake = tf.fill([4], logit);
    const grad = tf.grad((f: tf.Tensor) => loss.generator(f, realLogits))(fake);
    const value = grad.dataSync()[0] * 4;
    tf.dispose([fake, grad]);
    return Math.abs(value) < 1e-3 && value !== 0 ? value.toExponential(1) : value.toFixed(3);
  });
  const d = 1 / (1 + Math.exp(-logit));
  rows.push(`| ${logit} | ${d < 1e-3 ? d.toExponential(1) : d.toFixed(3)} | ${cells.join(' | ')} |`);
}
let finite = true;
for (const name of names) {
  const real = tf.tensor1d([100, -100]);
  const fake = tf.tensor1d([-100, 100]);
  const values = [ganLosses[name].discriminator(real, fake), ganLosses[name].generator(fake, real)];
  for (const v of values) finite &&= Number.isFinite(v.dataSync()[0]);
  tf.dispose([real, fake, ...values]);
}
const text = [
  '# GAN losses: generator gradient vs. discriminator confidence',
  '',
  'Made by `cd packages/losses && npx tsx scripts/saturation.ts`. Each cell is dL_G/d(fake logit) for one',
  'fake sample (real logits fixed at 3, which only the relativistic losses use). The minimax',
  '(saturating) gradient vanishes like D(G(z)) when the discriminator rejects fakes; the',
  'non-saturating loss keeps a gradient of about -1 there.',
  '',
  ...rows,
  '',
  `All losses finite at logits of ±100: ${finite}.`,
  '',
].join('\n');
const out = fileURLToPath(new URL('../../../docs/results/losses/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}saturation.md`, text);
console.log(text);
