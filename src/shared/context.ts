/**
 * Context: run functions in a worker thread and await their results (micropython-async's
 * `threadsafe.Context`), over the library's own shared-memory queues.
 */
import { serialize, deserialize } from 'node:v8';
import { URL } from 'node:url';
import { Worker, workerData } from 'node:worker_threads';
import { construct } from '../args';
import { AbortError, QueueClosed, TimeoutError } from '../errors';
import { begin, describe, WaitOptions } from '../waiters';
import { ClosedError } from './errors';
import { ThreadSafeQueue, SharedQueueHandle } from './queue';

/** A WHATWG URL (`new URL('./jobs.mjs', import.meta.url)`): the part the types need. */
export interface URLLike {
  readonly href: string;
}

/** The part of the `worker_threads` Worker a Context exposes as `ctx.worker`. */
export interface ContextWorker {
  readonly threadId: number;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

/** Options of `new Context(file, options)`. */
export interface ContextOptions {
  /** Slots of each of the two queues (jobs in, results out; 32-bit words), 16 … 2^20; default 4096. */
  slots?: number;
}

/** The rejection of a job cancelled by `signal`/`timeout`: `started` tells whether the worker had begun it. */
export interface CancelledJob {
  started?: boolean;
}

/** What `serve()` reads from `workerData` (set by `new Context`). */
interface ContextHandle {
  jobs: SharedQueueHandle;
  results: SharedQueueHandle;
  state: SharedArrayBuffer;
}

/** The workerData key a Context passes its queues under. */
const KEY = 'threadsafeContext';
/** Job states (Int32Array of STATES words, slot = id % STATES): id+1 queued, -(id+1) started, 0 cancelled. */
const STATES = 1024;
/** The payload of the answer to a job the worker skipped (status 2). */
const SKIPPED = new Uint8Array(0);
/** Job ids wrap below 2^30 (id+1 and -(id+1) stay int32). */
const ID_MASK = 0x3fffffff;

/** One job of the main thread: its promise's settlers, its frame until posted, its cancellation. */
interface Job {
  id: number;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  frame: Uint32Array | null;
  signal: WaitOptions['signal'] | undefined;
  timer: any;
  handleEvent: () => void;
}

/** `bytes` as a frame: the header words, then the bytes packed 4 to a word. */
function frameOf(head: number[], bytes: Uint8Array): Uint32Array {
  const words = (bytes.length + 3) >> 2;
  const f = new Uint32Array(head.length + 1 + words);
  for (let i = 0; i < head.length; i++) f[i] = head[i];
  f[head.length] = bytes.length;
  new Uint8Array(f.buffer, (head.length + 1) * 4, bytes.length).set(bytes);
  return f;
}

/** The bytes of a frame's payload of `n` bytes read word by word with `next()`. */
function readBytes(n: number, next: () => number): Uint8Array {
  const w = new Uint32Array((n + 3) >> 2);
  for (let i = 0; i < w.length; i++) w[i] = next();
  return new Uint8Array(w.buffer, 0, n);
}

/**
 * A worker thread that runs named jobs for this thread: `await ctx.run(name, ...args)` resolves
 * with what the worker's function returned (awaited, if it is a promise) or rejects with what it
 * threw. The worker file calls `serve({ name: fn, ... })`. Jobs run one at a time, in the order
 * they were posted; a blocking function (a long computation, `Atomics.wait`, a sync file read)
 * blocks only the worker.
 *
 * - Transport: jobs and results travel through two of the library's shared-memory queues
 *   (`threadsafe/shared` ThreadSafeQueue, 'uint32'), as length-prefixed frames of structured-clone
 *   bytes (`node:v8` serialize): arguments and results may be anything `postMessage` could send
 *   (numbers, strings, objects, Maps, typed arrays, Errors), but not functions. An argument that
 *   cannot be cloned rejects `run()` with the DataCloneError; a result that cannot, rejects it too.
 * - Cancellation: `runWith({ signal, timeout }, name, ...args)`. A job not yet started is
 *   withdrawn: the worker skips it, and the promise rejects with AbortError/TimeoutError,
 *   `started: false`. A job already running cannot be stopped (a thread running JavaScript is
 *   not interruptible short of `terminate()`): the promise rejects at once with `started: true`,
 *   the job runs to its end, its result is discarded, and later jobs wait for it.
 * - `close()` ends the worker after the jobs already posted; `terminate()` at once (in-flight
 *   jobs reject with ClosedError). A worker that exits or crashes rejects every job in flight
 *   with ClosedError (its error as `cause`).
 * - Contexts: construct and call on the thread that made the Context (the main thread or any
 *   worker). Allocates per job: the frame, a promise, the job record; the queues are made once.
 * - While no job is in flight the worker does not keep the process alive (it is unref'd).
 *
 * ```js
 * // main.mjs
 * const ctx = new Context(new URL('./jobs.mjs', import.meta.url));
 * console.log(await ctx.run('fib', 30)); // 832040, computed in the worker
 * await ctx.close();
 * // jobs.mjs
 * import { serve } from 'threadsafe/shared';
 * serve({ fib: function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } });
 * ```
 */
export class Context {
  /** The worker (for `threadId`, its events; end it with `close()`/`terminate()`). */
  readonly worker: ContextWorker;
  private _worker: Worker;
  private _jobs: ThreadSafeQueue;
  private _results: ThreadSafeQueue;
  private _state: Int32Array;
  private _next: number;
  /** Jobs whose result frame is still to come (cancelled-but-started ones too), by id. */
  private _inflight: Map<number, Job | null>;
  /** Jobs waiting to be written into the jobs queue, oldest first. */
  private _backlog: Job[];
  private _pumping: boolean;
  private _reading: boolean;
  private _closing: boolean;
  private _exited: Promise<number>;
  private _exitCode: number | null;
  private _error: unknown;

  /**
   * Starts the worker `file` (a path or URL; it must call `serve()`) with two queues of
   * `options.slots` words. Throws a TypeError/RangeError naming a bad argument.
   */
  constructor(file: string | URLLike, options?: ContextOptions) {
    construct(this, Context, arguments.length, 2, 'Context');
    if (typeof file !== 'string' && !(file instanceof URL)) throw new TypeError('Context: file must be a path or a URL of a worker file that calls serve(), got ' + describe(file));
    let slots = 4096;
    if (options !== undefined) {
      if (options === null || typeof options !== 'object') throw new TypeError('Context: options must be an object like { slots }, got ' + describe(options));
      for (const k in options) if (k !== 'slots') throw new TypeError('Context: unknown option "' + k + '" (the options are slots)');
      if (options.slots !== undefined) {
        slots = options.slots;
        if (typeof slots !== 'number') throw new TypeError('Context: options.slots must be a number, got ' + describe(slots));
        if (!Number.isInteger(slots) || slots < 16 || slots > 1 << 20) throw new RangeError('Context: options.slots must be an integer from 16 to 1048576, got ' + slots);
      }
    }
    this._jobs = new ThreadSafeQueue(slots, 'uint32');
    this._results = new ThreadSafeQueue(slots, 'uint32');
    const state = new SharedArrayBuffer(STATES * 4);
    this._state = new Int32Array(state);
    this._next = 0;
    this._inflight = new Map();
    this._backlog = [];
    this._pumping = this._reading = this._closing = false;
    this._exitCode = null;
    this._error = undefined;
    const handle: ContextHandle = { jobs: this._jobs.share(), results: this._results.share(), state: state };
    const worker = new Worker(file as string | URL, { workerData: { [KEY]: handle } });
    this.worker = this._worker = worker;
    worker.unref(); // nothing in flight yet
    worker.on('error', (e) => {
      this._error = e;
    });
    this._exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this._exitCode = code;
        this._jobs.close();
        this._results.close(); // the reader wakes with QueueClosed and rejects what is left
        if (!this._reading) this._failAll();
        resolve(code);
      });
    });
  }

  /** Runs the worker's function `name` with `args`; resolves with its result, rejects with what it threw. */
  run(name: string, ...args: unknown[]): Promise<unknown> {
    return this._post(undefined, name, args);
  }

  /**
   * As `run()`, cancelled by `options.signal` or after `options.timeout` ms: AbortError/TimeoutError
   * with `started` false (withdrawn, it will not run) or true (it runs on; its result is discarded).
   */
  runWith(options: WaitOptions, name: string, ...args: unknown[]): Promise<unknown> {
    // As every waiting method: bad options throw, an already-aborted signal rejects first
    // (started false: nothing is posted), before the name or the context is looked at
    const aborted = options === undefined ? null : begin(options, 'Context.runWith');
    if (aborted !== null) {
      return aborted.catch((e) => {
        e.started = false;
        throw e;
      });
    }
    return this._post(options, name, args);
  }

  /** Jobs posted and not yet settled (cancelled jobs that still run count until they end). */
  pending(): number {
    return this._inflight.size + this._backlog.length;
  }

  /**
   * Lets the jobs already posted finish, then ends the worker (`serve()` returns); resolves with
   * its exit code. Later `run()`s reject with QueueClosed. The worker file must not keep the
   * worker alive after `serve()` returns (an open timer would); else use `terminate()`.
   */
  close(): Promise<number> {
    this._closing = true;
    if (!this._pumping && this._backlog.length === 0) this._jobs.close();
    if (this._inflight.size + this._backlog.length > 0) this._worker.ref();
    return this._exited;
  }

  /** Ends the worker at once; jobs in flight reject with ClosedError. Resolves with the exit code. */
  terminate(): Promise<number> {
    this._closing = true;
    this._worker.terminate();
    return this._exited;
  }

  private _post(options: WaitOptions | undefined, name: string, args: unknown[]): Promise<unknown> {
    if (typeof name !== 'string') return Promise.reject(new TypeError('Context.run: name must be the string name of a function the worker serves, got ' + describe(name)));
    if (this._closing || this._exitCode !== null) return Promise.reject(new QueueClosed('Context.run: the context is closed'));
    let bytes: Uint8Array;
    try {
      bytes = serialize([name, args]);
    } catch (e) {
      return Promise.reject(e); // an argument that cannot be cloned (a function, a symbol)
    }
    const id = this._next;
    this._next = (id + 1) & ID_MASK;
    const self = this;
    let job!: Job;
    const promise = new Promise<unknown>((resolve, reject) => {
      job = { id, resolve, reject, frame: frameOf([id], bytes), signal: undefined, timer: undefined, handleEvent: () => self._cancel(job, null) };
    });
    if (options !== undefined) {
      if (options.signal !== undefined) {
        job.signal = options.signal;
        options.signal.addEventListener('abort', job);
      }
      if (options.timeout !== undefined) job.timer = setTimeout(() => self._cancel(job, new TimeoutError('Context.run: the job "' + name + '" did not finish within ' + options.timeout + ' ms')), options.timeout);
    }
    this._backlog.push(job);
    this._worker.ref();
    this._pump();
    return promise;
  }

  /** Withdraws a job not yet started, or abandons a running one; rejects its promise either way. */
  private _cancel(job: Job, err: Error | null): void {
    if (job.resolve === null) return;
    const e: any = err !== null ? err : new AbortError('Context.run: the job was aborted');
    if (err === null && job.signal) e.reason = job.signal.reason;
    const i = this._backlog.indexOf(job);
    if (i >= 0) {
      this._backlog.splice(i, 1); // never posted
      e.started = false;
    } else if (Atomics.compareExchange(this._state, job.id % STATES, job.id + 1, 0) === job.id + 1) {
      e.started = false; // posted, not started: the worker skips it and says so with an empty frame
      this._inflight.set(job.id, null);
    } else {
      e.started = true; // running: its result comes and is dropped
      this._inflight.set(job.id, null);
    }
    this._settle(job, false, e);
    this._idle();
  }

  private _settle(job: Job, ok: boolean, value: unknown): void {
    const resolve = job.resolve;
    const reject = job.reject;
    (job as any).resolve = (job as any).reject = null;
    if (job.signal !== undefined) job.signal.removeEventListener('abort', job);
    if (job.timer !== undefined) clearTimeout(job.timer);
    job.signal = job.timer = undefined;
    if (resolve === null) return;
    if (ok) resolve(value);
    else reject(value);
  }

  /** Nothing in flight: the worker no longer keeps the process alive; a closing context closes its queue. */
  private _idle(): void {
    if (this._closing && !this._pumping && this._backlog.length === 0) this._jobs.close(); // never in the middle of a frame
    if (this._inflight.size === 0 && this._backlog.length === 0 && !this._closing) this._worker.unref();
  }

  /** Writes the backlog's frames into the jobs queue, one whole frame after another. */
  private async _pump(): Promise<void> {
    if (this._pumping) return;
    this._pumping = true;
    const q = this._jobs;
    try {
      // At most STATES jobs posted and not answered: their state words (id % STATES) never collide.
      while (this._backlog.length > 0 && this._inflight.size < STATES) {
        const job = this._backlog[0];
        const f = job.frame as Uint32Array;
        // once the first word is in, the frame is the worker's: it is no longer in the backlog
        this._backlog.shift();
        this._inflight.set(job.id, job);
        job.frame = null;
        Atomics.store(this._state, job.id % STATES, job.id + 1); // queued, before the worker can see its frame
        this._read();
        for (let i = 0; i < f.length; i++) {
          if (q.full()) await q.put(f[i]);
          else q.putSync(f[i]);
        }
      }
    } catch (e) {
      // the queue was closed under us: the worker is gone; the exit handler rejects what is left
    } finally {
      this._pumping = false;
      this._idle();
    }
  }

  /** Reads result frames ([id, status, bytes, words...]) while any is to come. */
  private async _read(): Promise<void> {
    if (this._reading) return;
    this._reading = true;
    const q = this._results;
    try {
      while (this._inflight.size > 0) {
        // each word: at once while the queue holds some, else one wait (the worker writes a frame word by word)
        const id = q.empty() ? await q.get() : q.getSync();
        const status = q.empty() ? await q.get() : q.getSync();
        const n = q.empty() ? await q.get() : q.getSync();
        const w = new Uint32Array((n + 3) >> 2);
        for (let i = 0; i < w.length; i++) w[i] = q.empty() ? await q.get() : q.getSync();
        const job = this._inflight.get(id);
        this._inflight.delete(id);
        if (this._backlog.length > 0) this._pump(); // a state word came free
        if (job === undefined || job === null) continue; // a cancelled job (skipped, or run on): dropped
        let value: unknown;
        let ok = status === 0;
        try {
          value = deserialize(new Uint8Array(w.buffer, 0, n));
        } catch (e) {
          ok = false;
          value = e;
        }
        this._settle(job, ok, value);
      }
    } catch (e) {
      this._failAll(); // QueueClosed: the worker exited
    } finally {
      this._reading = false;
      this._idle();
    }
  }

  /** The worker is gone: every job in flight or waiting rejects with ClosedError. */
  private _failAll(): void {
    const err: any = new ClosedError('Context: the worker exited' + (this._exitCode !== null ? ' with code ' + this._exitCode : '') + ' before the job finished');
    if (this._error !== undefined) err.cause = this._error;
    const self = this;
    this._inflight.forEach(function (job) {
      if (job !== null) self._settle(job, false, err);
    });
    for (let i = 0; i < this._backlog.length; i++) this._settle(this._backlog[i], false, err);
    this._inflight.clear();
    this._backlog.length = 0;
  }
}

/**
 * The worker's side of a Context: runs the jobs its creator posts, one at a time, with the
 * functions of `handlers` (own properties only), until the Context is closed; resolves then.
 * Call it once, in the worker file `new Context(file)` started. Blocks the worker's thread while
 * it waits for a job (Atomics.wait), so that worker should do nothing else; an async function's
 * promise is awaited before the next job. A name it does not serve rejects that job with a TypeError.
 */
export async function serve(handlers: { [name: string]: (...args: any[]) => unknown }): Promise<void> {
  const h: ContextHandle | undefined = workerData !== null && typeof workerData === 'object' ? workerData[KEY] : undefined;
  if (h === undefined) throw new TypeError('serve: not in a worker started by new Context(file)');
  if (handlers === null || typeof handlers !== 'object') throw new TypeError('serve: handlers must be an object of functions { name: fn }, got ' + describe(handlers));
  const jobs = ThreadSafeQueue.from(h.jobs);
  const results = ThreadSafeQueue.from(h.results);
  const state = new Int32Array(h.state);
  const next = () => jobs.getSync(true);
  for (;;) {
    let id: number;
    try {
      id = jobs.getSync(true); // sleeps until a job comes
    } catch (e) {
      if (e instanceof QueueClosed) return; // closed and drained: done
      throw e;
    }
    const bytes = readBytes(next(), next);
    // started, unless the creator withdrew it meanwhile (it has rejected it already): then an empty answer
    const started = Atomics.compareExchange(state, id % STATES, id + 1, -(id + 1)) === id + 1;
    const f = started ? await answer(handlers, id, bytes) : frameOf([id, 2], SKIPPED);
    try {
      for (let i = 0; i < f.length; i++) results.putSync(f[i], true);
    } catch (e) {
      if (e instanceof QueueClosed) return; // the creator is gone
      throw e;
    }
  }
}

/** Runs one job and returns its answer frame: [id, 0 and the result | 1 and what it threw]. */
async function answer(handlers: { [name: string]: (...args: any[]) => unknown }, id: number, bytes: Uint8Array): Promise<Uint32Array> {
  let ok = true;
  let value: unknown;
  try {
    const job = deserialize(bytes);
    const name = job[0];
    const fn = Object.prototype.hasOwnProperty.call(handlers, name) ? handlers[name] : undefined;
    if (typeof fn !== 'function') throw new TypeError('Context.run: the worker serves no function named "' + name + '"');
    value = fn.apply(handlers, job[1]);
    if (value !== null && typeof value === 'object' && typeof (value as any).then === 'function') value = await value;
  } catch (e) {
    ok = false;
    value = e;
  }
  let out: Uint8Array;
  try {
    out = serialize(value);
  } catch (e) {
    ok = false; // a result (or a thrown value) that cannot be cloned: that error instead
    try {
      out = serialize(e);
    } catch (e2) {
      out = serialize(new Error(String(e)));
    }
  }
  return frameOf([id, ok ? 0 : 1], out);
}
