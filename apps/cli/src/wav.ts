import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgumentError, expectInteger } from '@tfgen/core';
// wavefile's ESM entry uses extensionless imports Node cannot resolve; its CommonJS build (package "main") works.
import wavefile from 'wavefile';

/**
 * Encodes mono audio in [-1, 1] as a 16-bit PCM WAV file (RIFF header by `wavefile`). Values
 * outside [-1, 1] are clipped; a NaN is an error naming its index.
 *
 * @example
 * fs.writeFileSync('tone.wav', encodeWav(new Float32Array([0, 0.5, -0.5]), 8000));
 */
export function encodeWav(samples: ArrayLike<number>, sampleRate: number): Uint8Array {
  expectInteger(sampleRate, 'sampleRate', 1);
  if (samples.length === 0) throw new ArgumentError('samples', 'at least one audio sample', 'none');
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const value = samples[i];
    if (Number.isNaN(value)) throw new ArgumentError(`samples[${i}]`, 'a number in [-1, 1]', value);
    const clipped = Math.max(-1, Math.min(1, value));
    pcm[i] = Math.round(clipped < 0 ? clipped * 32768 : clipped * 32767);
  }
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, sampleRate, '16', pcm);
  return wav.toBuffer();
}

/** Writes {@link encodeWav}'s file, creating the folder. */
export function writeWav(filePath: string, samples: ArrayLike<number>, sampleRate: number): void {
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  fs.writeFileSync(filePath, encodeWav(samples, sampleRate));
}

/** What {@link readWav} returns. */
export interface WavContents {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  /** Samples of the first channel, scaled to [-1, 1]. */
  readonly samples: Float32Array;
}

/** Reads a PCM WAV file back (for checks and tests); a file that is not one is an ArgumentError naming it. */
export function readWav(filePath: string): WavContents {
  const wav = new wavefile.WaveFile();
  try {
    wav.fromBuffer(fs.readFileSync(filePath));
  } catch (error) {
    throw new ArgumentError(filePath, 'a WAV file', 'unreadable bytes', (error as Error).message);
  }
  const fmt = wav.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number };
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const first = Array.isArray(raw) ? raw[0] : raw;
  const scale = 2 ** (fmt.bitsPerSample - 1);
  return { sampleRate: fmt.sampleRate, channels: fmt.numChannels, bitsPerSample: fmt.bitsPerSample, samples: Float32Array.from(first, (v) => v / scale) };
}
