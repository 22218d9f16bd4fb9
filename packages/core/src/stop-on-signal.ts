import type { Trainer } from './trainer';

/**
 * Makes Ctrl-C (SIGINT) and SIGTERM stop a Trainer cleanly: the current step finishes, a
 * checkpoint is written (when `fit` has a store) and `fit` returns with `stopReason: 'stopped'`.
 * A second signal exits at once. Returns a function that removes the handlers.
 *
 * @example
 * const release = stopOnSignal(trainer);
 * try { await trainer.fit(data, { steps, checkpoint: { store } }); } finally { release(); }
 */
export function stopOnSignal(
  trainer: Pick<Trainer, 'stop'>,
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
  log: (message: string) => void = (m) => console.error(m),
): () => void {
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      log(`tfgen: ${signal} received; finishing the current step and writing a checkpoint (send it again to quit at once)`);
      trainer.stop();
    } else {
      process.exit(130);
    }
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
