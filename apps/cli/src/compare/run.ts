/**
 * Runs the comparison study without the CLI build:
 *   npx tsx apps/cli/src/compare/run.ts --preset quick --out docs/results/compare-quick [--seed 0] [--backend wasm] [--skip-mnist]
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
  skipMnist: args.includes('--skip-mnist'),
  onProgress: (line) => console.log(line),
});
console.log(`report: ${result.reportPath}`);
