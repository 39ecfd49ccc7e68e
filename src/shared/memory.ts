/**
 * Internal: the shared-memory plumbing of the Node-only entry: the header every shared object
 * starts with, handle checks, the async wake-up (`Atomics.waitAsync`), the keep-alive, and the
 * rule about blocking on the main thread.
 *
 * Every shared object is one SharedArrayBuffer read through an Int32Array of control words.
 * Words 0..4 are the same for all kinds:
 *
 *   word 0  MAGIC   0x54534d31 ("TSM1"): this buffer was made by this library, layout v1
 *   word 1  KIND    1 queue, 2 event, 3 flag
 *   word 2  TYPE    queue slot type: 1 int32, 2 uint32, 3 float64 (0 for event/flag)
 *   word 3  SLOTS   queue slot count N (0 for event/flag)
 *   word 4  CLOSED  0 open, 1 closed (set once by close(), never cleared)
 *
 * Each kind's own words follow, from word 5 on (see queue.ts, event.ts, flag.ts).
 */
import { setInterval, setTimeout, NodeTimer } from 'node:timers';
import { isMainThread } from 'node:worker_threads';
import { describe } from '../waiters';

export const MAGIC = 0x54534d31;
export const W_MAGIC = 0;
export const W_KIND = 1;
export const W_TYPE = 2;
export const W_SLOTS = 3;
export const W_CLOSED = 4;

export const KIND_QUEUE = 1;
export const KIND_EVENT = 2;
export const KIND_FLAG = 3;
export const KIND_NAMES = ['?', 'ThreadSafeQueue', 'ThreadSafeEvent', 'ThreadSafeFlag'];

/**
 * Checks a handle given to `X.from(handle)` and returns its control words. Throws a TypeError
 * for something that is not a handle of this kind, a RangeError for a buffer of the wrong size.
 * `expectBytes(words)` returns the byte length the header says the buffer must have.
 */
export function openHandle(handle: unknown, kind: number, method: string, expectBytes: (w: Int32Array) => number): Int32Array {
  const name = KIND_NAMES[kind];
  if (handle === null || typeof handle !== 'object') {
    throw new TypeError(method + ': handle must be the object ' + name + '.share() returned, got ' + describe(handle));
  }
  const h = handle as { kind?: unknown; buffer?: unknown };
  const buffer = h.buffer;
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(method + ': handle.buffer must be a SharedArrayBuffer (post the whole object ' + name + '.share() returned), got ' + describe(buffer));
  }
  if (buffer.byteLength < 64 || buffer.byteLength % 8 !== 0) {
    throw new RangeError(method + ': handle.buffer is ' + buffer.byteLength + ' bytes, too small or misaligned for any shared object (wrong buffer?)');
  }
  const w = new Int32Array(buffer);
  if (Atomics.load(w, W_MAGIC) !== MAGIC) {
    throw new TypeError(method + ': handle.buffer was not made by ' + name + ' (no "TSM1" header: not a shared object of this library, or another layout version)');
  }
  const k = Atomics.load(w, W_KIND);
  if (k !== kind) {
    throw new TypeError(method + ': handle.buffer holds a ' + (KIND_NAMES[k] || 'unknown kind ' + k) + ', not a ' + name + ' (use ' + (KIND_NAMES[k] || name) + '.from, or attach())');
  }
  if (h.kind !== undefined && h.kind !== name) {
    throw new TypeError(method + ': handle.kind is ' + describe(h.kind) + ' but its buffer holds a ' + name);
  }
  const bytes = expectBytes(w);
  if (buffer.byteLength !== bytes) {
    throw new RangeError(method + ': handle.buffer is ' + buffer.byteLength + ' bytes but its header describes a ' + name + ' of ' + bytes + ' bytes (a truncated or foreign buffer)');
  }
  return w;
}

/** Writes the common header of a new shared object. */
export function writeHeader(w: Int32Array, kind: number, type: number, slots: number): void {
  w[W_KIND] = kind;
  w[W_TYPE] = type;
  w[W_SLOTS] = slots;
  Atomics.store(w, W_MAGIC, MAGIC); // last: a buffer with the magic has a complete header
}

// ---------------------------------------------------------------------------------------------
// Keep-alive. A pending Atomics.waitAsync does not keep Node's event loop alive: a program (or
// a worker) whose only work is `await q.get()` would exit before the other side puts. While
// any async wait of this thread is pending, one ref'd interval timer holds the loop open; it
// is created once per thread and only ref'd/unref'd after that.
let holds = 0;
let keeper: NodeTimer | undefined;
function noop(): void {}
function release(): void {
  if (--holds === 0 && keeper !== undefined) keeper.unref();
}
/** Holds the event loop open until `promise` settles; returns `promise`. Allocates one reaction. */
export function holdUntilSettled<T>(promise: Promise<T>): Promise<T> {
  if (holds++ === 0) {
    if (keeper === undefined) keeper = setInterval(noop, 0x3fffffff);
    else keeper.ref();
  }
  promise.then(release, release);
  return promise;
}

// ---------------------------------------------------------------------------------------------
// Async wake-up: call `cb` once the word `w[index]` no longer holds `seen`.
const waitAsync: ((w: Int32Array, i: number, v: number) => { async: boolean; value: any }) | undefined =
  typeof (Atomics as any).waitAsync === 'function' ? (Atomics as any).waitAsync : undefined;
/** Milliseconds between checks where Atomics.waitAsync is missing (Node < 16): a timer, not a busy loop. */
export const POLL_MS = 2;

/**
 * Calls `cb` (asynchronously, once) after `w[index]` changed from `seen`. Uses
 * Atomics.waitAsync (no polling: the other thread's Atomics.notify resolves it); where the
 * engine lacks it, checks the word on an unref'd timer every POLL_MS ms.
 */
export function whenChanged(w: Int32Array, index: number, seen: number, cb: () => void): void {
  if (waitAsync !== undefined) {
    const r = waitAsync(w, index, seen);
    if (r.async) r.value.then(cb);
    else Promise.resolve().then(cb); // already changed ("not-equal"): still call back asynchronously
    return;
  }
  pollUntilChanged(w, index, seen, cb);
}
function pollUntilChanged(w: Int32Array, index: number, seen: number, cb: () => void): void {
  const t = setTimeout(function () {
    if (Atomics.load(w, index) !== seen) cb();
    else pollUntilChanged(w, index, seen, cb);
  }, POLL_MS);
  t.unref(); // the keep-alive above holds the loop, not the poll timer
}


// ---------------------------------------------------------------------------------------------
/**
 * Validates `block`/`timeout` of a synchronous method and returns the deadline (ms since the
 * epoch, Infinity without timeout), or -1 for a non-blocking call. `timeout` follows the rule
 * of the async waits: a number of ms from 0 to 2147483647 (RangeError for Infinity too). Throws TypeError for
 * block=true on Node's main thread: Atomics.wait there would freeze the event loop, and with
 * it every async task and the 'exit' watcher that ends waits when a worker dies.
 */
export function blockDeadline(block: unknown, timeout: unknown, method: string): number {
  if (block === undefined || block === false) {
    if (timeout !== undefined) throw new TypeError(method + ': timeout needs block=true');
    return -1;
  }
  if (block !== true) throw new TypeError(method + ': block must be a boolean, got ' + describe(block));
  if (timeout !== undefined) {
    if (typeof timeout !== 'number') throw new TypeError(method + ': timeout must be a number of milliseconds, got ' + describe(timeout));
    // One rule with the async waits' options.timeout (the options path's begin(), src/waiters.ts): 0 … 2147483647 ms, and no
    // Infinity: to block without a limit, leave the timeout out.
    if (!(timeout >= 0 && timeout <= 2147483647)) {
      throw new RangeError(method + ': timeout must be a number of ms from 0 to 2147483647 (leave it out to wait without limit), got ' + timeout);
    }
  }
  if (isMainThread) {
    throw new TypeError(
      method + ': block=true is not allowed on the main thread (Atomics.wait would freeze the event loop and every ' +
        'async task, including the one that would end the wait); block only inside a worker, and await the async ' +
        'method here (await q.get(), await q.put(x), for await, await evt.wait())',
    );
  }
  return timeout === undefined ? Infinity : Date.now() + (timeout as number);
}

/** Loads of the bell word before a worker sleeps in Atomics.wait (about a microsecond or two). */
export const SPIN = 256;

/**
 * Sleeps (Atomics.wait) while `w[index] === seen`, at most until `deadline`. Returns false
 * when the deadline passed.
 */
export function sleepWhile(w: Int32Array, index: number, seen: number, deadline: number): boolean {
  // Spin a little first: the other thread often acts within a microsecond or two, and a
  // futex sleep plus wake-up costs far more than that. Bounded, so a worker never burns a core.
  for (let i = 0; i < SPIN; i++) if (Atomics.load(w, index) !== seen) return true;
  if (deadline === Infinity) {
    Atomics.wait(w, index, seen);
    return true;
  }
  const left = deadline - Date.now();
  if (left <= 0) return false;
  Atomics.wait(w, index, seen, left);
  return true;
}

// ---------------------------------------------------------------------------------------------
// The SETS word of an event or a flag: bit 0 is the state (set or clear), bits 1..31 count the
// sets (and closes), so that one atomic step both records a set and rings the bell. With two
// words (store STATE, then bump BELL) a waiter could consume a set between the two steps and
// the next wait then took that set's late bell for a new set: one set, two wake-ups.

/** set(): raises bit 0 and advances the counter in ONE compareExchange, then wakes sleepers. */
export function raiseSets(w: Int32Array, index: number): void {
  for (;;) {
    const v = Atomics.load(w, index);
    if (Atomics.compareExchange(w, index, v, (v + 2) | 1) === v) break; // publish: set and rung at once
  }
  Atomics.notify(w, index);
}

/** A flag's wait: clears bit 0 if it is raised; true if this call consumed a set. */
export function consumeSet(w: Int32Array, index: number): boolean {
  for (;;) {
    const v = Atomics.load(w, index);
    if ((v & 1) === 0) return false;
    if (Atomics.compareExchange(w, index, v, v & ~1) === v) return true;
  }
}

/** What `lookSets` returns for a closed object with no set to deliver: never a SETS value (not an integer). */
export const SHUT = 0.5;

/**
 * One look of a waiter at an event's or flag's SETS word: the SETS value, or SHUT when the object
 * is closed and no set is left to deliver. CLOSED is read before SETS, so a set() made before a
 * close() is always seen (bit 0 up: delivered, closed or not). A close() that lands between the
 * two loads moves the count (it rings SETS) while CLOSED was read as 0, and the moved count would
 * pass for a set: CLOSED is set once and never cleared, so when it reads 1 afterwards, look again
 * (then CLOSED is read first). Every waiter of both kinds looks through this function.
 */
export function lookSets(w: Int32Array, index: number): number {
  for (;;) {
    const closed = Atomics.load(w, W_CLOSED) !== 0;
    const v = Atomics.load(w, index);
    if ((v & 1) !== 0) return v; // set: perhaps just before a close()
    if (closed) return SHUT;
    if (Atomics.load(w, W_CLOSED) === 0) return v; // not closed: a moved count is a set (and clear())
  }
}

/** close(): advances the counter (bit 0 unchanged) so that every sleeper and poller wakes. */
export function ringSets(w: Int32Array, index: number): void {
  Atomics.add(w, index, 2);
  Atomics.notify(w, index);
}
