/**
 * The one error the shared-memory entry adds to the core's. The core's six (QueueFull,
 * QueueEmpty, QueueClosed, AbortError, TimeoutError, FlagInUse) are the very same classes, not
 * copies: the shared bundle imports them from the core bundle of its own format
 * (dist/shared.mjs from dist/threadsafe.mjs, dist/shared.cjs from dist/threadsafe.js; see
 * rollup.config.mjs), so `e instanceof QueueClosed` holds whichever entry QueueClosed was
 * imported from, as long as both entries are loaded the same way (both `import` or both
 * `require`: Node loads the ESM and the CommonJS builds as two modules).
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
