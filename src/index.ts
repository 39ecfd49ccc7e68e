/**
 * threadsafe: interrupt-safe and thread-safe async primitives for Kaluma, Espruino and Node.
 * This file only re-exports; each primitive lives in the file named after it.
 */
export { ThreadSafeFlag } from './flag';
export { ThreadSafeEvent } from './event';
export { ThreadSafeMessage } from './message';
export { ThreadSafeQueue } from './queue';
export { select } from './select';
export type { Selectable, Selected } from './select';
export type { QueueBuffer, QueueOptions } from './queue';
export { AbortController, AbortSignal } from './abort';
export { enableWaitOptions } from './waiters';
export type { AbortEvent } from './abort';
export { AbortError, FlagInUse, QueueClosed, QueueEmpty, QueueFull, TimeoutError } from './errors';
export type { ErrorClass } from './errors';
export type { AbortSignalLike, WaitOptions } from './waiters';
