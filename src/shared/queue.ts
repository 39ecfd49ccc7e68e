/**
 * ThreadSafeQueue over a SharedArrayBuffer: one thread produces, another consumes, numbers only.
 */
import { construct } from '../args';
import { QueueClosed, QueueEmpty, QueueFull, TimeoutError } from '../errors';
import { addWaiter, begin, describe, RESOLVED, rejectWaiter, resolveWaiter, WaitList, WaitOptions } from '../waiters';
import {
  blockDeadline, holdUntilSettled, KIND_QUEUE, openHandle, sleepWhile, W_CLOSED, W_SLOTS, W_TYPE, whenChanged, writeHeader,
} from './memory';

/** What a slot holds: `'int32'` and `'uint32'` integers, or any JS number as `'float64'`. */
export type SlotType = 'int32' | 'uint32' | 'float64';

/** What `q.share()` returns: post it to a worker and call `ThreadSafeQueue.from(handle)` there. */
export interface SharedQueueHandle {
  readonly kind: 'ThreadSafeQueue';
  readonly buffer: SharedArrayBuffer;
  readonly slots: number;
  readonly type: SlotType;
}

// Control words (Int32 indices). The producer's words and the consumer's words sit on separate
// 64-byte lines so that the two threads do not bounce one cache line on every item.
const W_IDS = 5; // objects made for this queue so far, in any thread: each takes the next as its id
const W_DROPPED = 6; // items the overflow policy discarded (Atomics.add by the producer)
const W_POLICY = 7; // the overflow policy: 0 reject, 1 drop-newest, 2 drop-oldest (set once by the constructor)
const W_LOCK = 8; // drop-oldest only: 1 while a thread moves ri (the producer dropping, the consumer taking)
const W_WI = 16; // write index: next slot the producer fills           (written by the producer)
const W_DATA_BELL = 17; // bumped to wake a sleeping consumer              (producer, close())
const W_PUT_WAITING = 18; // 1 while the producer sleeps or is about to     (producer)
const W_WI_BY = 19; // id of the object that moved wi last                 (producer)
const W_RI = 32; // read index: next slot the consumer takes             (written by the consumer)
const W_SPACE_BELL = 33; // bumped to wake a sleeping producer            (consumer, close())
const W_GET_WAITING = 34; // 1 while the consumer sleeps or is about to     (consumer)
const W_RI_BY = 35; // id of the object that moved ri last                 (consumer)
/** Bytes before the slots: the header line, the producer's line, the consumer's line. */
const SLOTS_OFFSET = 192;
/** The most slots a queue may have (indices stay far from the Int32 range). */
const MAX_SLOTS = 1 << 27;

const TYPES: SlotType[] = ['int32', 'uint32', 'float64'];
const POLICIES = ['reject', 'drop-newest', 'drop-oldest'];

/** Options of `new ThreadSafeQueue(slots, type, options)`. */
export interface SharedQueueOptions {
  /**
   * What a put does when the queue is full: 'reject' (default: `putSync` throws QueueFull or, with
   * block, sleeps; `put()` waits), 'drop-newest' (the new item is dropped) or 'drop-oldest' (the
   * oldest queued item is dropped to take it). Drops are counted in `dropped()` (both threads see it).
   */
  overflow?: 'reject' | 'drop-newest' | 'drop-oldest';
}
const CTORS = [Int32Array, Uint32Array, Float64Array];

// How a waiting getter wants its item: as is (`get()`) or as an iterator result (`next()`).
const AS_ITEM = 0;
const AS_RESULT = 1;

/**
 * A queue of numbers in shared memory between two threads (`worker_threads`), with the core
 * ThreadSafeQueue's API plus blocking `getSync(true)`/`putSync(x, true)` inside a worker.
 *
 * How it works: N slots (a typed array) and the indices live in one SharedArrayBuffer.
 * `wi` (next slot to write) has one writer, the producer; `ri` (next slot to read) has one
 * writer, the consumer; the ring is empty when they are equal and full when `wi + 1 === ri`
 * (mod N), so N slots hold N-1 items and no shared counter is needed. Publish order: the
 * producer writes the slot, THEN `Atomics.store`s `wi`; the consumer `Atomics.load`s `wi`,
 * THEN reads the slot, THEN `Atomics.store`s `ri`; the producer reuses a slot only after it
 * `Atomics.load`s an `ri` past it. Atomics are sequentially consistent, so a thread that sees
 * an index also sees every slot write made before that index was stored.
 * A side that finds the ring empty/full stores 1 in its "waiting" word, re-checks, then sleeps
 * on a bell word (Atomics.wait in a worker, Atomics.waitAsync for the async methods); the
 * other side, after publishing, loads that waiting word and if it is 1 bumps the bell and
 * notifies. Either the sleeper's re-check sees the new index or the publisher sees the
 * waiting word (both are seq_cst), so no wake-up is lost, and no one polls.
 *
 * - One producer thread and one consumer thread (either may be the main thread). Each thread
 *   rebuilds its own object: `ThreadSafeQueue.from(q.share())`.
 * - Items are numbers of the slot type: a non-number throws TypeError, a fraction, -0 or an
 *   out-of-range integer for 'int32'/'uint32' throws RangeError ('float64' keeps -0). Send
 *   objects another way.
 * - `putSync()` throws `QueueFull`, `getSync()` `QueueEmpty`; with `block=true` (workers only;
 *   the main thread gets a TypeError) they sleep instead, `timeout` ms (0 … 2147483647) at most (then
 *   `TimeoutError`).
 * - `new ThreadSafeQueue(slots, type, { overflow })`: 'drop-newest' or 'drop-oldest' make a full
 *   queue drop (counted in `dropped()`) instead: `putSync` never throws QueueFull nor blocks,
 *   `put()` never waits. Under 'drop-oldest' the producer moves `ri` too, so both sides move it
 *   under a small spin lock (W_LOCK): the consumer reads the slot and moves `ri` inside it, and
 *   never gets a dropped, torn or duplicated item.
 * - `close()` from either thread ends the stream: puts throw/reject `QueueClosed`, the
 *   consumer drains what is queued and then `for await` ends and `get()`/`getSync()` throw
 *   `QueueClosed`; sleeping and awaiting partners wake. `watchWorker(worker, q)` closes the
 *   queue when the worker exits, so a crashed worker cannot leave the other side waiting.
 * - An async wait holds Node's event loop open until it settles (Atomics.waitAsync alone does
 *   not), so `await q.get()` as a program's last work does not exit early.
 *
 * ```js
 * const q = new ThreadSafeQueue(16, 'int32');            // main thread: 16 slots, 15 items
 * watchWorker(new Worker('./w.mjs', { workerData: q.share() }), q);
 * for await (const x of q) console.log(x);                // ends when the worker closes q or exits
 * // w.mjs: const q = ThreadSafeQueue.from(workerData);
 * //        for (let i = 0; i < 100; i++) q.putSync(i, true); q.close();
 * ```
 */
export class ThreadSafeQueue implements AsyncIterator<number> {
  /** How often a get/put on this object found the queue empty/full and had to wait (blocking or async). */
  readonly stats!: { getWaits: number; putWaits: number };
  private _w!: Int32Array;
  private _s!: Int32Array | Uint32Array | Float64Array;
  private _n!: number;
  private _type!: number;
  // Caches of the other side's index, refreshed only when the ring looks full/empty. A stale
  // value is safe (the other index only moves forward) as long as every move of this side's
  // index since the cache was loaded was this object's: W_WI_BY/W_RI_BY name the object that
  // moved it last (an id, not the index's value: another object may move it by exactly one lap).
  private _riSeen!: number;
  private _wiSeen!: number;
  /** This object's id among the objects of this queue (W_IDS). */
  private _id!: number;
  private _getters!: WaitList;
  private _putters!: WaitList;
  private _getArmed!: boolean;
  private _putArmed!: boolean;
  private _onData!: () => void;
  private _onSpace!: () => void;
  /** The overflow policy (W_POLICY), read once: 0 reject, 1 drop-newest, 2 drop-oldest. */
  private _policy!: number;

  /**
   * A new queue of `slots` (2 … 2^27) slots of `type` (default 'float64'); holds slots-1 items.
   * Throws TypeError/RangeError naming the bad argument (TypeError for a third). Allocates one SharedArrayBuffer of
   * 192 + slots × (4 or 8) bytes, rounded up to a multiple of 8.
   */
  constructor(slots: number, type: SlotType = 'float64', options?: SharedQueueOptions) {
    construct(this, ThreadSafeQueue, arguments.length, 3, 'ThreadSafeQueue');
    if (typeof slots !== 'number') throw new TypeError('ThreadSafeQueue: slots must be a number, got ' + describe(slots));
    if (!Number.isInteger(slots) || slots < 2 || slots > MAX_SLOTS) {
      throw new RangeError('ThreadSafeQueue: slots must be an integer from 2 to ' + MAX_SLOTS + ' (N slots hold N-1 items), got ' + slots);
    }
    const t = TYPES.indexOf(type);
    if (t < 0) throw new TypeError("ThreadSafeQueue: type must be 'int32', 'uint32' or 'float64', got " + describe(type));
    let policy = 0;
    if (options !== undefined) {
      if (options === null || typeof options !== 'object') throw new TypeError('ThreadSafeQueue: options must be an object like { overflow }, got ' + describe(options));
      for (const key in options) if (key !== 'overflow') throw new TypeError('ThreadSafeQueue: unknown option "' + key + '" (the options are overflow)');
      const o = options.overflow;
      policy = o === undefined ? 0 : POLICIES.indexOf(o);
      if (policy < 0) throw new TypeError("ThreadSafeQueue: options.overflow must be 'reject', 'drop-newest' or 'drop-oldest', got " + describe(o));
    }
    const buffer = new SharedArrayBuffer(queueSize(t, slots));
    const w = new Int32Array(buffer);
    w[W_POLICY] = policy; // before the header: the header's store publishes it with the rest
    writeHeader(w, KIND_QUEUE, t + 1, slots);
    this._init(w);
  }

  /**
   * Rebuilds, in this thread, the queue whose `share()` handle was posted here. Throws
   * TypeError for anything but such a handle (or another kind's), RangeError for a buffer
   * whose size does not match its header.
   */
  static from(handle: SharedQueueHandle): ThreadSafeQueue {
    const w = openHandle(handle, KIND_QUEUE, 'ThreadSafeQueue.from', queueBytes);
    const q = Object.create(ThreadSafeQueue.prototype) as ThreadSafeQueue;
    q._init(w);
    const h = handle as any;
    if ((h.slots !== undefined && h.slots !== q._n) || (h.type !== undefined && h.type !== TYPES[q._type])) {
      throw new RangeError('ThreadSafeQueue.from: handle says ' + h.slots + ' ' + h.type + ' slots but its buffer holds ' + q._n + ' ' + TYPES[q._type] + ' slots');
    }
    return q;
  }

  private _init(w: Int32Array): void {
    const t = w[W_TYPE] - 1;
    (this as any).stats = { getWaits: 0, putWaits: 0 };
    this._w = w;
    this._n = w[W_SLOTS];
    this._type = t;
    this._s = new CTORS[t](w.buffer as any, SLOTS_OFFSET, this._n);
    this._riSeen = this._wiSeen = 0;
    this._policy = Atomics.load(w, W_POLICY);
    this._id = Atomics.add(w, W_IDS, 1) + 1; // never 0, the words' initial value
    this._getters = new WaitList();
    this._putters = new WaitList();
    this._getArmed = this._putArmed = false;
    this._onData = () => this._serveGetters();
    this._onSpace = () => this._servePutters();
  }

  /** The handle to post to another thread (structured-clonable): `{ kind, buffer, slots, type }`. */
  share(): SharedQueueHandle {
    return { kind: 'ThreadSafeQueue', buffer: this._w.buffer as SharedArrayBuffer, slots: this._n, type: TYPES[this._type] };
  }

  // ---- waiting methods ------------------------------------------------------------------------

  /**
   * Resolves with the next item, waiting (without polling) while the queue is empty; rejects
   * with `QueueClosed` once a closed queue is drained, `AbortError`/`TimeoutError` per
   * `options` (then no item is taken). Holds the event loop open while it waits.
   */
  get(options?: WaitOptions): Promise<number> {
    const aborted = options === undefined ? null : begin(options, 'ThreadSafeQueue.get'); // an aborted wait consumes, takes and puts nothing
    if (aborted !== null) return aborted;
    if (this._getters.head === null) {
      const x = this._poll();
      if (x !== undefined) return Promise.resolve(x);
      if (Atomics.load(this._w, W_CLOSED) !== 0) {
        const y = this._poll(); // an item put just before close() still comes first
        if (y !== undefined) return Promise.resolve(y);
        return Promise.reject(new QueueClosed('ThreadSafeQueue.get: the queue is closed and empty'));
      }
    }
    return this._waitGet(AS_ITEM, options);
  }

  /**
   * Async-iterator step: `{ value, done: false }` with the next item, or `{ done: true }` once
   * a closed queue is drained; `for await (const x of q)` calls it.
   */
  next(): Promise<IteratorResult<number>> {
    if (this._getters.head === null) {
      const x = this._poll();
      if (x !== undefined) return Promise.resolve({ value: x, done: false });
      if (Atomics.load(this._w, W_CLOSED) !== 0) {
        const y = this._poll(); // an item put just before close() still comes first
        if (y !== undefined) return Promise.resolve({ value: y, done: false });
        return Promise.resolve({ value: undefined as any, done: true });
      }
    }
    return this._waitGet(AS_RESULT, undefined);
  }

  /**
   * Puts `item`, waiting (without polling) while the queue is full; rejects with `QueueClosed`
   * if the queue is or becomes closed first, `AbortError`/`TimeoutError` per `options` (then
   * the item is not put). Throws TypeError/RangeError for an item the slots cannot hold.
   */
  put(item: number, options?: WaitOptions): Promise<void> {
    const aborted = options === undefined ? null : begin(options, 'ThreadSafeQueue.put'); // an aborted wait consumes, takes and puts nothing
    if (aborted !== null) return aborted;
    this._check(item, 'ThreadSafeQueue.put');
    if (Atomics.load(this._w, W_CLOSED) !== 0) return Promise.reject(new QueueClosed('ThreadSafeQueue.put: the queue is closed'));
    if (this._putters.head === null && this._push(item)) return RESOLVED;
    this.stats.putWaits++;
    const p = addWaiter(this._putters, item, options);
    if (!this._putArmed) this._servePutters();
    return holdUntilSettled(p);
  }

  // ---- non-waiting twins (blocking in a worker) -----------------------------------------------

  /**
   * Puts `item` now. Throws `QueueFull` when no slot is free (or async puts of this thread are
   * still waiting: it does not overtake them), `QueueClosed` after `close()`, TypeError/
   * RangeError for a bad item. With `block=true` (worker only) it sleeps until a slot is free,
   * at most `timeout` ms (then `TimeoutError`); closing wakes it with `QueueClosed`.
   */
  putSync(item: number, block?: boolean, timeout?: number): void {
    const deadline = blockDeadline(block, timeout, 'ThreadSafeQueue.putSync');
    this._check(item, 'ThreadSafeQueue.putSync');
    const w = this._w;
    for (;;) {
      if (Atomics.load(w, W_CLOSED) !== 0) throw new QueueClosed('ThreadSafeQueue.putSync: the queue is closed');
      if (this._putters.head === null && this._push(item)) return;
      if (deadline < 0) throw new QueueFull('ThreadSafeQueue.putSync: the queue is full (capacity ' + (this._n - 1) + ')');
      if (this._putters.head !== null) throw new QueueFull('ThreadSafeQueue.putSync: async puts of this thread are still waiting');
      this.stats.putWaits++;
      // Announce, re-check, sleep: see "How it works" (the producer's half of the handshake).
      const seen = Atomics.load(w, W_SPACE_BELL);
      Atomics.store(w, W_PUT_WAITING, 1);
      if (!this._hasSpace() && Atomics.load(w, W_CLOSED) === 0 && !sleepWhile(w, W_SPACE_BELL, seen, deadline)) {
        Atomics.store(w, W_PUT_WAITING, 0);
        throw new TimeoutError('ThreadSafeQueue.putSync: no slot came free within ' + timeout + ' ms');
      }
      if (this._putters.head === null) Atomics.store(w, W_PUT_WAITING, 0);
    }
  }

  /**
   * Takes the oldest item now. Throws `QueueEmpty` when there is none (or async gets of this
   * thread are waiting for it), `QueueClosed` once a closed queue is drained. With
   * `block=true` (worker only) it sleeps until an item comes, at most `timeout` ms (then
   * `TimeoutError`); closing wakes it with `QueueClosed`.
   */
  getSync(block?: boolean, timeout?: number): number {
    const deadline = blockDeadline(block, timeout, 'ThreadSafeQueue.getSync');
    const w = this._w;
    for (;;) {
      if (this._getters.head !== null) {
        throw new QueueEmpty('ThreadSafeQueue.getSync: async gets of this thread are waiting for the next item');
      }
      const x = this._poll();
      if (x !== undefined) return x;
      // Closed is read after the ring was found empty; items put before close() are still
      // taken (close() happens after the producer's last put), so re-poll once to be sure.
      if (Atomics.load(w, W_CLOSED) !== 0) {
        const y = this._poll();
        if (y !== undefined) return y;
        throw new QueueClosed('ThreadSafeQueue.getSync: the queue is closed and empty');
      }
      if (deadline < 0) throw new QueueEmpty('ThreadSafeQueue.getSync: the queue is empty');
      this.stats.getWaits++;
      // Announce, re-check, sleep: the consumer's half of the handshake.
      const seen = Atomics.load(w, W_DATA_BELL);
      Atomics.store(w, W_GET_WAITING, 1);
      if (!this._hasData() && Atomics.load(w, W_CLOSED) === 0 && !sleepWhile(w, W_DATA_BELL, seen, deadline)) {
        Atomics.store(w, W_GET_WAITING, 0);
        throw new TimeoutError('ThreadSafeQueue.getSync: no item came within ' + timeout + ' ms');
      }
      if (this._getters.head === null) Atomics.store(w, W_GET_WAITING, 0);
    }
  }

  /**
   * Ends the stream, from either thread: later puts throw `QueueClosed`, waiting puts (async
   * or blocked) fail with it, the consumer takes what is queued and then `for await` ends
   * and gets throw/reject `QueueClosed`. Wakes every sleeper and awaiter of both threads.
   * Closing twice does nothing.
   */
  close(): void {
    const w = this._w;
    if (Atomics.exchange(w, W_CLOSED, 1) !== 0) return;
    // closed is stored before the bells move: a woken side always sees it.
    Atomics.add(w, W_DATA_BELL, 1);
    Atomics.add(w, W_SPACE_BELL, 1);
    Atomics.notify(w, W_DATA_BELL);
    Atomics.notify(w, W_SPACE_BELL);
  }

  // ---- queries -------------------------------------------------------------------------------

  /** The number of items queued (0 … N-1); may be stale by the time the caller reads it. */
  qsize(): number {
    const n = Atomics.load(this._w, W_WI) - Atomics.load(this._w, W_RI);
    return n < 0 ? n + this._n : n;
  }

  /** True when no item is queued (may be stale: the producer may put right after). */
  empty(): boolean {
    return Atomics.load(this._w, W_WI) === Atomics.load(this._w, W_RI);
  }

  /** True when N-1 items are queued (may be stale: the consumer may take right after). */
  full(): boolean {
    const next = Atomics.load(this._w, W_WI) + 1;
    return (next === this._n ? 0 : next) === Atomics.load(this._w, W_RI);
  }

  /** The most items the queue holds: slots minus one. */
  maxsize(): number {
    return this._n - 1;
  }

  /** Items the overflow policy discarded so far, by the producer of either thread (0 under 'reject'). */
  dropped(): number {
    return Atomics.load(this._w, W_DROPPED);
  }

  /** The overflow policy: 'reject', 'drop-newest' or 'drop-oldest'. */
  overflow(): 'reject' | 'drop-newest' | 'drop-oldest' {
    return POLICIES[this._policy] as any;
  }

  /** True once either thread called `close()` (or `watchWorker` did). */
  closed(): boolean {
    return Atomics.load(this._w, W_CLOSED) !== 0;
  }

  // ---- private helpers -----------------------------------------------------------------------

  /** Producer: writes `item` and publishes it; false when the ring is full. */
  private _push(item: number): boolean {
    const w = this._w;
    const wi = Atomics.load(w, W_WI);
    if (Atomics.load(w, W_WI_BY) !== this._id) {
      // another object produced since this one's last look: the cache is not ours
      Atomics.store(w, W_WI_BY, this._id);
      this._riSeen = Atomics.load(w, W_RI);
    }
    const next = wi + 1 === this._n ? 0 : wi + 1;
    if (next === this._riSeen && next === (this._riSeen = Atomics.load(w, W_RI))) {
      const policy = this._policy;
      if (policy === 0) return false;
      if (policy === 1) {
        Atomics.add(w, W_DROPPED, 1); // drop-newest: the queue keeps what it has
        return true;
      }
      // drop-oldest: move ri past the oldest item, under the lock the consumer takes to read a
      // slot and move ri, so it never returns an item dropped (or overwritten) meanwhile
      lock(w);
      const ri = Atomics.load(w, W_RI);
      if (ri === next) {
        this._riSeen = ri + 1 === this._n ? 0 : ri + 1;
        Atomics.store(w, W_RI, this._riSeen);
        Atomics.add(w, W_DROPPED, 1);
      } else this._riSeen = ri; // the consumer took one meanwhile: there is room
      Atomics.store(w, W_LOCK, 0);
    }
    this._s[wi] = item; // 1. fill the free slot (a plain write, made visible by the store below)
    Atomics.store(w, W_WI, next); // 2. PUBLISH: from here the consumer may read the slot
    // 3. a consumer that announced it sleeps gets a ring (loaded after the publish: see How it works)
    if (Atomics.load(w, W_GET_WAITING) !== 0) {
      Atomics.add(w, W_DATA_BELL, 1);
      Atomics.notify(w, W_DATA_BELL);
    }
    return true;
  }

  /** Consumer: takes the oldest item and releases its slot; undefined when the ring is empty. */
  private _poll(): number | undefined {
    const w = this._w;
    if (this._policy === 2) return this._pollLocked();
    const ri = Atomics.load(w, W_RI);
    if (Atomics.load(w, W_RI_BY) !== this._id) {
      Atomics.store(w, W_RI_BY, this._id); // another object consumed since this one's last look
      this._wiSeen = Atomics.load(w, W_WI);
    }
    if (ri === this._wiSeen && ri === (this._wiSeen = Atomics.load(w, W_WI))) return undefined;
    const item = this._s[ri]; // 1. read the slot: written before the wi store we loaded
    const next = ri + 1 === this._n ? 0 : ri + 1;
    Atomics.store(w, W_RI, next); // 2. RELEASE: from here the producer may overwrite the slot
    if (Atomics.load(w, W_PUT_WAITING) !== 0) {
      Atomics.add(w, W_SPACE_BELL, 1);
      Atomics.notify(w, W_SPACE_BELL);
    }
    return item;
  }

  /**
   * Consumer under drop-oldest: reads the slot and moves ri while holding the lock, since the
   * producer may move ri too (dropping the oldest); wi is loaded each time (a cached wi could be
   * behind an ri the producer moved).
   */
  private _pollLocked(): number | undefined {
    const w = this._w;
    lock(w);
    const ri = Atomics.load(w, W_RI);
    if (ri === Atomics.load(w, W_WI)) {
      Atomics.store(w, W_LOCK, 0);
      return undefined;
    }
    const item = this._s[ri]; // the producer writes only the free slot, and cannot drop this one now
    Atomics.store(w, W_RI, ri + 1 === this._n ? 0 : ri + 1); // RELEASE
    Atomics.store(w, W_LOCK, 0);
    return item;
  }

  private _hasData(): boolean {
    return Atomics.load(this._w, W_RI) !== Atomics.load(this._w, W_WI);
  }

  private _hasSpace(): boolean {
    const next = Atomics.load(this._w, W_WI) + 1;
    return (next === this._n ? 0 : next) !== Atomics.load(this._w, W_RI);
  }

  private _waitGet(mode: number, options: WaitOptions | undefined): Promise<any> {
    this.stats.getWaits++;
    const p = addWaiter(this._getters, mode, options);
    if (!this._getArmed) this._serveGetters();
    return holdUntilSettled(p);
  }

  /** Async consumer pump: hands items to waiting gets in order; sleeps on the data bell when empty. */
  private _serveGetters(): void {
    const w = this._w;
    this._getArmed = false;
    for (;;) {
      const head = this._getters.head;
      if (head === null) {
        Atomics.store(w, W_GET_WAITING, 0);
        return;
      }
      const seen = Atomics.load(w, W_DATA_BELL); // read before the checks: a later ring changes it
      let x = this._poll();
      if (x === undefined) {
        Atomics.store(w, W_GET_WAITING, 1); // announce, then re-check
        x = this._poll();
      }
      if (x !== undefined) {
        resolveWaiter(head, head.value === AS_RESULT ? { value: x, done: false } : x);
        continue;
      }
      if (Atomics.load(w, W_CLOSED) !== 0) {
        if (this._hasData()) continue; // items put before close() come first
        if (head.value === AS_RESULT) resolveWaiter(head, { value: undefined, done: true });
        else rejectWaiter(head, new QueueClosed('ThreadSafeQueue.get: the queue was closed'));
        continue;
      }
      this._getArmed = true;
      whenChanged(w, W_DATA_BELL, seen, this._onData);
      return;
    }
  }

  /** Async producer pump: moves waiting puts into the ring in order; sleeps on the space bell when full. */
  private _servePutters(): void {
    const w = this._w;
    this._putArmed = false;
    for (;;) {
      const head = this._putters.head;
      if (head === null) {
        Atomics.store(w, W_PUT_WAITING, 0);
        return;
      }
      if (Atomics.load(w, W_CLOSED) !== 0) {
        rejectWaiter(head, new QueueClosed('ThreadSafeQueue.put: the queue was closed before the item could be put'));
        continue;
      }
      const seen = Atomics.load(w, W_SPACE_BELL);
      let ok = this._push(head.value);
      if (!ok) {
        Atomics.store(w, W_PUT_WAITING, 1);
        ok = this._push(head.value);
      }
      if (ok) {
        resolveWaiter(head, undefined);
        continue;
      }
      if (Atomics.load(w, W_CLOSED) !== 0) continue;
      this._putArmed = true;
      whenChanged(w, W_SPACE_BELL, seen, this._onSpace);
      return;
    }
  }

  /** Throws unless the slots hold `item` exactly. */
  private _check(item: unknown, method: string): void {
    if (typeof item !== 'number') {
      throw new TypeError(method + ': item must be a number (the queue holds ' + TYPES[this._type] + ' slots), got ' + describe(item));
    }
    if (this._type === 2) return; // float64 holds every number
    const lo = this._type === 0 ? -2147483648 : 0;
    const hi = this._type === 0 ? 2147483647 : 4294967295;
    // -0 === 0 passes the range checks; an integer slot would give back +0 (1 / -0 is -Infinity)
    if (!Number.isInteger(item) || item < lo || item > hi || (item === 0 && 1 / item < 0)) {
      throw new RangeError(method + ': item ' + (Object.is(item, -0) ? '-0' : item) + ' does not fit a ' + TYPES[this._type] + ' slot (integers ' + lo + ' … ' + hi + ', and not -0)');
    }
  }
}

ThreadSafeQueue.prototype[Symbol.asyncIterator] = function (this: ThreadSafeQueue) {
  return this;
};

export interface ThreadSafeQueue {
  /** `for await (const x of q)`: the queue is its own async iterator (see `next()`). */
  [Symbol.asyncIterator](): ThreadSafeQueue;
}

/**
 * The buffer's byte length for `n` slots of type index `t`: the header lines, then the slots,
 * rounded up to a multiple of 8. Every shared object's buffer is a multiple of 8 bytes (what
 * `openHandle` checks first), so an odd count of 4-byte slots gets 4 bytes of padding.
 */
function queueSize(t: number, n: number): number {
  return (SLOTS_OFFSET + n * CTORS[t].BYTES_PER_ELEMENT + 7) & ~7;
}

function queueBytes(w: Int32Array): number {
  const t = w[W_TYPE] - 1;
  const n = w[W_SLOTS];
  if (t < 0 || t >= CTORS.length || !(n >= 2 && n <= MAX_SLOTS)) return -1;
  return queueSize(t, n);
}

/**
 * Takes the drop-oldest lock (W_LOCK 0 -> 1). Held for a few instructions by either side, so it
 * spins; after 64 tries it sleeps 1 ms per try (Atomics.wait) rather than burn the core.
 */
function lock(w: Int32Array): void {
  for (let i = 0; Atomics.compareExchange(w, W_LOCK, 0, 1) !== 0; i++) if (i > 64) Atomics.wait(w, W_LOCK, 1, 1);
}
