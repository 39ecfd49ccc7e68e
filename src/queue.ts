/**
 * ThreadSafeQueue: a fixed-size ring buffer between one producer context and one consumer.
 */
import { RangeErr } from './args';
import { QueueClosed, QueueEmpty, QueueFull } from './errors';
import {
  abortedAlready, addWaiter, checkOptions, describe, rejectWaiter, RESOLVED, resolveWaiter, WaitList, WaitOptions,
} from './waiters';

/** A buffer the caller allocates once: an Array, or a TypedArray for numbers (or bigints). */
export interface QueueBuffer<T> {
  readonly length: number;
  [index: number]: T;
}

// How a waiting getter wants its item: as is (`get()`) or as an iterator result (`next()`).
const AS_ITEM = 0;
const AS_RESULT = 1;

/**
 * A queue of fixed capacity on a buffer the caller pre-allocates, as micropython-async's
 * `ThreadSafeQueue`: one context produces, one consumes, and either side may be an
 * interrupt-driven callback, a timer, or an async task.
 *
 * How it works: `_wi` is the slot the producer writes next, `_ri` the slot the consumer reads
 * next. The ring is empty when they are equal and full when the write index is one slot
 * behind the read index, so a buffer of N slots holds N-1 items: the one slot always kept
 * free is what tells full from empty without a shared counter, so each index has one
 * writer. The buffer is never resized or replaced.
 *
 * - Synchronous side (the other context): `putSync()` throws `QueueFull` when full,
 *   `getSync()` throws `QueueEmpty` when empty; neither allocates (an item handed to a
 *   waiting `next()` gets its `{ value, done }` object). `block=true` needs a second thread
 *   and throws a TypeError here: see the shared-memory queue for workers.
 * - Async side: `await put(x)` waits for space, `await get()` and `for await (const x of q)`
 *   wait for items. Without `Symbol.asyncIterator` (Espruino), drive the same iterator by
 *   hand: `q.next().then(({ value, done }) => ...)`.
 * - Cancel-safe: an item goes straight to a waiter that is still waiting, so a `get()` that is
 *   aborted or times out never takes an item, and a `put()` that is aborted never puts one.
 * - `close()`: later puts throw `QueueClosed`, pending puts reject with it, the consumer drains
 *   what is left and then `for await` ends (`get()` rejects with `QueueClosed`).
 * - A TypedArray buffer rejects what it cannot hold faithfully: a non-number (TypeError),
 *   NaN, a fraction or -0 in an integer array, or a value out of range (RangeError).
 * - On Kaluma an `attachInterrupt` handler must not call `putSync()` (it may touch only
 *   primitives): use the library's interrupt sources, which record edges in primitives and
 *   feed the queue on the main loop. Main-loop callbacks (`setWatch`, timers) may call it.
 *
 * ```js
 * const q = new ThreadSafeQueue(new Array(11)); // holds 10 items
 * setInterval(() => { try { q.putSync(Date.now()); } catch (e) { lost++; } }, 10);
 * for await (const t of q) console.log(t);
 * ```
 */
export class ThreadSafeQueue<T> implements AsyncIterator<T> {
  private _buf: QueueBuffer<T>;
  private _slots: number;
  private _typed: boolean;
  private _wi = 0;
  private _ri = 0;
  private _closed = false;
  private _getters = new WaitList();
  private _putters = new WaitList();

  /**
   * Called synchronously whenever the consumer begins to wait (a `get()`/`next()` on an empty
   * queue); null by default. One listener: the Kaluma InterruptSource uses it to collect edges
   * only while someone waits. Do not wait on the queue from inside it. If it throws, the wait
   * throws that error and leaves nothing registered (unless the hook settled it: that stands).
   */
  onwait: (() => void) | null = null;

  /**
   * @param buf An Array or TypedArray of N >= 2 slots; the queue holds at most N-1 items.
   *   Throws TypeError for anything else (a string too, which the type refuses as well),
   *   RangeError for fewer than 2 slots.
   */
  constructor(buf: QueueBuffer<T> & object) {
    const typed = isTypedArray(buf);
    if (!typed && !Array.isArray(buf)) {
      throw new TypeError('ThreadSafeQueue: buf must be an Array or a TypedArray, got ' + describe(buf));
    }
    if (buf.length < 2) {
      throw new RangeErr('ThreadSafeQueue: buf must have at least 2 slots (N slots hold N-1 items), got ' + buf.length);
    }
    this._buf = buf;
    this._slots = buf.length;
    this._typed = typed;
  }

  /**
   * Resolves with the next item, waiting while the queue is empty; rejects with
   * `QueueClosed` once a closed queue is drained, `AbortError`/`TimeoutError` per `options`
   * (and then no item is taken). Allocates a promise.
   */
  get(options?: WaitOptions): Promise<T> {
    checkOptions(options, 'ThreadSafeQueue.get');
    const aborted = abortedAlready(options);
    if (aborted !== null) return aborted;
    if (this._ri !== this._wi) return Promise.resolve(this.getSync());
    if (this._closed) return Promise.reject(new QueueClosed('ThreadSafeQueue.get: the queue is closed and empty'));
    return addWaiter(this._getters, AS_ITEM, options, this.onwait);
  }

  /**
   * Async-iterator step: resolves `{ value, done: false }` with the next item, or
   * `{ done: true }` once a closed queue is drained. `for await (const x of q)` calls it;
   * call it by hand where there is no `Symbol.asyncIterator`. Allocates a promise and a result.
   */
  next(): Promise<IteratorResult<T>> {
    if (this._ri !== this._wi) return Promise.resolve({ value: this.getSync(), done: false });
    if (this._closed) return Promise.resolve({ value: undefined as any, done: true });
    return addWaiter(this._getters, AS_RESULT, undefined, this.onwait);
  }

  /**
   * Puts `item`, waiting while the queue is full; rejects with `QueueClosed` if the queue is
   * or becomes closed before the item is in, `AbortError`/`TimeoutError` per `options` (and
   * then the item is not put). Throws TypeError/RangeError for an item a TypedArray cannot
   * hold. Allocates a promise only when it has to wait.
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    checkOptions(options, 'ThreadSafeQueue.put');
    const aborted = abortedAlready(options);
    if (aborted !== null) return aborted;
    if (this._closed) return Promise.reject(new QueueClosed('ThreadSafeQueue.put: the queue is closed'));
    if (this._typed) this._check(item, 'ThreadSafeQueue.put');
    if (!this.full() || this._getters.head !== null) {
      this.putSync(item);
      return RESOLVED;
    }
    return addWaiter(this._putters, item, options);
  }

  /**
   * Puts `item` now: hands it to a waiting consumer or writes it to the ring; never allocates.
   * Throws `QueueFull` when no slot is free (the queue is unchanged), `QueueClosed` after
   * `close()`, TypeError/RangeError for an item a TypedArray cannot hold, and TypeError for
   * `block=true` (nothing could free a slot while this thread blocks).
   */
  putSync(item: T, block?: boolean): void {
    if (block !== undefined && block !== false) checkBlock(block, 'putSync');
    if (this._closed) throw new QueueClosed('ThreadSafeQueue.putSync: the queue is closed');
    if (this._typed) this._check(item, 'ThreadSafeQueue.putSync');
    const getter = this._getters.head;
    if (getter !== null) {
      // The ring is empty whenever a getter waits: hand the item straight to a live waiter.
      resolveWaiter(getter, getter.value === AS_RESULT ? { value: item, done: false } : item);
      return;
    }
    const wi = this._wi;
    const next = wi + 1 === this._slots ? 0 : wi + 1;
    if (next === this._ri) throw new QueueFull('ThreadSafeQueue.putSync: the queue is full (capacity ' + (this._slots - 1) + ')');
    this._buf[wi] = item;
    this._wi = next; // publish: the item is visible to the consumer from here on
  }

  /**
   * Takes the oldest item now; never allocates. Throws `QueueEmpty` when there is none
   * (`QueueClosed` once a closed queue is drained), and TypeError for `block=true`.
   */
  getSync(block?: boolean): T {
    if (block !== undefined && block !== false) checkBlock(block, 'getSync');
    const ri = this._ri;
    if (ri === this._wi) {
      if (this._closed) throw new QueueClosed('ThreadSafeQueue.getSync: the queue is closed and empty');
      throw new QueueEmpty('ThreadSafeQueue.getSync: the queue is empty');
    }
    const buf = this._buf;
    const item = buf[ri];
    if (!this._typed) buf[ri] = undefined as any; // let the collector have it
    this._ri = ri + 1 === this._slots ? 0 : ri + 1; // release: the slot is free from here on
    const putter = this._putters.head;
    if (putter !== null) {
      // A slot just came free: move the oldest waiting put into the ring, then wake it.
      const wi = this._wi;
      buf[wi] = putter.value;
      this._wi = wi + 1 === this._slots ? 0 : wi + 1;
      resolveWaiter(putter, undefined);
    }
    return item;
  }

  /**
   * Closes the queue: later puts throw `QueueClosed`, waiting puts reject with it (their items
   * are not put), items already queued can still be taken, and waiting consumers of an empty
   * queue are released (`get()` rejects with `QueueClosed`, `next()` gives `{ done: true }`).
   * Closing twice does nothing.
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    let w = this._putters.head;
    while (w !== null) {
      rejectWaiter(w, new QueueClosed('ThreadSafeQueue.put: the queue was closed before the item could be put'));
      w = this._putters.head;
    }
    w = this._getters.head;
    while (w !== null) {
      if (w.value === AS_RESULT) resolveWaiter(w, { value: undefined, done: true });
      else rejectWaiter(w, new QueueClosed('ThreadSafeQueue.get: the queue was closed'));
      w = this._getters.head;
    }
  }

  /** The number of items queued (0 … N-1). */
  qsize(): number {
    const n = this._wi - this._ri;
    return n < 0 ? n + this._slots : n;
  }

  /** True while the consumer waits for an item (`get()`/`next()` on an empty queue). */
  hasWaiters(): boolean {
    return this._getters.head !== null;
  }

  /** True when no item is queued. */
  empty(): boolean {
    return this._wi === this._ri;
  }

  /** True when N-1 items are queued and `putSync()` would throw `QueueFull`. */
  full(): boolean {
    const next = this._wi + 1;
    return (next === this._slots ? 0 : next) === this._ri;
  }

  /** The most items the queue holds: the buffer's length minus one. */
  maxsize(): number {
    return this._slots - 1;
  }

  /** True after `close()`. */
  closed(): boolean {
    return this._closed;
  }

  /** Throws if a TypedArray buffer cannot hold `item` faithfully. Writes only the free slot. */
  private _check(item: unknown, method: string): void {
    const buf = this._buf as any;
    const wi = this._wi; // always a free slot: the ring keeps one empty
    const kind = typeof buf[wi];
    if (typeof item !== kind) {
      throw new TypeError(method + ': item must be a ' + kind + ' for ' + typedName(buf) + ' buffer, got ' + describe(item));
    }
    buf[wi] = item;
    // -0 === 0: the reciprocals (-Infinity, Infinity) tell an integer array's +0 from a -0 item
    if (buf[wi] !== item || (item === 0 && 1 / buf[wi] !== 1 / item)) {
      const stored = buf[wi];
      throw new RangeErr(method + ': item ' + (item === 0 ? '-0' : String(item)) + ' cannot be stored faithfully in ' + typedName(buf) + ' (it would become ' + String(stored) + ')');
    }
  }
}

// Installed only where Symbol.asyncIterator exists, so that the bundle loads without Symbol.
if (typeof Symbol === 'function' && Symbol.asyncIterator !== undefined) {
  (ThreadSafeQueue.prototype as any)[Symbol.asyncIterator] = function (this: unknown) {
    return this;
  };
}

export interface ThreadSafeQueue<T> {
  /** `for await (const x of q)`: the queue is its own async iterator (see `next()`). */
  [Symbol.asyncIterator](): ThreadSafeQueue<T>;
}

function isTypedArray(buf: unknown): boolean {
  return (
    typeof ArrayBuffer === 'function' && typeof ArrayBuffer.isView === 'function' && ArrayBuffer.isView(buf) &&
    !(typeof DataView === 'function' && buf instanceof DataView)
  );
}

/** "an Int16Array", "a Uint8Array": the buffer's type with its article, for error messages. */
function typedName(buf: any): string {
  const name = buf.constructor !== undefined && typeof buf.constructor.name === 'string' ? buf.constructor.name : 'TypedArray';
  return (name.charAt(0) === 'I' ? 'an ' : 'a ') + name;
}

function checkBlock(block: unknown, method: string): void {
  if (typeof block !== 'boolean') {
    throw new TypeError('ThreadSafeQueue.' + method + ': block must be a boolean, got ' + describe(block));
  }
  throw new TypeError(
    'ThreadSafeQueue.' + method + ': block=true needs a second thread to free the queue, and this queue lives in one ' +
      '(on Node use the shared-memory queue inside a worker); use the async method or catch the error instead',
  );
}
