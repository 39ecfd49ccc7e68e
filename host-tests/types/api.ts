// Type tests of the public API, checked by `tsc -p host-tests/types` in `npm test` against
// the shipped dist/threadsafe.d.ts: every line under `// @ts-expect-error` must fail to
// compile (tsc reports an unused directive otherwise), every other line must compile.
import {
  AbortController, AbortError, AbortSignal, ErrorClass, FlagInUse, QueueBuffer, QueueClosed, QueueEmpty, QueueFull,
  ThreadSafeEvent, ThreadSafeFlag, ThreadSafeQueue, TimeoutError, WaitOptions, AbortSignalLike,
} from '../../dist/threadsafe';

// --- ThreadSafeQueue: the item type follows the buffer --------------------------------------
const ints = new ThreadSafeQueue(new Int16Array(8));
ints.putSync(1);
ints.putSync(1, false);
const n: number = ints.getSync();
// @ts-expect-error a number (TypedArray) queue refuses a string
ints.putSync('x');
// @ts-expect-error ... in put() too
ints.put('x');
// @ts-expect-error getSync() of a number queue gives a number
const s: string = ints.getSync();
// @ts-expect-error block is a boolean
ints.putSync(1, 'yes');
// @ts-expect-error block is a boolean
ints.getSync(1);
// @ts-expect-error putSync returns nothing
const r: boolean = ints.putSync(2);

// batching: ready() takes nothing and resolves void; getManySync fills a buffer of the item type
const readied: Promise<void> = ints.ready();
ints.ready({ timeout: 10 });
const taken: number = ints.getManySync(new Int16Array(16));
ints.getManySync(new Array<number>(4), 2);
// @ts-expect-error ready() resolves with no item
const notItem: Promise<number> = ints.ready();
// @ts-expect-error a number queue cannot fill a string buffer
ints.getManySync(new Array<string>(4));
// @ts-expect-error max is a number
ints.getManySync(new Int16Array(4), '2');
// @ts-expect-error getManySync needs a buffer
ints.getManySync();
void readied; void taken; void notItem;

const big = new ThreadSafeQueue(new BigInt64Array(4));
big.putSync(5n);
// @ts-expect-error a BigInt64Array queue takes bigints, not numbers
big.putSync(5);

const strings = new ThreadSafeQueue<string>(new Array<string>(5));
strings.putSync('a');
// @ts-expect-error a string queue refuses numbers
strings.putSync(1);
// @ts-expect-error a TypedArray cannot be the buffer of a string queue
new ThreadSafeQueue<string>(new Int8Array(4));
// @ts-expect-error micropython-async's integer form is not supported: pass a buffer
new ThreadSafeQueue(10);
// @ts-expect-error a DataView is not a buffer of items
new ThreadSafeQueue(new DataView(new ArrayBuffer(8)));
// @ts-expect-error a buffer is required
new ThreadSafeQueue();
// @ts-expect-error a string has a length and indexes but is not a buffer (it throws a TypeError at run time)
new ThreadSafeQueue('abcdef');

const buf: QueueBuffer<number> = new Uint8Array(4);
const fromBuffer: ThreadSafeQueue<number> = new ThreadSafeQueue(buf);

// queries
const counts: [number, boolean, boolean, number, boolean] = [ints.qsize(), ints.empty(), ints.full(), ints.maxsize(), ints.closed()];

// --- async iteration ----------------------------------------------------------------------
async function consume(q: ThreadSafeQueue<number>): Promise<number> {
  let sum = 0;
  for await (const x of q) {
    const y: number = x;
    // @ts-expect-error items of a number queue are numbers
    const z: string = x;
    sum += y;
  }
  return sum;
}
const iterable: AsyncIterable<number> = ints;
const iterator: AsyncIterator<number> = ints[Symbol.asyncIterator]();
// @ts-expect-error a number queue is not an AsyncIterable of strings
const wrongIterable: AsyncIterable<string> = ints;

async function byHand(q: ThreadSafeQueue<number>): Promise<void> {
  const step: Promise<IteratorResult<number>> = q.next();
  const result = await step;
  if (!result.done) {
    const v: number = result.value;
    // @ts-expect-error the value of a number queue's step is a number
    const w: string = result.value;
  }
  const item: Promise<number> = q.get();
  const put: Promise<void> = q.put(1);
}

// --- wait options ---------------------------------------------------------------------------
const evt = new ThreadSafeEvent();
const flag = new ThreadSafeFlag();
const controller = new AbortController();
const waited: Promise<void> = evt.wait();
evt.wait({ timeout: 10 });
evt.wait({ signal: controller.signal });
evt.wait({ signal: controller.signal, timeout: 0 });
flag.wait({ timeout: 5 });
ints.get({ signal: controller.signal, timeout: 100 });
ints.put(3, { timeout: 100 });
const options: WaitOptions = { timeout: 1 };
evt.wait(options);
// @ts-expect-error timeout is a number of milliseconds
evt.wait({ timeout: '10' });
// @ts-expect-error signal is an AbortSignal, not a boolean
evt.wait({ signal: true });
// @ts-expect-error an object without aborted/addEventListener is not a signal
flag.wait({ signal: {} });
// @ts-expect-error unknown options are refused
evt.wait({ timeout: 10, retries: 3 });
// @ts-expect-error options are an object
ints.get(100);
// @ts-expect-error next() takes no options: cancel with get({ signal }) instead
ints.next({ timeout: 5 });

// any object with the standard AbortSignal's shape is accepted (Node's, or the library's)
const like: AbortSignalLike = controller.signal;
const custom: AbortSignalLike = {
  aborted: false,
  addEventListener(_type: 'abort', _listener: { handleEvent(event: unknown): void }) {},
  removeEventListener(_type: 'abort', _listener: { handleEvent(event: unknown): void }) {},
};
evt.wait({ signal: custom });
const signal: AbortSignal = controller.signal;
const aborted: boolean = signal.aborted;
controller.abort();
controller.abort('why');
// @ts-expect-error the controller's signal is read-only
controller.signal = new AbortController().signal;

// --- ThreadSafeEvent / ThreadSafeFlag -------------------------------------------------------
const isSet: boolean = evt.isSet() && flag.isSet();
evt.set();
evt.clear();
flag.set();
flag.clear();
// @ts-expect-error set() takes no payload (use a ThreadSafeQueue for data)
evt.set('data');
// @ts-expect-error wait() resolves with nothing
const got: Promise<number> = flag.wait();

// --- errors: constructible, instanceof narrows ----------------------------------------------
const errors: Error[] = [
  new QueueFull('full'), new QueueEmpty(), new QueueClosed('closed'), new AbortError('a'), new TimeoutError('t'), new FlagInUse('f'),
];
const ctor: ErrorClass<QueueFull> = QueueFull;
const reason: unknown = new AbortError('x').reason;
// @ts-expect-error the message is a string
new QueueFull(42);

function handle(e: unknown): string {
  // @ts-expect-error before narrowing, e is unknown
  e.message;
  if (e instanceof QueueFull) return 'full: ' + e.message;
  if (e instanceof AbortError) return 'aborted because ' + String(e.reason);
  if (e instanceof QueueEmpty || e instanceof QueueClosed || e instanceof TimeoutError || e instanceof FlagInUse) return e.name;
  return 'other';
}

export { byHand, consume, counts, errors, fromBuffer, got, handle, isSet, iterable, iterator, like, n, options, r, reason, s, waited, wrongIterable, aborted, ctor };

// putManySync: items of the queue's type, an optional start and count, returns how many were put
const put: number = ints.putManySync([1, 2, 3]);
ints.putManySync(new Int16Array(4), 1, 2);
// @ts-expect-error a number queue takes no strings
ints.putManySync(['a']);
// @ts-expect-error start is a number
ints.putManySync([1], '0');
// @ts-expect-error putManySync needs items
ints.putManySync();
void put;
