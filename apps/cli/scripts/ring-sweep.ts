// Mode coverage over training time for a few 2D GAN configs (how the demo's settings were chosen).
// Run: cd apps/cli && npx tsx --tsconfig tsconfig.dev.json scripts/ring-sweep.ts '<json list of config overrides>' [steps]
const { Rng, Trainer } = await import('@tfgen/core');
const { modeCoverage } = await import('@tfgen/metrics');
const { selectBackend } = await import('../src/backend');
const { parseTrainConfig } = await import('../src/config');
const { buildRun } = await import('../src/registry');
const { DEMO_BASE } = await import('../src/demo');

const overrides: Array<Record<string, unknown>> = JSON.parse(process.argv[2] ?? '[{}]');
const steps = Number(process.argv[3] ?? 3000);
const every = Number(process.argv[4] ?? 300);
await selectBackend('auto');
for (const override of overrides) {
  const config = parseTrainConfig({ ...DEMO_BASE, out: 'sweep', steps, ...override });
  const built = buildRun(config);
  const trail: string[] = [];
  const cpu0 = process.cpuUsage();
  await new Trainer(built.model, { seed: config.seed }).fit(built.data.iterator, {
    steps,
    callbacks: [
      {
        onStepEnd: (step) => {
          if (step % every !== 0) return;
          const s = built.model.sample(2500, new Rng('eval'));
          const c = modeCoverage(s.dataSync() as Float32Array, { centers: built.data.mixture!.centers, std: built.data.mixture!.std });
          s.dispose();
          trail.push(`${step}:${c.modesCovered}/${(100 * c.highQualityFraction).toFixed(0)}%`);
          console.log(`  ${JSON.stringify(override)} step ${step}: ${c.modesCovered} modes, ${(100 * c.highQualityFraction).toFixed(0)}% HQ`);
        },
      },
    ],
  });
  const cpu = process.cpuUsage(cpu0);
  console.log(`${JSON.stringify(override)}  cpu ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s  ${trail.join(' ')}`);
  built.dispose();
}
