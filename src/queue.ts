/**
 * ThreadSafeQueue: a fixed-size ring buffer between one producer context and one consumer.
 */
import { construct, RangeErr, unknownOption } from './args';
import { QueueClosed, QueueEmpty, QueueFull } from './errors';
import {
  addWaiter, begin, describe, path, rejectWaiter, RESOLVED, resolveWaiter, WaitList, WaitOptions,
} from './waiters';
import type { Waiter } from './waiters';
import { held, later, worth } from './turn';

/** A buffer the caller allocates once: an Array, or a TypedArray for numbers (or bigints). */
export interface QueueBuffer<T> {
  readonly length: number;
  [index: number]: T;
}

// How a waiting consumer wants its item: as is (`get()`), as an iterator result (`next()`), or
// not at all (`ready()`: woken by the first item, which stays queued).
const AS_ITEM = 0;
const AS_RESULT = 1;
const AS_READY = 2;
// Bits of `_x`. GETTERS/PUTTERS are set when a consumer/put() begins to wait and cleared lazily by
// the sync path that finds the list empty: a clear bit means nobody waits, so the common path
// reads one number instead of a list's head (each property read is a search on JerryScript).
const CLOSED = 1;
const TYPED = 2;
const GETTERS = 4;
const PUTTERS = 8;
// The overflow policy (options.overflow), also bits of `_x`: neither set is 'reject'.
const DROP_NEWEST = 16;
const DROP_OLDEST = 32;
const DROPS = DROP_NEWEST | DROP_OLDEST;
const POLICIES = ['reject', 'drop-newest', 'drop-oldest'];

/** Options of `new ThreadSafeQueue(buf, options)`. */
export interface QueueOptions {
  /**
   * What a put does when the queue is full: 'reject' (default: `putSync` throws QueueFull, `put()`
   * waits), 'drop-newest' (the queue keeps what it has; the new item is dropped) or 'drop-oldest'
   * (the oldest queued item is dropped to take the new one). Every dropped item is counted in
   * `dropped()`; under a drop policy `putSync`/`putManySync` never throw QueueFull, `put()` never waits.
   */
  overflow?: 'reject' | 'drop-newest' | 'drop-oldest';
}
/** From this many items a TypedArray-to-TypedArray batch is copied natively (measured on Kaluma: below it, the loop is cheaper than a view). */
const BLOCK = 8;

/**
 * The key of the async-iterator method: `Symbol.asyncIterator` where it exists; elsewhere
 * (Espruino has no Symbol) a plain name nothing looks up, so the bundle loads without Symbol.
 * A method of the class rather than a top-level assignment: a program that does not use the
 * queue drops the whole class (a bundler keeps a top-level assignment to a prototype).
 */
const ASYNC_ITERATOR: any = typeof Symbol === 'function' && Symbol.asyncIterator !== void 0 ? Symbol.asyncIterator : '@@asyncIterator';

/** The consumers' wait list, with the slot of the oldest plain waiter (see `_getters`). */
interface Getters extends WaitList {
  r: ((value: any) => void) | null;
  j: ((reason: any) => void) | null;
  m: number;
}

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
 * - Overflow (`options.overflow`): 'reject' (default) as above; 'drop-newest' keeps what is queued
 *   and drops the new item; 'drop-oldest' drops the oldest queued item to take the new one (a
 *   sensor stream that wants the latest readings). Either way `putSync`/`putManySync` never throw
 *   QueueFull, `put()` never waits, and `dropped()` counts every item the policy discarded. The
 *   consumer never sees a dropped item, nor an item twice.
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
  // The state, assigned in the constructor in this order on purpose: JerryScript (Kaluma) has no
  // property lookup cache and finds the most recently created property first, so the hottest
  // (the two indices) come last. Closed, "TypedArray buffer" and "someone may wait" share one
  // number (`_x`), so the sync paths test them all with one read.
  /**
   * Called synchronously whenever the consumer begins to wait (a `get()`/`next()`/`ready()` on an
   * empty queue), and once at the end of `close()`; null by default. One listener: the Kaluma
   * InterruptSource uses it to collect edges only while someone waits (and to detach itself
   * once the queue is closed). Do not wait on the queue from inside it. If it throws, the wait
   * throws that error and leaves nothing registered (unless the hook settled it: that stands);
   * `close()` throws it after closing.
   */
  declare onwait: (() => void) | null;
  /**
   * Waiting consumers (get, next, ready), oldest first; only while the ring is empty. The oldest
   * plain one (no options) is held in the slot `r`/`j`/`m` (resolve, reject, mode) without a
   * waiter record, when it came with nobody else waiting; the others are linked from `head`.
   */
  private declare _getters: Getters;
  /** The executor of a slot waiter's promise: one closure per queue (it stores resolve and reject in the slot), none per call. */
  private declare _exec: (resolve: (value: any) => void, reject: (reason: any) => void) => void;
  /** Waiting put()s with their items, oldest first; only while the ring is full. */
  private declare _putters: WaitList;
  /** Items the overflow policy discarded (wraps at 2^27, JerryScript's largest direct integer). */
  private declare _dropped: number;
  private declare _buf: QueueBuffer<T>;
  /** The buffer's length N. */
  private declare _n: number;
  /** CLOSED | TYPED | GETTERS | PUTTERS bits. */
  private declare _x: number;
  private declare _ri: number;
  private declare _wi: number;

  /**
   * @param buf An Array or TypedArray of N >= 2 slots; the queue holds at most N-1 items.
   *   Throws TypeError for anything else (a string too, which the type refuses as well),
   *   RangeError for fewer than 2 slots; a TypeError without `new` or with a second argument.
   */
  constructor(buf: QueueBuffer<T> & object, options?: QueueOptions) {
    construct(this, ThreadSafeQueue, arguments.length, 2, 'ThreadSafeQueue');
    const typed = isTypedArray(buf);
    if (!typed && !Array.isArray(buf)) {
      throw new TypeError('ThreadSafeQueue: buf must be an Array or a TypedArray, got ' + describe(buf));
    }
    if (buf.length < 2) {
      throw new RangeErr('ThreadSafeQueue: buf must have at least 2 slots (N slots hold N-1 items), got ' + buf.length);
    }
    let policy = 0;
    if (options !== undefined) {
      if (options === null || typeof options !== 'object') throw new TypeError('ThreadSafeQueue: options must be an object like { overflow }, got ' + describe(options));
      for (const key in options) if (key !== 'overflow') throw unknownOption('ThreadSafeQueue', key, 'overflow');
      const o = options.overflow;
      policy = o === undefined ? 0 : POLICIES.indexOf(o);
      if (policy < 0) throw new TypeError("ThreadSafeQueue: options.overflow must be 'reject', 'drop-newest' or 'drop-oldest', got " + describe(o));
    }
    this._dropped = 0;
    this.onwait = null;
    this._putters = { head: null, tail: null };
    this._n = buf.length;
    this._buf = buf;
    const g: Getters = { j: null, m: AS_ITEM, tail: null, head: null, r: null }; // hottest last (JerryScript searches from the newest)
    this._exec = function (resolve, reject) {
      g.r = resolve;
      g.j = reject;
    };
    this._getters = g;
    this._x = (typed ? TYPED : 0) | (policy === 1 ? DROP_NEWEST : policy === 2 ? DROP_OLDEST : 0);
    this._ri = 0;
    this._wi = 0;
  }

  /**
   * `for await (const x of q)`: the queue is its own async iterator (see `next()`). The first
   * method on purpose: rollup cannot tell which key a computed one writes, and keeps the class of
   * a program that never uses it when that write comes after other methods.
   */
  [ASYNC_ITERATOR](): ThreadSafeQueue<T> {
    return this;
  }

  // The methods are defined coldest first, the hottest (putSync, getSync, get, next, ready) last:
  // JerryScript (Kaluma) finds a method by searching the prototype from the most recently added
  // property, ~1 µs a property (a call of the first of 30 methods ~135 µs, of the last ~106 µs,
  // measured on the firmware). So this file reads from the rare paths to the common ones.

  /**
   * Puts `item`, waiting while the queue is full; rejects with `QueueClosed` if the queue is
   * or becomes closed before the item is in, `AbortError`/`TimeoutError` per `options` (and
   * then the item is not put). Throws TypeError/RangeError for an item a TypedArray cannot
   * hold. Allocates a promise only when it has to wait.
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    if (options !== undefined) {
      const aborted = begin(options, 'ThreadSafeQueue.put');
      if (aborted !== null) return aborted;
    }
    if ((this._x & CLOSED) !== 0) return Promise.reject(new QueueClosed('ThreadSafeQueue.put: the queue is closed'));
    if ((this._x & TYPED) !== 0) this._check(item, 'ThreadSafeQueue.put');
    if ((this._x & DROPS) !== 0 || !this.full()) { // a drop policy never waits
      this.putSync(item);
      return RESOLVED;
    }
    const promise = addWaiter(this._putters, item, options); // full: no consumer waits (they wait only while it is empty)
    this._x |= PUTTERS;
    return promise;
  }

  /**
   * Closes the queue: later puts throw `QueueClosed`, waiting puts reject with it (their items
   * are not put), items already queued can still be taken, and waiting consumers of an empty
   * queue are released (`get()` rejects with `QueueClosed`, `next()` gives `{ done: true }`,
   * `ready()` resolves), then `onwait` is called. Closing twice does nothing.
   */
  close(): void {
    if ((this._x & CLOSED) !== 0) return;
    this._x |= CLOSED;
    let w = this._putters.head;
    while (w !== null) {
      rejectWaiter(w, new QueueClosed('ThreadSafeQueue.put: the queue was closed before the item could be put'));
      w = this._putters.head;
    }
    this._unslot();
    w = this._getters.head;
    while (w !== null) {
      if (w.value === AS_ITEM) rejectWaiter(w, new QueueClosed('ThreadSafeQueue.get: the queue was closed'));
      else resolveWaiter(w, w.value === AS_RESULT ? { value: undefined, done: true } : undefined);
      w = this._getters.head;
    }
    const hook = this.onwait; // an idle InterruptSource starts its timer, sees the close and detaches
    if (hook !== null) hook();
  }

  /** True while the consumer waits for an item (`get()`/`next()`/`ready()` on an empty queue). */
  hasWaiters(): boolean {
    const g = this._getters;
    return g.r !== null || g.head !== null;
  }

  /** True when no item is queued. */
  empty(): boolean {
    return this._wi === this._ri;
  }

  /** True when N-1 items are queued and `putSync()` would throw `QueueFull`. */
  full(): boolean {
    const next = this._wi + 1;
    return (next === this._n ? 0 : next) === this._ri;
  }

  /** The most items the queue holds: the buffer's length minus one. */
  maxsize(): number {
    return this._n - 1;
  }

  /** True after `close()`. */
  closed(): boolean {
    return (this._x & CLOSED) !== 0;
  }

  /** Items the overflow policy discarded so far (always 0 under 'reject'; wraps at 2^27). Never allocates. */
  dropped(): number {
    return this._dropped;
  }

  /** The overflow policy: 'reject', 'drop-newest' or 'drop-oldest'. */
  overflow(): 'reject' | 'drop-newest' | 'drop-oldest' {
    const x = this._x;
    return POLICIES[(x & DROP_NEWEST) !== 0 ? 1 : (x & DROP_OLDEST) !== 0 ? 2 : 0] as any;
  }

  /** Adds a consumer waiter (the ring is empty and the queue open), then tells `onwait`. */
  private _wait(mode: number, options: WaitOptions | undefined): Promise<any> {
    this._x |= GETTERS; // before the onwait hook, which may put an item (a stale bit is cleared lazily)
    const g = this._getters;
    if (g.r !== null || g.head !== null || (options !== undefined && (options.signal !== undefined || options.timeout !== undefined))) {
      this._unslot(); // the slot holds a waiter only while the list is empty
      return addWaiter(g, mode, options, this.onwait);
    }
    // The slot: no waiter record (a waiter with options, or a second one, is linked instead).
    const promise = new Promise<any>(this._exec); // sets g.r and g.j
    g.m = mode;
    if (this.onwait !== null) this._hook();
    return promise;
  }

  /**
   * Moves the slot's waiter, if any, into the list as an ordinary waiter record (it is the
   * oldest, so at the head): before a second consumer waits, and in close(), so that the slot
   * holds a waiter only while the list is empty and the rare paths see the list alone.
   */
  private _unslot(): void {
    const g = this._getters;
    const r = g.r;
    if (r === null) return;
    const w: Waiter = { list: g, prev: null, next: null, value: g.m, resolve: r, reject: g.j };
    g.r = g.j = null;
    g.head = g.tail = w;
  }

  /** Calls `onwait` for the slot's new waiter: if it throws while the waiter still waits, the wait is undone and the error rethrown. */
  private _hook(): void {
    const g = this._getters;
    const r = g.r;
    try {
      (this.onwait as () => void)();
    } catch (e) {
      if (g.r === r) {
        g.r = g.j = null; // still waiting: undo the wait (an orphan would take the next item)
        throw e;
      }
    }
  }

  /**
   * putSync() on an empty ring with consumers waiting: every waiting `ready()` wakes, and the
   * item goes to the oldest `get()`/`next()`, or into the ring when there is none.
   */
  private _handOver(item: T): void {
    const g = this._getters;
    let taken = false;
    const r = g.r;
    if (r !== null) {
      // the slot's waiter, alone (putManySync() comes here for it too)
      g.r = null;
      const m = g.m;
      if (m === AS_READY) r(void 0);
      else {
        r(m === AS_RESULT ? { value: item, done: false } : item);
        taken = true;
      }
    }
    let w: Waiter | null = g.head;
    if (w !== null && w.next === null && !taken) {
      // One consumer waits in the list: settle it inline, without resolveWaiter/unlink calls
      // (each costs ~50 µs on Kaluma); a settled waiter is marked by list === null alone.
      g.head = g.tail = null;
      w.list = null;
      if (w.handleEvent !== void 0) path!.release(w); // a waiter with options: the path is there
      const mode = w.value;
      const resolve = w.resolve as (v: unknown) => void;
      if (mode === AS_ITEM) return resolve(item);
      if (mode === AS_RESULT) return resolve({ value: item, done: false });
      resolve(void 0); // ready(): woken, takes nothing; the item goes to the ring below
      w = null;
    }
    while (w !== null) {
      const after: Waiter | null = w.next; // read before settling: a settled waiter leaves the list
      const mode = w.value;
      if (mode === AS_READY) resolveWaiter(w, undefined);
      else if (!taken) {
        resolveWaiter(w, mode === AS_RESULT ? { value: item, done: false } : item);
        taken = true;
      }
      w = after;
    }
    if (taken) return;
    const wi = this._wi; // only ready()s waited: the ring is empty, so a slot is free
    this._buf[wi] = item;
    this._wi = wi + 1 === this._n ? 0 : wi + 1; // publish
  }

  /**
   * Slots just came free: moves the oldest waiting puts' items into the ring, each then woken,
   * until it is full again or none waits (then clears PUTTERS).
   */
  private _admitAll(): void {
    const list = this._putters;
    let putter = list.head;
    while (putter !== null) {
      const wi = this._wi;
      const next = wi + 1 === this._n ? 0 : wi + 1;
      if (next === this._ri) return;
      this._buf[wi] = putter.value;
      this._wi = next; // publish
      resolveWaiter(putter, undefined);
      putter = list.head;
    }
    this._x &= ~PUTTERS;
  }

  /**
   * True if a TypedArray buffer holds `item` faithfully, tested in the free slot `wi` (not yet
   * published, so the consumer cannot see the test); `_check()` without the throw.
   */
  private _fits(item: unknown, wi: number): boolean {
    const buf = this._buf as any;
    if (typeof item !== typeof buf[wi]) return false;
    try {
      buf[wi] = item; // a bigint array throws for a number
    } catch (e) {
      return false;
    }
    return buf[wi] === item && (item !== 0 || 1 / buf[wi] === 1 / (item as number)); // -0 kept only where it stays -0
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

  /**
   * Puts `items[start]`, `items[start + 1]`, … (`count` of them, default: to the end) in order,
   * as many as fit, in one call, and returns how many it put: it stops at the first item it
   * cannot put (the queue is full or closed, or a TypedArray buffer cannot hold that item
   * faithfully), and `putSync()` of that item says why. Under a drop policy a full queue does not
   * stop it: it returns the items taken care of (put, or dropped and counted in `dropped()`), all
   * of them unless the queue is closed or the buffer refuses one. The first item goes to a waiting
   * consumer as with `putSync()`. The producer's twin of `getManySync()`: one call per batch
   * instead of one per item (a call costs about 50 µs on Kaluma). Never allocates (an item
   * handed to a waiting `next()` gets its result object). Throws TypeError for `items` that is
   * not an Array or TypedArray, RangeError for a `start`/`count` outside it.
   */
  putManySync(items: QueueBuffer<T>, start?: number, count?: number): number {
    if (items === null || typeof items !== 'object' || !(Array.isArray(items) || isTypedArray(items))) {
      throw new TypeError('ThreadSafeQueue.putManySync: items must be an Array or a TypedArray, got ' + describe(items));
    }
    const len = items.length;
    let i = start === void 0 ? 0 : start;
    if (typeof i !== 'number' || !(i >= 0 && i <= len) || i % 1 !== 0) throw range('start', i, len);
    if (count !== void 0 && (typeof count !== 'number' || !(count >= 0 && i + count <= len) || count % 1 !== 0)) {
      throw range('count', count, len - i); // typeof first: a bigint count would throw in `i + count`
    }
    const end = count === void 0 ? len : i + count;
    const x = this._x;
    if (x !== 0) {
      if ((x & CLOSED) !== 0) return 0;
      if ((x & GETTERS) !== 0) {
        // Consumers wait only while the ring is empty: hand items over, one per waiting
        // get()/next(), as long as the ring stays empty (ready() waiters wake and the item goes
        // to the ring, which ends this loop).
        const g = this._getters;
        while (i < end && this._wi === this._ri && (g.r !== null || g.head !== null)) {
          if ((x & TYPED) !== 0 && !this._fits(items[i], this._wi)) return i - (start === void 0 ? 0 : start);
          this._handOver(items[i++]);
        }
        if (g.r === null && g.head === null) this._x &= ~GETTERS;
      }
    }
    const buf = this._buf;
    const n = this._n;
    let wi = this._wi;
    // How many fit, worked out once: the loop then costs a copy and an index step per item.
    let room = this._ri - wi - 1;
    if (room < 0) room += n;
    // A drop policy takes care of every item: drop-oldest makes room for the batch (when it is
    // longer than the queue its own first items go too), drop-newest drops what does not fit.
    let over = 0;
    if ((x & DROPS) !== 0 && end - i > room) {
      over = end - i - room;
      if ((x & DROP_OLDEST) !== 0) {
        const old = over < n - 1 - room ? over : n - 1 - room; // queued items that go
        let ri = this._ri;
        for (let k = 0; k < old; k++) {
          if ((x & TYPED) === 0) buf[ri] = void 0 as any;
          if (++ri === n) ri = 0;
        }
        this._ri = ri;
        room += old;
        i += over - old;
        this._dropped = (this._dropped + over) & 0x7ffffff; // counted at once: they are gone
        over = 0;
      }
    }
    const last = end - i < room ? end : i + room;
    if ((x & TYPED) === 0) {
      while (i < last) {
        buf[wi] = items[i++];
        if (++wi === n) wi = 0;
      }
    } else {
      // Checked as written, inline (no call per item): each item goes into its own free slot,
      // not yet published, and is read back; the first the buffer cannot hold faithfully stays
      // out with all after it (putSync() of it says why). A bigint into a number array throws.
      const kind = typeof (buf as any)[wi];
      try {
        for (; i < last; i++) {
          const v: any = items[i];
          if (typeof v !== kind) break;
          buf[wi] = v;
          const got: any = buf[wi];
          if (got !== v || (v === 0 && 1 / got !== 1 / v)) break; // -0 kept only where it stays -0
          if (++wi === n) wi = 0;
        }
      } catch (e) {
        // stops at this item
      }
    }
    this._wi = wi; // publish: the items are visible to the consumer from here on
    if (over !== 0 && i === last) {
      this._dropped = (this._dropped + over) & 0x7ffffff; // drop-newest: the rest of the batch
      i = end;
    }
    return i - (start === void 0 ? 0 : start);
  }

  /**
   * Takes up to `max` (default: all that fit) of the oldest items into `into[0..n-1]` in one
   * call and returns n: 0 when the queue is empty (also once closed and drained: it never
   * throws QueueEmpty or QueueClosed). Frees their slots as `getSync()` does (waiting `put()`s
   * move in). TypedArray queue into a TypedArray, 8 items or more: copied natively through one
   * view per run (what it allocates); otherwise it never allocates. Stops before an item `into` cannot hold (a bigint or a Symbol
   * into a number TypedArray, an object whose `valueOf` throws): that item stays queued, and
   * when it is the first the engine's error is rethrown. Throws TypeError for an `into` that is
   * not an Array or TypedArray, RangeError for a `max` that is not an integer >= 0.
   */
  getManySync(into: QueueBuffer<T>, max?: number): number {
    if (into === null || typeof into !== 'object' || !(Array.isArray(into) || isTypedArray(into))) {
      throw new TypeError('ThreadSafeQueue.getManySync: into must be an Array or a TypedArray, got ' + describe(into));
    }
    let m = into.length;
    if (max !== undefined) {
      if (typeof max !== 'number' || !(max >= 0) || max % 1 !== 0) {
        throw new (typeof max === 'number' ? RangeErr : TypeError)('ThreadSafeQueue.getManySync: max must be an integer >= 0, got ' + describe(max));
      }
      if (max < m) m = max + 0; // -0 + 0 is +0: the count returned is never -0
    }
    const buf = this._buf;
    const n = this._n;
    const x = this._x;
    let ri = this._ri;
    // How many to take, worked out once: the loop then costs a copy and an index step per item.
    let k = this._wi - ri;
    if (k < 0) k += n;
    if (k > m) k = m;
    let i = 0;
    if ((x & TYPED) !== 0 && k >= BLOCK && !Array.isArray(into)) {
      // TypedArray to TypedArray: the engine copies natively, in one or two runs (set + subarray:
      // a view per run is the one allocation), where the loop costs ~40 µs an item on Kaluma. A
      // copy it refuses (a bigint array into a number one) throws before writing: the loop
      // below then stops at the first item and rethrows.
      const run = n - ri < k ? n - ri : k;
      try {
        (into as any).set((buf as any).subarray(ri, ri + run), 0);
        if (run < k) (into as any).set((buf as any).subarray(0, k - run), run);
        i = k;
        ri = run < k ? k - run : ri + run === n ? 0 : ri + run;
      } catch (e) {
        // the loop below says why
      }
    }
    try {
      if ((x & TYPED) === 0) {
        for (; i < k; i++) {
          into[i] = buf[ri]; // may throw (a TypedArray `into`): the slot is cleared only after the copy
          buf[ri] = void 0 as any; // let the collector have it
          if (++ri === n) ri = 0;
        }
      } else {
        for (; i < k; i++) {
          into[i] = buf[ri];
          if (++ri === n) ri = 0;
        }
      }
    } catch (e) {
      if (i === 0) throw e; // nothing taken: the queue is unchanged
    }
    this._ri = ri; // release: the slots are free from here on (up to the item `into` refused)
    if ((x & PUTTERS) !== 0 && i !== 0) this._admitAll();
    return i;
  }

  /** The number of items queued (0 … N-1). */
  qsize(): number {
    const n = this._wi - this._ri;
    return n < 0 ? n + this._n : n;
  }

  /** getSync() past its common case: block checked, empty (or closed), a TypedArray buffer, put()s waiting. */
  private _get(block: boolean | undefined): T {
    if (block !== void 0 && block !== false) checkBlock(block, 'getSync');
    const ri = this._ri;
    const wi = this._wi;
    if (ri === wi) {
      if ((this._x & CLOSED) !== 0) throw new QueueClosed('ThreadSafeQueue.getSync: the queue is closed and empty');
      throw new QueueEmpty('ThreadSafeQueue.getSync: the queue is empty');
    }
    const buf = this._buf;
    const n = this._n;
    const item = buf[ri];
    const x = this._x;
    if ((x & TYPED) === 0) buf[ri] = void 0 as any; // let the collector have it
    let next = ri + 1;
    if (next === n) next = 0;
    this._ri = next; // release: the slot is free from here on
    if ((x & PUTTERS) !== 0) this._admitAll();
    return item;
  }

  /** putSync() past its common case: block checked, closed, TypedArray, a waiting consumer, full (the overflow policy). */
  private _put(item: T, block: boolean | undefined): void {
    if (block !== void 0 && block !== false) checkBlock(block, 'putSync');
    const x = this._x;
    const wi = this._wi;
    if ((x & ~DROPS) !== 0) { // an open Array queue with nobody waiting (a drop policy's common case) skips this block
      if ((x & CLOSED) !== 0) throw new QueueClosed('ThreadSafeQueue.putSync: the queue is closed');
      if ((x & TYPED) !== 0) this._check(item, 'ThreadSafeQueue.putSync');
      // Consumers wait only while the ring is empty, so only then is there one to hand the item to.
      if ((x & GETTERS) !== 0 && wi === this._ri) {
        const g = this._getters;
        const r = g.r;
        if (r !== null) {
          // The one plain consumer waiting (a TypedArray's, a drop policy's; a ready()), settled inline: no call, no record.
          g.r = null;
          const m = g.m;
          if (m === AS_ITEM) return r(item);
          if (m === AS_RESULT) return r({ value: item, done: false });
          r(void 0); // ready(): woken, takes nothing; the item goes to the ring below
          this._x = x & ~GETTERS;
        } else if (g.head !== null) {
          this._handOver(item);
          return;
        } else this._x = x & ~GETTERS;
      }
    }
    const ri = this._ri;
    let next = wi + 1;
    if (next === this._n) next = 0;
    if (next === ri) {
      if ((x & DROPS) === 0) throw new QueueFull('ThreadSafeQueue.putSync: the queue is full (capacity ' + (this._n - 1) + ')');
      this._dropped = (this._dropped + 1) & 0x7ffffff;
      if ((x & DROP_NEWEST) !== 0) return; // the queue keeps what it has
      // drop-oldest: the oldest item goes, its slot is freed (one context: no take is under way)
      if ((x & TYPED) === 0) this._buf[ri] = void 0 as any;
      this._ri = next + 1 === this._n ? 0 : next + 1;
    }
    this._buf[wi] = item;
    this._wi = next; // publish: the item is visible to the consumer from here on
  }

  /**
   * putSync() with a consumer waiting (an open 'reject' Array queue): hands `item` to the one
   * plain get()/next() waiting in the slot, else leaves it to _put() (a ready() or a list of
   * waiters, `block` given, or a stale GETTERS bit). Short, and its hand-over is its last
   * statement: Espruino lexes the rest of a method after a return that is not at its top
   * level, ~1 µs a character (that took +400 µs an edge when the hand-over sat in _put()).
   */
  private _give(item: T, block: boolean | undefined): void {
    const g = this._getters;
    const r = g.r;
    if (r === null || g.m === AS_READY || block !== void 0) return this._put(item, block);
    g.r = null; // a slot waiter means the ring is empty: it waits only then, and every put since came here
    return r(g.m === AS_ITEM ? item : { value: item, done: false });
  }

  /**
   * Resolves once at least one item is queued or the queue is closed, taking nothing: then
   * `getManySync()` takes the batch. At once (a shared settled promise, no allocation) when an
   * item is queued or the queue is closed; else allocates a promise and calls `onwait`.
   * Rejects with `AbortError`/`TimeoutError` per `options`; cancel-safe, as it takes nothing.
   * A consumer-side wait: with a `get()`/`next()` also pending, the first item put wakes every
   * pending `ready()` and goes to the oldest `get()`/`next()` (so the queue may be empty again
   * when `ready()` resolves: `getManySync()` then returns 0).
   *
   * ```js
   * const batch = new Array(16);
   * function consume() { q.ready().then(function () { const n = q.getManySync(batch); ...; consume(); }); }
   * ```
   */
  ready(options?: WaitOptions): Promise<void> {
    if (options !== undefined) {
      const aborted = begin(options, 'ThreadSafeQueue.ready');
      if (aborted !== null) return aborted;
    }
    if (this._ri !== this._wi || (this._x & CLOSED) !== 0) return RESOLVED;
    return this._wait(AS_READY, options);
  }

  /**
   * Async-iterator step: resolves `{ value, done: false }` with the next item, or
   * `{ done: true }` once a closed queue is drained. `for await (const x of q)` calls it;
   * call it by hand where there is no `Symbol.asyncIterator`. Allocates a promise and a result.
   * It does not hold the event loop: once consumers have been answered at once for 10 ms since
   * the loop last turned and that stretch covers 16 items or more than the queue holds, the item
   * is taken now and the result resolves at the next loop turn, so timers keep running under a
   * backlog (src/turn.ts); a shorter batch, one a small queue holds, is answered in one go.
   */
  next(): Promise<IteratorResult<T>> {
    if (this._ri !== this._wi) {
      if (held() && worth(this.qsize(), this._n)) return later({ value: this.getSync(), done: false });
      return Promise.resolve({ value: this.getSync(), done: false });
    }
    const x = this._x;
    if ((x & CLOSED) !== 0) return Promise.resolve({ value: undefined as any, done: true });
    const g = this._getters;
    if (g.r === null && g.head === null) {
      // the slot, inline (as in get())
      this._x = x | GETTERS;
      const promise = new Promise<IteratorResult<T>>(this._exec);
      g.m = AS_RESULT;
      if (this.onwait !== null) this._hook();
      return promise;
    }
    return this._wait(AS_RESULT, undefined);
  }

  /**
   * Resolves with the next item, waiting while the queue is empty; rejects with
   * `QueueClosed` once a closed queue is drained, `AbortError`/`TimeoutError` per `options`
   * (and then no item is taken). Allocates a promise. Without options it does not hold the
   * event loop: once consumers have been answered at once for 10 ms since the loop last turned
   * and that stretch covers 16 items or more than the queue holds, the item is taken now and the
   * promise resolves at the next loop turn (src/turn.ts); a shorter batch is answered in one go.
   */
  get(options?: WaitOptions): Promise<T> {
    if (options !== undefined) {
      const aborted = begin(options, 'ThreadSafeQueue.get');
      if (aborted !== null) return aborted;
    }
    if (this._ri !== this._wi) {
      // held too long by at-once answers (turn.ts): take the item now, answer at the next loop turn
      if (options === undefined && held() && worth(this.qsize(), this._n)) return later(this.getSync());
      return Promise.resolve(this.getSync());
    }
    const x = this._x;
    if ((x & CLOSED) !== 0) return Promise.reject(new QueueClosed('ThreadSafeQueue.get: the queue is closed and empty'));
    const g = this._getters;
    if (options === undefined && g.r === null && g.head === null) {
      // the slot, inline (_wait() without its call): the path of every hand-over
      this._x = x | GETTERS;
      const promise = new Promise<T>(this._exec); // sets g.r and g.j
      g.m = AS_ITEM;
      if (this.onwait !== null) this._hook();
      return promise;
    }
    return this._wait(AS_ITEM, options);
  }

  /**
   * Takes the oldest item now; never allocates. Throws `QueueEmpty` when there is none
   * (`QueueClosed` once a closed queue is drained), and TypeError for `block=true`.
   */
  getSync(block?: boolean): T;
  getSync(block?: any): T {
    // The common case alone (an item queued, an Array buffer, no put() waiting), as in putSync();
    // `block`, undefined there, then holds the item (on Espruino a second `var` costs ~75 µs).
    const ri = this._ri;
    if (ri === this._wi || (this._x & (TYPED | PUTTERS)) !== 0 || block !== void 0) return this._get(block);
    block = this._buf[ri];
    this._buf[ri] = void 0 as any; // let the collector have it
    this._ri = (ri + 1) % this._n; // release: the slot is free from here on
    return block;
  }

  /**
   * Puts `item` now: hands it to a waiting consumer or writes it to the ring; never allocates.
   * Throws `QueueFull` when no slot is free (the queue is unchanged), `QueueClosed` after
   * `close()`, TypeError/RangeError for an item a TypedArray cannot hold, and TypeError for
   * `block=true` (nothing could free a slot while this thread blocks).
   */
  putSync(item: T, block?: boolean): void {
    // The common case alone (an Array buffer, 'reject', open, nobody waiting, a slot free); the
    // rest is _put(). Espruino reads the source text as it runs: a return inside a block, or a
    // block skipped, costs ~1 µs for each character up to the end of the method, so the rare
    // paths live in another method and this one returns from its top level.
    // No local on purpose: on Espruino a `var` costs more than reading the index twice.
    // A consumer waiting on an open 'reject' Array queue (x is GETTERS alone) is the next most
    // common case: _give() hands the item over and returns from its top level.
    if (this._x !== 0 || block !== void 0 || (this._wi + 1) % this._n === this._ri) return this._x === GETTERS ? this._give(item, block) : this._put(item, block); // void 0: `undefined` is a scope search on Kaluma
    this._buf[this._wi] = item;
    this._wi = (this._wi + 1) % this._n; // publish: the item is visible to the consumer from here on
  }
}

export interface ThreadSafeQueue<T> {
  /** `for await (const x of q)`: the queue is its own async iterator (see `next()`). */
  [Symbol.asyncIterator](): ThreadSafeQueue<T>;
}

/**
 * True for a TypedArray (of any realm): `ArrayBuffer.isView` tells a real view from an object
 * that only looks like one (`{ length: 4, byteOffset: 0 }`), and a `length` tells it from a
 * DataView. Espruino has no `ArrayBuffer.isView`: there a view is what has an ArrayBuffer.
 */
function isTypedArray(buf: any): boolean {
  const AB: any = ArrayBuffer;
  if (AB.isView !== void 0) return AB.isView(buf) && typeof buf.length === 'number';
  return buf != null && typeof buf.length === 'number' && buf.buffer instanceof AB;
}

/** "an Int16Array", "a Uint8Array": the buffer's type with its article, for error messages. */
function typedName(buf: any): string {
  const name = buf.constructor !== undefined && typeof buf.constructor.name === 'string' ? buf.constructor.name : 'TypedArray';
  return (name.charAt(0) === 'I' ? 'an ' : 'a ') + name;
}

/** The RangeError (TypeError for a non-number) of a bad `start`/`count` of putManySync(). */
function range(name: string, value: unknown, most: number): Error {
  if (typeof value !== 'number') return new TypeError('ThreadSafeQueue.putManySync: ' + name + ' must be a number, got ' + describe(value));
  return new RangeErr('ThreadSafeQueue.putManySync: ' + name + ' must be an integer 0..' + most + ', got ' + value);
}

function checkBlock(block: unknown, method: string): void {
  // Short on purpose: every message stays on the Kaluma heap as long as the program runs.
  throw new TypeError('ThreadSafeQueue.' + method + (typeof block !== 'boolean'
    ? ': block must be a boolean, got ' + describe(block)
    : ': block=true needs a second thread (use the async method, or the shared-memory queue in a worker)'));
}
