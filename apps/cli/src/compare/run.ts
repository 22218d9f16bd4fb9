/**
 * Runs the comparison study without the CLI build:
 *   npx tsx apps/cli/src/compare/run.ts --preset quick --out docs/results/compare-quick [--seed 0] [--backend wasm] [--only mixtures|ring-8|grid-25|mnist] [--variants lsgan,r1]
 * (`tfgen compare` calls the same {@link runCompare}.)
 */
import { runCompare } from './index';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const result = await runCompare({
  preset: (flag('preset') ?? 'quick') as 'quick' | 'full' | 'test',
  outDir: flag('out') ?? 'runs/compare',
  seed: Number(flag('seed') ?? 0),
  backend: (flag('backend') ?? 'auto') as 'auto' | 'cpu' | 'wasm',
  only: flag('only') as 'mixtures' | 'ring-8' | 'grid-25' | 'mnist' | undefined,
  ...(flag('variants') ? { variants: flag('variants')!.split(',').filter(Boolean) } : {}),
  onProgress: (line) => console.log(line),
});
console.log(`report: ${result.reportPath}`);
