import type { MixtureRow } from './study-2d';
import type { MnistRow } from './study-mnist';

/** One claim of the seed argument, next to what this run measured and a verdict computed from it. */
export interface ClaimCheck {
  readonly claim: string;
  readonly measured: string;
  /** `supported`, `not supported`, `mixed` (some datasets each way) or `n/a` (no rows to judge). */
  readonly verdict: 'supported' | 'not supported' | 'mixed' | 'n/a';
}

const f = (value: number, digits = 3): string => (Number.isFinite(value) ? value.toFixed(digits) : String(value));
const mean = (values: number[]): number => (values.length ? values.reduce((s, v) => s + v, 0) / values.length : NaN);
const best = (values: number[], pick: (a: number, b: number) => number): number => {
  const finite = values.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => pick(a, b)) : NaN;
};

function verdictOf(outcomes: boolean[]): ClaimCheck['verdict'] {
  if (outcomes.length === 0) return 'n/a';
  if (outcomes.every(Boolean)) return 'supported';
  if (!outcomes.some(Boolean)) return 'not supported';
  return 'mixed';
}

/**
 * Checks the seed's claims about GANs versus explicit-likelihood models against the rows of one
 * run. The claims are fixed text; every number and verdict is computed from `mixtureRows` and
 * `mnistRows`, so the table changes with the run.
 */
export function checkClaims(mixtureRows: readonly MixtureRow[], mnistRows: readonly MnistRow[]): ClaimCheck[] {
  const checks: ClaimCheck[] = [];
  const datasets = [...new Set(mixtureRows.map((r) => r.dataset))];
  const gans = <T extends { family: string }>(rows: readonly T[]): T[] => rows.filter((r) => r.family === 'GAN');
  const explicitRows = <T extends { family: string }>(rows: readonly T[]): T[] => rows.filter((r) => r.family === 'explicit');

  // 1. quality: the best GAN beats the explicit models on precision (mixtures) and FCD (MNIST)
  {
    const parts: string[] = [];
    const outcomes: boolean[] = [];
    for (const d of datasets) {
      const rows = mixtureRows.filter((r) => r.dataset === d);
      const g = best(gans(rows).map((r) => r.precision), Math.max);
      const e = best(explicitRows(rows).map((r) => r.precision), Math.max);
      if (Number.isFinite(g) && Number.isFinite(e)) {
        parts.push(`${d}: best GAN precision ${f(g)} vs VAE ${f(e)}`);
        outcomes.push(g > e);
      }
    }
    const vae = mnistRows.find((r) => r.model === 'vae');
    const g = best(gans(mnistRows).map((r) => r.fcd), Math.min);
    if (vae && Number.isFinite(g)) {
      const pixelCnn = mnistRows.find((r) => r.model === 'pixelcnn');
      parts.push(`MNIST: best GAN FCD ${f(g, 1)} vs VAE ${f(vae.fcd, 1)}` + (pixelCnn ? ` (PixelCNN ${f(pixelCnn.fcd, 1)} on only ${pixelCnn.sampleCount} samples)` : ''));
      outcomes.push(g < vae.fcd);
    }
    checks.push({ claim: 'GANs give higher-quality samples than likelihood models', measured: parts.join('; ') || 'no rows', verdict: verdictOf(outcomes) });
  }
  // 2. diversity: GANs cover fewer modes / lower recall than the explicit models
  {
    const parts: string[] = [];
    const outcomes: boolean[] = [];
    for (const d of datasets) {
      const rows = mixtureRows.filter((r) => r.dataset === d);
      const vae = explicitRows(rows)[0];
      if (!vae || gans(rows).length === 0) continue;
      const vanilla = rows.find((r) => r.model === 'gan');
      const ganModes = mean(gans(rows).map((r) => r.modesCovered));
      parts.push(`${d}: GANs cover ${f(ganModes, 1)}/${vae.modeCount} modes on average (vanilla ${vanilla ? vanilla.modesCovered : 'n/a'}), VAE ${vae.modesCovered}; mean GAN recall ${f(mean(gans(rows).map((r) => r.recall)))} vs VAE ${f(vae.recall)}`);
      outcomes.push(ganModes < vae.modesCovered);
    }
    const vae = mnistRows.find((r) => r.model === 'vae');
    if (vae && gans(mnistRows).length > 0) {
      const recall = mean(gans(mnistRows).map((r) => r.recall));
      parts.push(`MNIST: mean GAN recall ${f(recall)} vs VAE ${f(vae.recall)}; digits found ${gans(mnistRows).map((r) => `${r.model} ${r.digitsCovered}`).join(', ')} vs VAE ${vae.digitsCovered}`);
      outcomes.push(recall < vae.recall);
    }
    checks.push({ claim: 'GANs drop modes: less diversity than likelihood models', measured: parts.join('; ') || 'no rows', verdict: verdictOf(outcomes) });
  }
  // 3. the strategies fix mode collapse: the best strategy covers more modes than the vanilla GAN
  {
    const parts: string[] = [];
    const outcomes: boolean[] = [];
    for (const d of datasets) {
      const rows = mixtureRows.filter((r) => r.dataset === d);
      const vanilla = rows.find((r) => r.model === 'gan');
      const strategies = gans(rows).filter((r) => r.model !== 'gan');
      if (!vanilla || strategies.length === 0) continue;
      const better = strategies.filter((r) => r.modesCovered > vanilla.modesCovered);
      parts.push(`${d}: ${better.length}/${strategies.length} strategies cover more modes than vanilla (${vanilla.modesCovered})${better.length ? `: ${better.map((r) => `${r.model} ${r.modesCovered}`).join(', ')}` : ''}`);
      outcomes.push(better.length > strategies.length / 2);
    }
    checks.push({ claim: 'The anti-collapse strategies cover more modes than a vanilla GAN', measured: parts.join('; ') || 'no rows', verdict: verdictOf(outcomes) });
  }
  // 4. likelihood: explicit models give one, GANs cannot
  {
    const withNll = [...mixtureRows, ...mnistRows].filter((r) => r.nllNats !== null && Number.isFinite(r.nllNats));
    const ganNll = gans([...mixtureRows, ...mnistRows]).filter((r) => r.nllNats !== null);
    const parts = withNll.map((r) => `${'dataset' in r ? r.dataset : 'MNIST'} ${r.model} ${f(r.nllNats!, 2)} nats`);
    checks.push({
      claim: 'Likelihood models give a held-out likelihood; GANs give none (n/a by design)',
      measured: `${parts.join(', ') || 'no explicit rows'}; GAN rows with an NLL: ${ganNll.length}`,
      verdict: withNll.length === 0 ? 'n/a' : ganNll.length === 0 ? 'supported' : 'not supported',
    });
  }
  // 5. stability: GANs diverge or oscillate more than explicit models (divergences; loss std is per loss, so only divergences compare across families)
  {
    const all = [...mixtureRows, ...mnistRows];
    const ganDiverged = gans(all).filter((r) => r.diverged).length;
    const explicitDiverged = explicitRows(all).filter((r) => r.diverged).length;
    checks.push({
      claim: 'GAN training is less stable than likelihood training',
      measured: `diverged (non-finite loss or samples): ${ganDiverged}/${gans(all).length} GAN runs, ${explicitDiverged}/${explicitRows(all).length} explicit runs (late loss std is reported per row, but GAN and likelihood losses are not on one scale)`,
      verdict: gans(all).length === 0 || explicitRows(all).length === 0 ? 'n/a' : ganDiverged > explicitDiverged ? 'supported' : 'not supported',
    });
  }
  // 6. speed: a GAN samples in one pass, PixelCNN in one pass per pixel
  {
    const pixelCnn = mnistRows.find((r) => r.model === 'pixelcnn');
    const ganSpeed = best(gans(mnistRows).map((r) => r.samplesPerSecond), Math.min);
    checks.push({
      claim: 'GANs sample far faster than autoregressive models (one pass vs one pass per pixel)',
      measured: pixelCnn && Number.isFinite(ganSpeed) ? `MNIST: slowest GAN ${f(ganSpeed, 0)} samples/s vs PixelCNN ${f(pixelCnn.samplesPerSecond, 2)} samples/s (${f(ganSpeed / pixelCnn.samplesPerSecond, 0)}x)` : 'no PixelCNN or GAN row',
      verdict: pixelCnn && Number.isFinite(ganSpeed) ? (ganSpeed > 10 * pixelCnn.samplesPerSecond ? 'supported' : 'not supported') : 'n/a',
    });
  }
  return checks;
}
