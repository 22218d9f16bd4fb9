/**
 * Runs tasks one at a time, in the order they were queued, so a worker's messages and its
 * training slices never interleave (a save never sees a half-built run). A task's own errors
 * must be caught inside it: a rejected task would leave the returned promise rejected.
 */
export function serialQueue(): (task: () => void | Promise<void>) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (task) => (tail = tail.then(task));
}
