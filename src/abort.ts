/**
 * A minimal AbortController for runtimes that have none (Kaluma, Espruino).
 */
import { construct } from './args';
import { AbortError } from './errors';
import { enableWaitOptions } from './waiters';

type AbortListener = ((this: AbortSignal, event: AbortEvent) => void) | { handleEvent(event: AbortEvent): void };

/** The event an `AbortSignal` dispatches once. */
export interface AbortEvent {
  readonly type: 'abort';
  readonly target: AbortSignal;
}

/**
 * The signal half of `AbortController`: `aborted`, `reason`, `onabort`, and
 * `addEventListener('abort', fn | { handleEvent })`. Compatible with the standard one as far
 * as this library and most code using `signal.aborted` / the abort event go. A listener added
 * after the abort is not called (as the standard). Not interrupt-safe: abort on the main loop.
 */
export class AbortSignal {
  /** True once `abort()` was called on its controller. */
  aborted: boolean;
  /** What `abort(reason)` was given; an `AbortError` when no reason was given. */
  reason: unknown;
  /** Called with the abort event, after the listeners. */
  onabort: ((event: AbortEvent) => void) | null;
  private _listeners: AbortListener[];

  /** A signal not aborted yet; made by `new AbortController()` (TypeError without `new` or with an argument). */
  constructor() {
    construct(this, AbortSignal, arguments.length, 0, 'AbortSignal');
    this.aborted = false;
    this.reason = undefined;
    this.onabort = null;
    this._listeners = [];
  }

  /**
   * Adds a listener for `'abort'` (other types are ignored); adding the same one twice adds it
   * once; once aborted (also during the abort), nothing is added and it will not be called.
   */
  addEventListener(type: string, listener: AbortListener): void {
    if (type !== 'abort' || listener === null || listener === undefined || this.aborted) return;
    if (this._listeners.indexOf(listener) < 0) this._listeners.push(listener);
  }

  /** Removes a listener; removing one that is not there does nothing. */
  removeEventListener(type: string, listener: AbortListener): void {
    if (type !== 'abort') return;
    const i = this._listeners.indexOf(listener);
    if (i >= 0) this._listeners.splice(i, 1);
  }

  /** Throws `reason` if the signal is aborted (as the standard `throwIfAborted`). */
  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }
}

/**
 * `new AbortController()`; `controller.abort(reason?)` aborts `controller.signal` once, calling
 * every listener in the order added. On Node the global AbortController works too.
 */
export class AbortController {
  /** The signal to pass as `{ signal }`. */
  readonly signal: AbortSignal;

  /** A controller and its signal; TypeError without `new` or with an argument. */
  constructor() {
    construct(this, AbortController, arguments.length, 0, 'AbortController');
    enableWaitOptions(); // its signal is for `{ signal }`: a board program that makes one has the options
    this.signal = new AbortSignal();
  }

  /**
   * Aborts the signal; a second call does nothing. Every listener runs even if one throws;
   * the first error is rethrown afterwards. Allocates the event.
   */
  abort(reason?: unknown): void {
    const signal = this.signal;
    if (signal.aborted) return;
    signal.aborted = true;
    signal.reason = reason === undefined ? new AbortError('signal is aborted without reason') : reason;
    const registered = (signal as any)._listeners as AbortListener[];
    const listeners = registered.slice();
    const event: AbortEvent = { type: 'abort', target: signal };
    // A listener that throws must not keep the others (e.g. the library's waiters) from
    // running: call them all, then rethrow the first error (there is no reportError here).
    let failed = false;
    let error: unknown;
    for (let i = 0; i < listeners.length; i++) {
      const l = listeners[i];
      if (registered.indexOf(l) < 0) continue; // removed by an earlier listener: skipped, as the standard
      try {
        if (typeof l === 'function') l.call(signal, event);
        else l.handleEvent(event);
      } catch (e) {
        if (!failed) error = e;
        failed = true;
      }
    }
    registered.splice(0); // not `length = 0`: that throws on Espruino
    if (typeof signal.onabort === 'function') {
      try {
        signal.onabort(event);
      } catch (e) {
        if (!failed) error = e;
        failed = true;
      }
    }
    if (failed) throw error;
  }
}
