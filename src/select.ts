/**
 * select(): wait on several queues, flags, events and messages at once; take exactly one thing.
 */
import { AbortController } from './abort';
import { describe } from './args';
import { AbortError, FlagInUse, QueueClosed, TimeoutError } from './errors';
import { ThreadSafeFlag } from './flag';
import { begin, dueAt, early, enableWaitOptions, WaitOptions } from './waiters';

/** What `select()` resolves with: which source (its index in `sources`) and what was taken from it. */
export interface Selected<T = unknown> {
  index: number;
  /** A queue's item, a message's data; undefined for a flag or an event. */
  value: T;
}

/** Anything select() waits on: the core ThreadSafeQueue, ThreadSafeFlag, ThreadSafeEvent, ThreadSafeMessage. */
export interface Selectable {
  isSet?(): boolean;
  wait?(options?: WaitOptions): Promise<unknown>;
  ready?(options?: WaitOptions): Promise<void>;
  getSync?(): unknown;
}

// Kinds of source.
const QUEUE = 0;
const FLAG = 1;
const EVENT = 2;
const MESSAGE = 3;

/** One pending select: its sources, settlers, and what it registered (all dropped when it settles). */
interface Pending {
  sources: any[];
  kinds: number[];
  resolve: (v: Selected<any>) => void;
  reject: (e: unknown) => void;
  /** Aborts every wait this select registered on its sources. */
  ac: AbortController;
  done: boolean;
  /** The caller's signal, listened to through `handleEvent` (this object). */
  signal: WaitOptions['signal'] | undefined;
  timer: any;
  handleEvent: () => void;
}

/**
 * Waits until one of `sources` (an array of the core ThreadSafeQueue, ThreadSafeFlag,
 * ThreadSafeEvent and ThreadSafeMessage) is ready and resolves with `{ index, value }`, taking
 * exactly one thing: a queue's item (removed), a flag's set (consumed), an event (not consumed,
 * `value` undefined), a message's data (`value()`, not consumed). micropython-async's `WaitAny`,
 * embassy's `select_array`, FreeRTOS queue sets.
 *
 * - Several ready when it is called: the lowest index wins, and nothing else is taken.
 * - Waiting: it registers a wait that takes nothing on each source (`ready()` on a queue,
 *   `wait()` on an event or message; on a flag `wait()`, which consumes the set: when the flag
 *   is not the one taken, its set is given back with `set()`). The first to wake it takes from
 *   the lowest source ready at that moment, so two producers making two sources ready at once
 *   still lose nothing: one thing is taken, the other stays where it was. Once it settles
 *   (resolved, rejected, aborted, timed out) nothing of it stays registered on any source.
 * - `options.signal`/`options.timeout`: rejects with `AbortError`/`TimeoutError`, taking nothing.
 *   An already-aborted signal rejects even when a source is ready.
 * - Rejects with `QueueClosed` (its `index` set) when the lowest ready source is a closed queue
 *   with nothing left, `FlagInUse` when a flag already has another waiter (or is given twice);
 *   a TypeError for `sources` that is not a non-empty array of those primitives.
 * - Contexts: async tasks on the main loop or Node. Allocates: the result object, and when it
 *   has to wait a promise, a controller and one wait per source.
 *
 * ```js
 * for (;;) {
 *   const { index, value } = await select([commands, tick, stop]);
 *   if (index === 0) handle(value); else if (index === 1) poll(); else break;
 * }
 * ```
 */
export function select<T = unknown>(sources: ArrayLike<Selectable>, options?: WaitOptions): Promise<Selected<T>> {
  if (run === null) run = selector();
  return run(sources, options);
}

/** select() once made (its first call builds it). */
let run: ((sources: ArrayLike<Selectable>, options?: WaitOptions) => Promise<Selected<any>>) | null = null;

/**
 * Makes select(): its helpers are made by its first call, not when the bundle loads, so that a
 * program that loaded a full bundle and never selects holds two functions of this file, not
 * nine (each function object costs heap on Kaluma and about four variables on Espruino).
 */
function selector(): (sources: ArrayLike<Selectable>, options?: WaitOptions) => Promise<Selected<any>> {
  enableWaitOptions(); // select waits with a signal on each source: once, as select() is made
  /** The kind of `s`, or throws a TypeError naming its index. */
  function kindOf(s: any, i: number): number {
    if (s !== null && typeof s === 'object') {
      if (typeof s.getSync === 'function' && typeof s.ready === 'function') return QUEUE;
      if (typeof s.wait === 'function' && typeof s.isSet === 'function') {
        if (s instanceof ThreadSafeFlag) return FLAG;
        return typeof s.value === 'function' ? MESSAGE : EVENT;
      }
    }
    throw new TypeError('select: sources[' + i + '] must be a queue, flag, event or message, got ' + describe(s));
  }

  /** Set by take(): what the last successful take took. */
  let taken: unknown = undefined;

  /**
   * Takes from source `i` if it is ready now: true, with the thing in `taken` (a queue's item is
   * removed, a flag's set consumed; an event or message stays set). A closed, drained queue throws
   * QueueClosed (its `get()` would reject with it).
   */
  function take(s: any, kind: number, i: number): boolean {
    if (kind === QUEUE) {
      if (!s.empty()) {
        taken = s.getSync();
        return true;
      }
      if (s.closed()) {
        const e: any = new QueueClosed('select: sources[' + i + '] is closed');
        e.index = i;
        throw e;
      }
      return false;
    }
    if (!s.isSet()) return false;
    if (kind === FLAG) s.clear(); // consumed, as its wait() would
    taken = kind === MESSAGE ? s.value() : undefined;
    return true;
  }

  /** Scans sources 0 .. end-1 in index order and takes from the first that is ready; its index, or -1. */
  function scan(sources: any[], kinds: number[], end: number): number {
    for (let i = 0; i < end; i++) if (take(sources[i], kinds[i], i)) return i;
    return -1;
  }

  /** Settles `p` (once): drops every registration, then resolves with `index`/`value` or rejects with `err`. */
  function finish(p: Pending, index: number, value: unknown, err: unknown): void {
    if (p.done) return;
    p.done = true;
    if (p.signal !== undefined) p.signal.removeEventListener('abort', p as any);
    if (p.timer !== undefined) clearTimeout(p.timer);
    p.signal = p.timer = undefined;
    p.ac.abort(); // every wait registered on a source unlinks itself now: nothing stays registered
    if (index >= 0) p.resolve({ index: index, value: value });
    else p.reject(err);
  }

  /** Registers one non-taking wait on source `i` (a flag's wait takes its set: see wake()). */
  function register(p: Pending, i: number): void {
    const s = p.sources[i];
    const o = { signal: p.ac.signal };
    const w: Promise<unknown> = p.kinds[i] === QUEUE ? s.ready(o) : s.wait(o);
    w.then(
      function () {
        wake(p, i);
      },
      function (e) {
        if (!p.done) finish(p, -1, undefined, e); // FlagInUse, or another error of the source
      },
    );
  }

  /**
   * Source `i` woke the select. Takes from the lowest-indexed source that is ready now; a flag's
   * wait already consumed its set, so a flag that woke counts as ready, and gets its set back
   * (`set()` again) when another source is taken or the select has settled. When nothing is ready
   * any more (another consumer took the item first), waits on `i` again.
   */
  function wake(p: Pending, i: number): void {
    const flag = p.kinds[i] === FLAG;
    if (p.done) {
      if (flag) p.sources[i].set(); // not ours to keep
      return;
    }
    let k: number;
    try {
      k = scan(p.sources, p.kinds, flag ? i : p.sources.length); // below a flag that woke: it is ready, lower ones win
    } catch (e) {
      if (flag) p.sources[i].set();
      finish(p, -1, undefined, e);
      return;
    }
    if (flag && k < 0) {
      k = i;
      taken = undefined;
    } else if (flag) p.sources[i].set(); // a lower source won: give the set back
    if (k >= 0) {
      const v = taken;
      taken = undefined;
      finish(p, k, v, undefined);
    } else register(p, i);
  }

  /** The caller's signal aborted. */
  function onAbort(this: Pending): void {
    const signal = this.signal;
    const err: any = new AbortError('select: aborted');
    err.reason = signal === undefined ? undefined : signal.reason;
    finish(this, -1, undefined, err);
  }

  return function <T>(sources: ArrayLike<Selectable>, options?: WaitOptions): Promise<Selected<T>> {
    if (sources === null || typeof sources !== 'object' || typeof sources.length !== 'number' || sources.length < 1) {
      return Promise.reject(new TypeError('select: sources must be a non-empty array, got ' + describe(sources)));
    }
    const list: any[] = [];
    const kinds: number[] = [];
    try {
      for (let i = 0; i < sources.length; i++) {
        kinds.push(kindOf(sources[i], i));
        list.push(sources[i]);
      }
      const aborted = options === undefined ? null : begin(options, 'select');
      if (aborted !== null) return aborted;
    } catch (e) {
      return Promise.reject(e);
    }
    for (let i = 0; i < list.length; i++) {
      if (kinds[i] === FLAG && list[i].hasWaiters()) {
        return Promise.reject(new FlagInUse('select: another task waits on sources[' + i + ']'));
      }
    }
    let k: number;
    try {
      k = scan(list, kinds, list.length);
    } catch (e) {
      return Promise.reject(e);
    }
    if (k >= 0) {
      const v = taken;
      taken = undefined;
      return Promise.resolve({ index: k, value: v as T });
    }
    return new Promise<Selected<T>>(function (resolve, reject) {
      const p: Pending = {
        sources: list, kinds: kinds, resolve: resolve, reject: reject, ac: new AbortController(), done: false,
        signal: undefined, timer: undefined, handleEvent: onAbort,
      };
      if (options !== undefined) {
        if (options.signal !== undefined) {
          p.signal = options.signal;
          options.signal.addEventListener('abort', p as any);
        }
        if (options.timeout !== undefined) {
          const due = dueAt(options.timeout);
          const onTime = function (): void {
            const left = early(due);
            if (left > 0) p.timer = setTimeout(onTime, left); // Kaluma fired it early
            else {
              p.timer = undefined;
              finish(p, -1, undefined, new TimeoutError('select: timed out'));
            }
          };
          p.timer = setTimeout(onTime, options.timeout);
        }
      }
      for (let i = 0; i < list.length && !p.done; i++) register(p, i);
    });
  };
}
