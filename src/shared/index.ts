/**
 * threadsafe/shared: the three primitives in shared memory, for Node's worker_threads.
 * Node only (ES2020); not part of the board bundle dist/threadsafe.js. This file re-exports, and
 * enables the wait options (`{ signal, timeout }`) of its own copy of the waiters (src/waiters.ts).
 */
import { enableWaitOptions } from '../waiters';

enableWaitOptions();

export { ThreadSafeQueue } from './queue';
export type { SharedQueueHandle, SharedQueueOptions, SlotType } from './queue';
export { ThreadSafeEvent } from './event';
export type { SharedEventHandle } from './event';
export { ThreadSafeFlag } from './flag';
export type { SharedFlagHandle } from './flag';
export { attach, watchWorker } from './worker';
export { Context, serve } from './context';
export type { CancelledJob, ContextOptions, ContextWorker, URLLike } from './context';
export type { Closable, SharedHandle, WorkerLike } from './worker';
export { ClosedError } from './errors';
export { AbortError, FlagInUse, QueueClosed, QueueEmpty, QueueFull, TimeoutError } from '../errors';
export type { WaitOptions } from '../waiters';
