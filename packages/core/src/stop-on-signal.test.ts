import { describe, expect, it } from 'vitest';
import { stopOnSignal } from './stop-on-signal';
import { Trainer } from './trainer';
import { TinyRegressionData, TinyRegressor } from './test-support/tiny-regressor';
import { MemoryCheckpointStore } from './checkpoint-store';

describe('stopOnSignal', () => {
  it('stops a fit after the current step on SIGINT, writes a checkpoint, and can be released', async () => {
    const model = new TinyRegressor({ seed: 8 });
    const trainer = new Trainer(model);
    const messages: string[] = [];
    const release = stopOnSignal(trainer, ['SIGUSR2'], (m) => messages.push(m));
    const store = new MemoryCheckpointStore();
    const summary = await trainer.fit(new TinyRegressionData(8), {
      steps: 1000,
      checkpoint: { store, every: 500 },
      callbacks: [{ onStepEnd: (step) => void (step === 7 && process.kill(process.pid, 'SIGUSR2')) }],
    });
    release();
    expect(summary.stopReason).toBe('stopped');
    expect(summary.steps).toBeGreaterThanOrEqual(7);
    expect(summary.steps).toBeLessThan(1000);
    expect(store.savedSteps).toEqual([summary.steps]);
    expect(messages[0]).toMatch(/SIGUSR2 received; finishing the current step/);
    expect(process.listenerCount('SIGUSR2')).toBe(0);
    model.dispose();
  });
});
