import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav, readWav, writeWav } from './wav';

describe('WAV files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-wav-'));

  it('writes a 16-bit mono RIFF header and PCM samples that read back within one quantization step', () => {
    const samples = Float32Array.from({ length: 100 }, (_, i) => 0.8 * Math.sin((2 * Math.PI * 5 * i) / 100));
    const bytes = Buffer.from(encodeWav(samples, 8000));
    expect(bytes.length).toBe(44 + 2 * 100);
    expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
    expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(bytes.readUInt16LE(20)).toBe(1); // PCM
    expect(bytes.readUInt16LE(22)).toBe(1); // channels
    expect(bytes.readUInt32LE(24)).toBe(8000);
    expect(bytes.readUInt32LE(28)).toBe(16000); // byte rate
    expect(bytes.readUInt16LE(34)).toBe(16);
    expect(bytes.toString('ascii', 36, 40)).toBe('data');
    expect(bytes.readUInt32LE(40)).toBe(200);
    // sample 5 = 0.8 sin(pi/2) = 0.8 -> round(0.8 * 32767)
    expect(bytes.readInt16LE(44 + 2 * 5)).toBe(Math.round(0.8 * 32767));
    const file = path.join(dir, 'sine.wav');
    writeWav(file, samples, 8000);
    const back = readWav(file);
    expect(back).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16 });
    for (let i = 0; i < samples.length; i++) expect(Math.abs(back.samples[i] - samples[i])).toBeLessThanOrEqual(1 / 32767);
  });

  it('clips to [-1, 1] and rejects NaN, empty audio and bad sample rates, naming them', () => {
    const bytes = Buffer.from(encodeWav([2, -2, 1, -1], 100));
    expect([0, 1, 2, 3].map((i) => bytes.readInt16LE(44 + 2 * i))).toEqual([32767, -32768, 32767, -32768]);
    expect(() => encodeWav([0, NaN], 100)).toThrow('samples[1]: expected a number in [-1, 1], got NaN');
    expect(() => encodeWav([], 100)).toThrow(/samples: expected at least one audio sample/);
    expect(() => encodeWav([0], 0)).toThrow(/sampleRate: expected an integer >= 1/);
    fs.writeFileSync(path.join(dir, 'not.wav'), 'hello');
    expect(() => readWav(path.join(dir, 'not.wav'))).toThrow(/not\.wav: expected a WAV file/);
  });
});
