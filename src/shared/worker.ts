/**
 * Handing shared objects to workers, and ending them when a worker dies.
 */
import { describe } from '../waiters';
import { ThreadSafeEvent, SharedEventHandle } from './event';
import { ThreadSafeFlag, SharedFlagHandle } from './flag';
import { ThreadSafeQueue, SharedQueueHandle } from './queue';

/** Anything `share()` returns. */
export type SharedHandle = SharedQueueHandle | SharedEventHandle | SharedFlagHandle;
/** Anything with a `close()` that ends its waits: the three shared primitives. */
export interface Closable {
  close(): void;
}
/** The part of a `worker_threads` Worker that `watchWorker` uses. */
export interface WorkerLike {
  once(event: 'exit', listener: (code: number) => void): unknown;
}

/**
 * Rebuilds whichever shared object `handle` describes (queue, event or flag): the one-call
 * receiving side, e.g. `const [inbox, outbox, stop] = workerData.map(attach)`. Throws
 * TypeError for anything that is not a `share()` handle.
 */
export function attach(handle: SharedQueueHandle): ThreadSafeQueue;
export function attach(handle: SharedEventHandle): ThreadSafeEvent;
export function attach(handle: SharedFlagHandle): ThreadSafeFlag;
export function attach(handle: SharedHandle): ThreadSafeQueue | ThreadSafeEvent | ThreadSafeFlag;
export function attach(handle: SharedHandle): ThreadSafeQueue | ThreadSafeEvent | ThreadSafeFlag {
  const kind = handle !== null && typeof handle === 'object' ? (handle as any).kind : undefined;
  if (kind === 'ThreadSafeQueue') return ThreadSafeQueue.from(handle as SharedQueueHandle);
  if (kind === 'ThreadSafeEvent') return ThreadSafeEvent.from(handle as SharedEventHandle);
  if (kind === 'ThreadSafeFlag') return ThreadSafeFlag.from(handle as SharedFlagHandle);
  throw new TypeError('attach: handle must be what a shared ThreadSafeQueue/Event/Flag .share() returned, got ' + describe(handle));
}

/**
 * Closes `objects` when `worker` exits, for whatever reason (it returned, threw, was
 * terminated, ran out of memory): every wait on them, on every thread, then ends with
 * `QueueClosed`/`ClosedError`/`{ done: true }` instead of waiting for a thread that is gone.
 * Returns `worker`. Call it on the thread that created the worker, right after creating it.
 */
export function watchWorker<W extends WorkerLike>(worker: W, ...objects: Closable[]): W {
  if (worker === null || typeof worker !== 'object' || typeof (worker as any).once !== 'function') {
    throw new TypeError('watchWorker: worker must be a worker_threads Worker, got ' + describe(worker));
  }
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i];
    if (o === null || typeof o !== 'object' || typeof o.close !== 'function') {
      throw new TypeError('watchWorker: object ' + i + ' must be a shared ThreadSafeQueue/Event/Flag, got ' + describe(o));
    }
  }
  worker.once('exit', function () {
    for (let i = 0; i < objects.length; i++) objects[i].close();
  });
  return worker;
}

