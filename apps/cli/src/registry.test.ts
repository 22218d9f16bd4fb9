import * as tf from '@tensorflow/tfjs-core';
import { muLawEncode } from '@tfgen/datasets';
import { describe, expect, it } from 'vitest';
import { parseTrainConfig } from './config';
import { audioSignal, buildData, mixtureFor, waveNetDilations } from './registry';

/** |DFT| of `signal` at `frequency` Hz, normalized so a unit sine over whole periods gives 0.5. */
function amplitudeAt(signal: Float32Array, frequency: number, sampleRate: number): number {
  let re = 0;
  let im = 0;
  for (let n = 0; n < signal.length; n++) {
    const phase = (2 * Math.PI * frequency * n) / sampleRate;
    re += signal[n] * Math.cos(phase);
    im -= signal[n] * Math.sin(phase);
  }
  return Math.hypot(re, im) / signal.length;
}

describe('registry data', () => {
  it('has a mixture with modes for every 2D dataset', () => {
    expect(mixtureFor('ring')!.centers.length).toBe(8);
    expect(mixtureFor('grid')!.centers.length).toBe(25);
    for (const name of ['spiral', 'two-moons'] as const) expect(mixtureFor(name)!.centers.length).toBeGreaterThan(1);
    expect(mixtureFor('mnist')).toBeUndefined();
  });

  it('the sine dataset holds exactly its three tones (amplitude 0.9 / 3 each) in segments with new phases; a new seed gives new phases', () => {
    const sampleRate = 8000;
    const signal = audioSignal('sine', sampleRate, 0, 8); // 8 segments of 1 s: whole periods of every tone
    expect(signal.length).toBe(64000);
    const segment = (s: Float32Array, i: number) => s.subarray(i * 8000, (i + 1) * 8000);
    for (let i = 0; i < 8; i++) {
      for (const f of [220, 330, 440]) expect(amplitudeAt(segment(signal, i), f, sampleRate)).toBeCloseTo(0.9 / 3 / 2, 3);
      for (const f of [100, 275, 1000]) expect(amplitudeAt(segment(signal, i), f, sampleRate)).toBeLessThan(1e-3);
    }
    // Each segment starts at its own phase: sin at t = 0 is the sum of the tones' sines of their phases.
    const starts = Array.from({ length: 8 }, (_, i) => segment(signal, i)[0]);
    expect(new Set(starts.map((v) => v.toFixed(4))).size).toBe(8);
    const other = audioSignal('sine', sampleRate, 1, 8);
    expect(amplitudeAt(segment(other, 3), 330, sampleRate)).toBeCloseTo(0.15, 3);
    expect(Array.from(other.subarray(0, 10))).not.toEqual(Array.from(signal.subarray(0, 10)));
    // Tones at or above Nyquist are left out rather than aliased (a single 220 Hz tone of amplitude 0.9 at 600 Hz).
    const low = audioSignal('sine', 600, 0, 8);
    expect(amplitudeAt(low.subarray(0, 600), 220, 600)).toBeCloseTo(0.9 / 2, 3);
  });

  it('audio batches are windows of the signal with their mu-law codes; WaveNet dilations double', () => {
    expect(waveNetDilations(parseTrainConfig({ model: 'wavenet', dataset: 'chirp', out: 'r', hiddenLayers: 4 }))).toEqual([1, 2, 4, 8]);
    const config = parseTrainConfig({ model: 'wavenet', dataset: 'chirp', out: 'r', hiddenLayers: 2, sampleRate: 1000, batchSize: 3, muLawLevels: 16 });
    const data = buildData(config);
    expect(data.kind).toBe('audio');
    expect(data.audio).toMatchObject({ sampleRate: 1000, levels: 16, windowLength: 2 + 1 + 2 + 128 });
    const before = tf.memory().numTensors;
    const batch = data.iterator.next();
    expect(batch.x.shape).toEqual([3, 133, 1]);
    expect(batch.y!.shape).toEqual([3, 133]);
    expect(Array.from(batch.y!.dataSync())).toEqual(Array.from(muLawEncode(batch.x.dataSync(), 16)));
    tf.dispose([batch.x, batch.y!]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => buildData(parseTrainConfig({ model: 'wavenet', dataset: 'sine', out: 'r', sampleRate: 1000, windowLength: 5000 }))).toThrow(
      'config.windowLength (--window-length): expected at most the 4000 samples of the signal, got 5000',
    );
    expect(() => parseTrainConfig({ model: 'wavenet', dataset: 'sine', out: 'r', sampleRate: 440 })).toThrow('config.sampleRate (--sample-rate): expected a number >= 1000, got 440');
  });
});
