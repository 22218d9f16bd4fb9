// Search for the demo's 2D setting: mode coverage over training time for GAN configs x seeds.
// Appends one JSON line per finished (config, seed) run to the output file and skips runs already there.
// Run: cd apps/cli && nice -n 5 npx tsx --tsconfig tsconfig.dev.json scripts/demo-search.ts OUT.jsonl '<json {name: overrides}>' SEEDS STEPS EVERY
import * as fs from 'node:fs';
const { Rng, Trainer } = await import('@tfgen/core');
const { modeCoverage } = await import('@tfgen/metrics');
const { selectBackend } = await import('../src/backend');
const { parseTrainConfig } = await import('../src/config');
const { buildRun } = await import('../src/registry');
const { scatterPlot } = await import('../src/scatter-plot');
const { writePng } = await import('@tfgen/core/node');
const pngDir = process.env.DEMO_SEARCH_PNG; // optional: a scatter PNG per run at the end

const [outFile, configsJson, seedsArg, stepsArg, everyArg] = process.argv.slice(2);
const configs: Record<string, Record<string, unknown>> = JSON.parse(configsJson);
const seeds = seedsArg.split(',').map(Number);
const steps = Number(stepsArg);
const every = Number(everyArg);
const done = new Set(
  fs.existsSync(outFile)
    ? fs.readFileSync(outFile, 'utf8').split('\n').filter(Boolean).map((l) => { const r = JSON.parse(l); return `${r.name}/${r.seed}/${r.steps}`; })
    : [],
);
await selectBackend('auto');
for (const seed of seeds) {
  for (const [name, override] of Object.entries(configs)) {
    if (done.has(`${name}/${seed}/${steps}`)) continue;
    const config = parseTrainConfig({ model: 'mlp-gan', dataset: 'ring', out: 'search', steps, seed, checkpointEvery: 1e6, sampleEvery: 1e6, ...override });
    const built = buildRun(config);
    const trail: Array<{ step: number; modes: number; hq: number; top: number; kl: number }> = [];
    const cpu0 = process.cpuUsage();
    const evalAt = (step: number) => {
      const s = built.model.sample(2500, new Rng('eval'));
      const s0 = s.dataSync() as Float32Array;
      const c = modeCoverage(s0, { centers: built.data.mixture!.centers, std: built.data.mixture!.std });
      s.dispose();
      if (pngDir && step === steps) writePng(`${pngDir}/${name}-seed${seed}.png`, scatterPlot(s0, { centers: built.data.mixture!.centers, std: built.data.mixture!.std, size: 240 }));
      const hqCount = c.perMode.reduce((a, b) => a + b, 0);
      trail.push({ step, modes: c.modesCovered, hq: +(100 * c.highQualityFraction).toFixed(1), top: hqCount ? +(100 * Math.max(...c.perMode) / hqCount).toFixed(0) : NaN, kl: +c.reverseKl.toFixed(3) });
    };
    await new Trainer(built.model, { seed: config.seed, log: () => undefined }).fit(built.data.iterator, {
      steps,
      callbacks: [{ onStepEnd: (step) => { if (step % every === 0) evalAt(step); } }],
    });
    const cpu = process.cpuUsage(cpu0);
    const row = { name, seed, steps, cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1), trail, override };
    fs.appendFileSync(outFile, `${JSON.stringify(row)}\n`);
    console.log(`${name} seed ${seed} cpu ${row.cpuSeconds}s  ${trail.map((t) => `${t.step}:${t.modes}m/${t.hq}%hq/top${t.top}%`).join(' ')}`);
    built.dispose();
  }
}
