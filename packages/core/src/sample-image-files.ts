import * as path from 'node:path';
import { writePng } from './png';
import { sampleImagesCallback, type SampleImagesOptions } from './sample-images';
import type { TrainerCallback } from './trainer';

/**
 * Writes periodic sample sheets as PNG files `directory/step-000100.png`.
 *
 * @example
 * trainer.fit(data, { steps: 5000, callbacks: [sampleImageFiles('runs/dcgan/samples', { every: 500 })] });
 */
export function sampleImageFiles(directory: string, options: Omit<SampleImagesOptions, 'write'>): TrainerCallback {
  return sampleImagesCallback({ ...options, write: ({ fileName, grid }) => writePng(path.join(directory, fileName), grid) });
}
