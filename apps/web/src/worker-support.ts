import type { ImageDataset } from '@tfgen/datasets';
import { DATASET_FILES, type ImageDatasetName } from './assets';
import { imageSubset, type ImageSubsetOptions } from './image-subset';

/** The bytes at `url`; an HTTP error names the file and how to make it. */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} (run "pnpm build", which copies the dataset subsets into public/)`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Loads one of the app's dataset subsets from its assets next to `baseUrl` (the page's address). */
export async function loadImageSubset(name: ImageDatasetName, baseUrl: string, options: ImageSubsetOptions): Promise<ImageDataset> {
  const files = DATASET_FILES[name];
  const [images, labels] = await Promise.all([fetchBytes(new URL(files.images, baseUrl).href), fetchBytes(new URL(files.labels, baseUrl).href)]);
  return imageSubset(name, images, labels, options);
}

/** Lets the worker's event loop run (incoming messages, outgoing posts) between slices of work. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Calls `trainOne` at least once and again until `sliceMs` have passed, so a worker trains in slices
 * between messages. An error stops the slice and is returned, not thrown, with the rate so far.
 */
export function trainForSlice(trainOne: () => void, sliceMs: number): { stepsPerSecond: number; error: Error | null } {
  const start = performance.now();
  let steps = 0;
  let error: Error | null = null;
  try {
    do {
      trainOne();
      steps++;
    } while (performance.now() - start < sliceMs);
  } catch (caught) {
    error = caught as Error;
  }
  return { stepsPerSecond: steps / ((performance.now() - start) / 1000), error };
}
