import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared';

// Threads, not forks: these tests run minutes-long builds and installs, and a forks worker's
// 60 s RPC to the runner ("Timeout calling onTaskUpdate") fails loaded machines' runs.
export default mergeConfig(shared, defineConfig({ test: { pool: 'threads', poolOptions: { threads: { maxThreads: 2, minThreads: 1 } } } }));
