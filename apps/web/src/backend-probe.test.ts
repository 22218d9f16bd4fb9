import * as tf from '@tensorflow/tfjs-core';
import { BackendError, initBackend } from '@tfgen/core';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseBackend, describeProbes, fastestProbe, probeBackends, type BackendProbe } from './backend-probe';

afterAll(async () => {
  await initBackend({ prefer: 'cpu' }); // the other tests in this worker expect cpu
});

describe('fastestProbe', () => {
  const probes: BackendProbe[] = [
    { name: 'webgpu', ok: false, error: 'no adapter' },
    { name: 'webgl', ok: true, ms: 9 },
    { name: 'wasm', ok: true, ms: 3 },
    { name: 'cpu', ok: true, ms: 12 },
  ];
  it('picks the smallest time among working backends, the earlier one on a tie', () => {
    expect(fastestProbe(probes).name).toBe('wasm');
    expect(fastestProbe([...probes, { name: 'tensorflow', ok: true, ms: 2.5 }]).name).toBe('tensorflow');
    expect(fastestProbe([{ name: 'webgl', ok: true, ms: 3 }, { name: 'wasm', ok: true, ms: 3 }]).name).toBe('webgl');
    expect(describeProbes(probes)).toBe('webgpu unavailable, webgl 9.0 ms, wasm 3.0 ms, cpu 12.0 ms');
  });

  it('is a BackendError naming every failure when nothing worked', () => {
    expect(() => fastestProbe([probes[0]])).toThrow(BackendError);
    expect(() => fastestProbe([probes[0]])).toThrow(/webgpu: no adapter/);
  });
});

describe('probeBackends (Node: wasm and cpu really run)', () => {
  it('times each candidate, leaves the fastest active and reports every time; leaks nothing', async () => {
    const tensors = tf.memory().numTensors;
    const { report, probes } = await probeBackends({ candidates: ['webgl', 'wasm', 'cpu'], repeats: 3 });
    expect(probes.map((p) => p.name)).toEqual(['webgl', 'wasm', 'cpu']);
    expect(probes[0]).toMatchObject({ ok: false, error: expect.stringMatching(/browser/) }); // WebGL needs a browser
    for (const probe of probes.slice(1)) {
      expect(probe.ok).toBe(true);
      expect(probe.ms).toBeGreaterThan(0);
    }
    const best = fastestProbe(probes).name;
    expect(report.name).toBe(best);
    expect(tf.getBackend()).toBe(best);
    expect(report.reason).toMatch(/^fastest in a timed probe \(webgl unavailable, wasm \d+\.\d ms, cpu \d+\.\d ms\)$/);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('an explicit choice skips the probe; a bad repeat count is named', async () => {
    const { report, probes } = await chooseBackend('cpu', undefined);
    expect(report.name).toBe('cpu');
    expect(probes).toBeNull();
    await expect(probeBackends({ candidates: ['cpu'], repeats: 0 })).rejects.toThrow(/options.repeats/);
  });
});
