/**
 * The one error the shared-memory entry adds to the core's.
 */

/**
 * Thrown by a wait on a shared ThreadSafeEvent/ThreadSafeFlag after its `close()` (called by
 * either thread, or by `watchWorker()` when a worker exited): the thread that would set it is
 * gone, so waiting would never end. (A closed queue throws the core's `QueueClosed`.)
 */
export class ClosedError extends Error {
  constructor(message?: string) {
    super(message === undefined ? 'ClosedError' : message);
  }
}
ClosedError.prototype.name = 'ClosedError';
