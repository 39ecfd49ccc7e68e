// What the Espruino acceptance programs must print, and the recipes of the docs they run: shared
// by the tier on the Linux build (espruino.test.mjs) and the one on the RP2040 port
// (../espruino-rp2040/), which run the same programs and expect the same lines.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const here = new URL('./', import.meta.url).pathname;
export const read = (file) => readFileSync(join(root, file), 'utf8');
/** The pages a recipe may live on: README.md and every docs/*.md, as [{ file, text }]. */
export const pages = () => ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => 'docs/' + f)]
  .map((file) => ({ file, text: read(file) }));
/** Every page's text, one after another: where the recipes are looked for. */
export const allDocs = () => pages().map((p) => p.text).join('\n');

/** dist/threadsafe.js + the prelude + host-tests/espruino/<name>.js. */
export const program = (name, bundle = 'dist/threadsafe.js') => read(bundle) + '\n' + readFileSync(join(here, 'prelude.js'), 'utf8') + '\n' + readFileSync(join(here, name + '.js'), 'utf8');
export const MINIFIED = ['flag', 'event', 'queue', 'typed', 'abort', 'errors'];
/** Every acceptance program of this folder. */
export const PROGRAMS = ['flag', 'event', 'queue', 'typed', 'abort', 'errors', 'uncaught'];

// ---- what each program must print ----

export const EXPECTED = {
  flag: [
    'new: isSet false hasWaiters false onwait null',
    'set with nobody waiting: isSet true',
    'wait on a set flag: resolved undefined, isSet false',
    'set then clear: isSet false',
    'wait with timeout 30 and no set: rejected TimeoutError, hasWaiters false',
    'waiting: hasWaiters true onwait calls 1',
    'second concurrent wait: rejected FlagInUse',
    'woken by two sets from a timer: isSet true hasWaiters false',
    'the second set was kept for the next wait: next wait resolved undefined',
    'FlagInUse: true true FlagInUse FlagInUse: ThreadSafeFlag.wait: another task is already waiting (use ThreadSafeEvent for several)',
    'aborted wait: true true AbortError AbortError: the wait was aborted, reason stop, hasWaiters false',
    'wait with an already aborted signal: rejected AbortError, the set is kept: isSet true',
    'timeout -1: true false RangeError RangeError: ThreadSafeFlag.wait: options.timeout must be a finite number >= 0, got -1',
    'options 5: true false undefined TypeError: ThreadSafeFlag.wait: options must be an object like { signal, timeout }, got 5',
    'signal {}: true ThreadSafeFlag.wait: options.signal must be an AbortSignal, got an object',
    'DONE',
  ],
  event: [
    'new: isSet false hasWaiters false onwait null',
    'three waiting: hasWaiters true onwait calls 3',
    'set from a timer woke a,b,c; isSet true hasWaiters false',
    'wait on a set event: resolved undefined',
    'clear: isSet false',
    'set then clear at once: the waiter still woke true, isSet false',
    'after abort and timeout: hasWaiters true',
    'cancelled true true AbortError AbortError: the wait was aborted reason AbortError: signal is aborted without reason',
    'timed out true true TimeoutError TimeoutError: the wait timed out',
    'kept woke',
    'already aborted signal on a set event: AbortError reason 7',
    'timeout 2^31: true false RangeError RangeError: ThreadSafeEvent.wait: options.timeout must be at most 2147483647 ms, got 2147483648',
    'timeout "5": true ThreadSafeEvent.wait: options.timeout must be a number of milliseconds, got the string "5"',
    'DONE',
  ],
  queue: [
    'new on Array(4): maxsize 3 qsize 0 empty true full false closed false hasWaiters false onwait null',
    'no Symbol here: typeof Symbol undefined',
    'three putSync: qsize 3 full true empty false',
    'putSync on a full queue: true true QueueFull QueueFull: ThreadSafeQueue.putSync: the queue is full (capacity 3); qsize 3',
    'getSync a, then put on the freed slot: resolved undefined, qsize 3',
    'put on a full queue waits: qsize 3',
    'getSync from a timer: b',
    'the waiting put went in: qsize 3 full true',
    'getSync x3: c,d,e empty true',
    'getSync on an empty queue: true true QueueEmpty QueueEmpty: ThreadSafeQueue.getSync: the queue is empty',
    'get on an empty queue waits: hasWaiters true onwait calls 1',
    'get resolved with from timer; hasWaiters false qsize 0',
    'next on an empty queue waits: onwait calls 2',
    'next resolved with value 42 done false',
    'next on a queue with an item: value ready done false',
    'get with timeout 20: rejected TimeoutError; hasWaiters false',
    'the timed-out get took nothing: getSync after timeout',
    'get aborted: rejected AbortError; hasWaiters false',
    'put on a full queue aborted: rejected AbortError; items 1,2,3 empty true',
    'put with timeout 0 on a free slot: resolved undefined; getSync 9',
    'putSync block=true: true ThreadSafeQueue.putSync: block=true needs a second thread (u',
    'getSync block=true: true ThreadSafeQueue.getSync: block=true needs a second thread (u',
    'putSync block="yes": true ThreadSafeQueue.putSync: block must be a boolean, got the string "yes"',
    'putSync block=false works: true getSync(false) 5',
    'new ThreadSafeQueue(bad): true ThreadSafeQueue: buf must be an Array or a TypedArray, got the string "abc"',
    'new ThreadSafeQueue(bad): true ThreadSafeQueue: buf must be an Array or a TypedArray, got an object',
    'new ThreadSafeQueue(bad): true ThreadSafeQueue: buf must be an Array or a TypedArray, got an object',
    'new ThreadSafeQueue(bad): true ThreadSafeQueue: buf must be an Array or a TypedArray, got undefined',
    'new ThreadSafeQueue(bad): true ThreadSafeQueue: buf must be an Array or a TypedArray, got null',
    'new ThreadSafeQueue([0]): true false RangeError RangeError: ThreadSafeQueue: buf must have at least 2 slots (N slots hold N-1 items), got 1',
    'closed: closed true qsize 2',
    'putSync after close: true true QueueClosed QueueClosed: ThreadSafeQueue.putSync: the queue is closed',
    'the put waiting at close: rejected QueueClosed',
    'put after close: rejected QueueClosed',
    'drain after close: next x false, getSync y, empty true',
    'getSync on a closed empty queue: QueueClosed',
    'get on a closed empty queue: rejected QueueClosed',
    'next on a closed empty queue: value undefined done true',
    'a get waiting at close: rejected QueueClosed',
    'a next waiting at close: done true; hasWaiters false',
    'DONE',
  ],
  abort: [
    'typeof AbortController here: undefined',
    'new: signal instanceof AbortSignal true aborted false reason undefined onabort null',
    'throwIfAborted before abort: returned',
    'abort returned normally',
    'fn this=signal true type abort target=signal true',
    'handleEvent abort',
    'remover',
    'onabort abort',
    'after abort: aborted true reason why',
    'throwIfAborted after abort throws the reason: why',
    'second abort: listeners called 0, reason still why',
    'abort without a reason: true true AbortError AbortError: signal is aborted without reason',
    'listeners that throw: all ran 1,2,onabort; abort rethrew the first: first',
    'a wait on that signal: rejected AbortError; hasWaiters false',
    'DONE',
  ],
  errors: [
    'QueueFull: true true QueueFull QueueFull: went wrong | instanceof QueueEmpty false | message went wrong | concat QueueFull: went wrong | stack string',
    'QueueFull: default message QueueFull | without new true QueueFull: no new',
    'QueueEmpty: true true QueueEmpty QueueEmpty: went wrong | instanceof QueueClosed false | message went wrong | concat QueueEmpty: went wrong | stack string',
    'QueueEmpty: default message QueueEmpty | without new true QueueEmpty: no new',
    'QueueClosed: true true QueueClosed QueueClosed: went wrong | instanceof AbortError false | message went wrong | concat QueueClosed: went wrong | stack string',
    'QueueClosed: default message QueueClosed | without new true QueueClosed: no new',
    'AbortError: true true AbortError AbortError: went wrong | instanceof TimeoutError false | message went wrong | concat AbortError: went wrong | stack string',
    'AbortError: default message AbortError | without new true AbortError: no new',
    'TimeoutError: true true TimeoutError TimeoutError: went wrong | instanceof FlagInUse false | message went wrong | concat TimeoutError: went wrong | stack string',
    'TimeoutError: default message TimeoutError | without new true TimeoutError: no new',
    'FlagInUse: true true FlagInUse FlagInUse: went wrong | instanceof QueueFull false | message went wrong | concat FlagInUse: went wrong | stack string',
    'FlagInUse: default message FlagInUse | without new true FlagInUse: no new',
    'AbortError reason r',
    'DONE',
  ],
};

// [kind, a value it holds, one it would change]: as in typed.js.
export const KINDS = [
  ['Int8Array', -128, 128], ['Uint8Array', 255, -1], ['Uint8ClampedArray', 255, 256], ['Int16Array', -32768, 70000],
  ['Uint16Array', 65535, 65536], ['Int32Array', -2147483648, 2147483648], ['Uint32Array', 4294967295, -1],
  ['Float32Array', 0.5, 0.1], ['Float64Array', 0.1, NaN],
];
EXPECTED.typed = [
  'kinds: ' + KINDS.map((k) => k[0]).join(','),
  'typeof ArrayBuffer.isView undefined',
  ...KINDS.flatMap(([name, good, bad]) => [
    `${name}: maxsize 3, 3 putSync then QueueFull, got ${good},1,0`,
    `${name}: ring 0101010101; ${bad} -> RangeError true, TypeError true, block true; qsize 0 empty true`,
    `${name}: a waiting get resolved true hasWaiters false`,
    `${name}: put(${bad}) threw RangeError; after close next true false`,
    `${name}: drained: done true closed true`,
  ]),
  'Int16Array message: ThreadSafeQueue.putSync: item 70000 cannot be stored faithfully in a TypedArray (it would become 4464)',
  'Int16Array message: ThreadSafeQueue.putSync: item must be a number for a TypedArray buffer, got the string "x"',
  'Uint8Array(1): true false RangeError RangeError: ThreadSafeQueue: buf must have at least 2 slots (N slots hold N-1 items), got 1',
  'DONE',
];

// Uncaught library errors: the markers the program prints and the first line Espruino prints
// for each (the stack lines after it are left out).
EXPECTED.uncaught = [
  'throw QueueEmpty',
  'Uncaught QueueEmpty: ThreadSafeQueue.getSync: the queue is empty',
  'throw QueueFull',
  'Uncaught QueueFull: thrown from a timer',
  'throw RangeError',
  'Uncaught RangeError: ThreadSafeQueue: buf must have at least 2 slots (N slots hold N-1 items), got 1',
  'reject TimeoutError',
  'Uncaught Error: Unhandled promise rejection: TimeoutError: the wait timed out',
  'DONE',
];

// ---- the recipes of README.md and docs/*.md that run on Espruino, as written, each with a driver ----

export const RECIPES = [
  {
    name: 'Consume without for await',
    find: (readme) => [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('function consume(q)')),
    driver: `var q = new threadsafe.ThreadSafeQueue(new Array(4));
consume(q);
q.putSync(1);
setTimeout(function () { q.putSync(2); q.putSync(3); q.close(); }, 10);
setTimeout(function () { print('DONE'); quit(); }, 100);`,
    expected: ['item 1', 'item 2', 'item 3', 'closed', 'DONE'],
  },
  {
    name: 'Wait with a timeout',
    find: (readme) => (/`(evt\.wait\(\{ timeout: \d+ \}\)\.catch\([^`]*)`/.exec(readme) || [])[1],
    driver: (recipe) => `var evt = new threadsafe.ThreadSafeEvent();
(${recipe}).then(function () { print('the timeout was caught'); print('DONE'); quit(); });`,
    expected: ['the timeout was caught', 'DONE'],
  },
  {
    name: 'Count what the producer could not queue',
    find: (readme) => (/`(try \{ q\.putSync\(x\) \} catch \(e\) \{ dropped\+\+ \})`/.exec(readme) || [])[1],
    driver: (recipe) => `var q = new threadsafe.ThreadSafeQueue(new Uint8Array(3)), dropped = 0;
for (var x = 1; x <= 5; x++) { ${recipe} }
print('queued ' + q.qsize() + ' dropped ' + dropped);
setTimeout(function () { print('DONE'); quit(); }, 1);`,
    expected: ['queued 2 dropped 3', 'DONE'],
  },
  {
    name: 'Consume in batches',
    find: (readme) => [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('function drain(q)')),
    driver: `var q = new threadsafe.ThreadSafeQueue(new Array(8));
drain(q);
q.putSync(1);
q.putSync(2);
setTimeout(function () { q.putSync(3); q.close(); }, 10);
setTimeout(function () { print('DONE'); quit(); }, 100);`,
    expected: ['item 1', 'item 2', 'item 3', 'closed', 'DONE'],
  },
];

