import type { MixtureRow } from './study-2d';
import type { MnistRow } from './study-mnist';
import type { ComparePreset } from './presets';
import { checkClaims } from './claims';

const fmt = (value: number | null | undefined, digits = 3): string =>
  value === null || value === undefined ? 'n/a' : Number.isFinite(value) ? value.toFixed(digits) : String(value);

/** Everything the report shows; every number comes from the run. */
export interface ReportInput {
  readonly preset: ComparePreset;
  readonly seed: number;
  readonly backend: string;
  readonly command: string;
  readonly mixtureRows: readonly MixtureRow[];
  readonly referenceNll: Record<string, number>;
  readonly mnistRows: readonly MnistRow[];
  readonly mnistSkipped: readonly string[];
  readonly classifierAccuracy: number | null;
  readonly mnistError: string | null;
  readonly totalSeconds: number;
  readonly startedAt: string;
}

/** Renders the comparison report as Markdown (figures are relative PNG links). */
export function renderReport(input: ReportInput): string {
  const lines: string[] = [];
  lines.push(`# tfgen compare: GANs vs explicit-likelihood models (${input.preset.name} preset)`);
  lines.push('');
  lines.push(`Run ${input.startedAt}, seed ${input.seed}, backend \`${input.backend}\`, ${input.totalSeconds.toFixed(0)} s in total ` + `(this preset: ${input.preset.expectedTime}).`);
  lines.push(`Reproduce: \`${input.command}\`. Every number below was measured in this run.`);
  lines.push('');
  lines.push('Columns: **quality** = precision (Kynkäänniemi et al. 2019, k = 3) and % high-quality samples / FCD; **diversity** = modes captured, recall, reverse KL;');
  lines.push('**likelihood** = held-out NLL (n/a for GANs: they define no density, by design); **stability** = std of the main loss over the second half of training');
  lines.push('and whether training diverged (non-finite loss); **speed** = samples/s when sampling (one pass for a GAN or VAE, one pass per pixel for PixelCNN).');
  lines.push('');
  if (input.mixtureRows.length + input.mnistRows.length > 0) {
    lines.push("## The seed's claims against this run");
    lines.push('');
    lines.push('Each verdict is computed from the rows below (fixed claims, measured numbers); read it with the preset\'s training budget in mind.');
    lines.push('');
    lines.push('| claim | measured in this run | verdict |');
    lines.push('| --- | --- | --- |');
    for (const check of checkClaims(input.mixtureRows, input.mnistRows)) lines.push(`| ${check.claim} | ${check.measured} | ${check.verdict} |`);
    lines.push('');
  }
  const datasets = [...new Set(input.mixtureRows.map((r) => r.dataset))];
  for (const dataset of datasets) {
    const rows = input.mixtureRows.filter((r) => r.dataset === dataset);
    const first = rows[0];
    lines.push(`## ${dataset}: ${first.modeCount} Gaussian modes`);
    lines.push('');
    lines.push(`${first.steps} training steps per model, ${first.sampleCount} samples scored (PacGAN Table 1 used 2,500). High quality = within 3 std of the nearest mode. Reference NLL of the true mixture on the same held-out points: ${fmt(input.referenceNll[dataset])} nats/point.`);
    lines.push('');
    lines.push('| model | family | modes | high quality % | reverse KL | precision | recall | NLL (nats/pt) | loss std (late) | diverged | samples/s | train s | train CPU s |');
    lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) {
      lines.push(
        `| ${r.model} | ${r.family} | ${r.modesCovered}/${r.modeCount} | ${fmt(r.highQualityPercent, 1)} | ${fmt(r.reverseKl)} | ${fmt(r.precision)} | ${fmt(r.recall)} | ${r.nllNats === null ? 'n/a' : fmt(r.nllNats)} | ${fmt(r.lossStd)} | ${r.diverged ? 'yes' : 'no'} | ${fmt(r.samplesPerSecond, 0)} | ${fmt(r.trainSeconds, 1)} | ${fmt(r.trainCpuSeconds, 1)} |`,
      );
    }
    lines.push('');
    lines.push('Samples (blue) over the true modes (red rings: the 3-std high-quality zone):');
    lines.push('');
    lines.push(rows.map((r) => `![${r.model}](${r.scatterFile})`).join(' '));
    lines.push('');
    lines.push(`Loss curves (blue: ${rows[0].family === 'GAN' ? 'generator, orange: discriminator' : 'loss'}; VAE: negative ELBO):`);
    lines.push('');
    lines.push(rows.map((r) => `![${r.model} losses](${r.lossFile})`).join(' '));
    lines.push('');
    lines.push('Models: ' + rows.map((r) => `**${r.model}**: ${r.description}`).join('; ') + '.');
    lines.push('');
  }
  lines.push('## MNIST (dynamically binarized, the same data for every model)');
  lines.push('');
  if (input.mnistError) {
    lines.push(`The MNIST part did not run: ${input.mnistError}`);
    lines.push('');
  } else if (input.mnistRows.length > 0) {
    const r0 = input.mnistRows[0];
    lines.push(
      `Sample metrics use the shipped MNIST classifier of @tfgen/metrics (test accuracy ${fmt((input.classifierAccuracy ?? NaN) * 100, 2)}%): FCD = Fréchet distance of its 64-d penultimate features, ` +
        `KID = unbiased kernel distance (mean ± std over subsets; features are unnormalized, so its scale is the features' scale cubed), score = classifier (Inception-style) score. ${r0.realCount} binarized test images are the reference; FCD is biased upward at small sample counts, so compare only rows with equal counts. ` +
        'VAE samples are Bernoulli draws from the decoder means; likelihoods are in nats per image on statically binarized test images.',
    );
    lines.push('');
    lines.push('| model | family | samples | FCD | KID | precision | recall | score | digits | class KL | NLL (nats) | bits/dim | loss std (late) | diverged | samples/s | train s | train CPU s |');
    lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of input.mnistRows) {
      const nll = r.nllNats === null ? 'n/a' : `${fmt(r.nllNats, 2)} ± ${fmt(r.nllStandardError, 2)} (${r.nllKind}, ${r.nllCount} images)`;
      lines.push(
        `| ${r.model} | ${r.family} | ${r.sampleCount} | ${fmt(r.fcd, 2)} | ${fmt(r.kid, 2)} ± ${fmt(r.kidStd, 2)} | ${fmt(r.precision)} | ${fmt(r.recall)} | ${fmt(r.classifierScore, 2)} | ${r.digitsCovered}/10 | ${fmt(r.digitKl)} | ${nll} | ${r.bitsPerDim === null ? 'n/a' : fmt(r.bitsPerDim, 4)} | ${fmt(r.lossStd)} | ${r.diverged ? 'yes' : 'no'} | ${fmt(r.samplesPerSecond, 1)} | ${fmt(r.trainSeconds, 1)} | ${fmt(r.trainCpuSeconds, 1)} |`,
      );
    }
    lines.push('');
    lines.push(input.mnistRows.map((r) => `![${r.model} samples](${r.gridFile})`).join(' '));
    lines.push('');
    lines.push(input.mnistRows.map((r) => `![${r.model} losses](${r.lossFile})`).join(' '));
    lines.push('');
    lines.push('Models: ' + input.mnistRows.map((r) => `**${r.model}** (${r.steps} steps): ${r.description}`).join('; ') + '.');
    lines.push('');
  }
  if (input.mnistSkipped.length > 0) {
    lines.push(`Skipped: ${input.mnistSkipped.join('; ')}.`);
    lines.push('');
  }
  lines.push('Not run here: Stacked MNIST (1000 modes; `stackedMnistModes` in @tfgen/metrics computes it) — too slow for this study on 2 CPU cores.');
  lines.push('');
  return lines.join('\n');
}
