import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

/** Unit tests (src/, Node on the cpu backend) and the Chromium end-to-end tests (test/). */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 240_000,
      hookTimeout: 240_000,
      // One file at a time: two Chromiums training at once would starve each other on a small machine.
      fileParallelism: false,
    },
  }),
);
