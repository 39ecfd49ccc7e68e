// The Espruino tier: acceptance programs run on the real Espruino 2v29 interpreter (its Linux
// build, ../shared/espruino beside the clone, as in CI), not on a sandbox that imitates it.
// Each program is dist/threadsafe.js (the UMD bundle sets the global `threadsafe`) + prelude.js
// + one program of this folder, or a recipe of the docs (README.md, docs/*.md) + a driver, or the
// Espruino demo bundle. A
// program prints one line per check; each test compares them, in order, with its expected list.
// Where ../shared/espruino is absent (a user's clone) the tier prints why and registers nothing.
// Programs start in `before`, at most two at a time; each takes well under a second except the
// echo demo (about 2 s: 2000 items at 9 per 10 ms tick).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as acorn from 'acorn';

const root = new URL('../../', import.meta.url).pathname;
const here = new URL('./', import.meta.url).pathname;
const SHARED = join(root, '..', 'shared', 'espruino');
const RUNNER = join(SHARED, 'run-espruino.mjs');
const read = (file) => readFileSync(join(root, file), 'utf8');
/** The pages a recipe may live on: README.md and every docs/*.md, as [{ file, text }]. */
const pages = () => ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => 'docs/' + f)]
  .map((file) => ({ file, text: read(file) }));
/** Every page's text, one after another: where the recipes are looked for. */
const allDocs = () => pages().map((p) => p.text).join('\n');

// ---- running programs on Espruino, two at a time ----

const MAX_PARALLEL = 2;
let running = 0;
const waiting = [];
function limited(fn) {
  return new Promise((resolve) => {
    const go = () => {
      running++;
      fn().then(resolve).finally(() => {
        running--;
        if (waiting.length) waiting.shift()();
      });
    };
    if (running < MAX_PARALLEL) go();
    else waiting.push(go);
  });
}

const FIFO_FULL = 'New interpreter error: FIFO_FULL';
/** The lines for which run-espruino.mjs exits with 1 (see its header). */
const ERROR_LINE = /^(Uncaught |ERROR: |New interpreter error: |ASSERT|Execution Interrupted)/;

/** Runs `source` on Espruino until `until` is printed (or `ms` pass): { code, lines } (code as run-espruino.mjs). */
function espruino(source, { ms = 8000, until = 'DONE' } = {}) {
  return limited(() => new Promise((resolve) => {
    const dir = mkdtempSync(join(tmpdir(), 'threadsafe-espruino-'));
    const file = join(dir, 'program.js');
    writeFileSync(file, source);
    execFile(process.execPath, [RUNNER, file, '--ms', String(ms), '--until', until, '--quiet'], { encoding: 'utf8', timeout: ms + 5000 },
      (err, stdout) => {
        rmSync(dir, { recursive: true, force: true });
        let lines = stdout.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        let code = err ? err.code : 0;
        // "FIFO_FULL" is Espruino's own IO buffer of console characters overflowing (its
        // JSERR_RX_FIFO_FULL: "character data and watch events"), seen once in a CI-like run on
        // a loaded machine; these programs read no input and watch no pin, so it says nothing
        // about them. Dropped, and then the run's exit code counts only the other lines.
        if (lines.includes(FIFO_FULL)) {
          lines = lines.filter((l) => l !== FIFO_FULL);
          if (code === 1 && !lines.some((l) => ERROR_LINE.test(l))) code = 0;
        }
        resolve({ code, lines, source });
      });
  }));
}

/** dist/threadsafe.js + the prelude + host-tests/espruino/<name>.js. */
const program = (name, bundle = 'dist/threadsafe.js') => read(bundle) + '\n' + readFileSync(join(here, 'prelude.js'), 'utf8') + '\n' + readFileSync(join(here, name + '.js'), 'utf8');
const MINIFIED = ['flag', 'event', 'queue', 'typed', 'abort', 'errors'];

// ---- what each program must print ----

const EXPECTED = {
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
const KINDS = [
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

const RECIPES = [
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

// ---- the tier ----

const test = suite('Espruino 2v29 (the real interpreter, ../shared/espruino)');
const runs = {};

if (!existsSync(RUNNER)) {
  console.log(`  Espruino tier skipped: ${SHARED} is absent (the Espruino 2v29 Linux build and its runner sit beside the clone in CI)`);
} else {
  test.before(() => {
    for (const name of ['flag', 'event', 'queue', 'typed', 'abort', 'errors', 'uncaught']) runs[name] = espruino(program(name));
    for (const name of MINIFIED) runs[name + '.min'] = espruino(program(name, 'dist/threadsafe.min.js'));
    const readme = allDocs();
    for (const r of RECIPES) {
      const recipe = r.find(readme);
      runs[r.name] = recipe === undefined ? Promise.resolve(null)
        : espruino(read('dist/threadsafe.js') + '\n' + (typeof r.driver === 'function' ? r.driver(recipe) : recipe + '\n' + r.driver));
    }
    runs.echo = espruino(read('dist/espruino/echo.js'), { ms: 9000, until: 'Received 2000 queue items.' });
  });

  const accept = (title, name) => test(title, async () => {
    const { code, lines } = await runs[name];
    assert.equal(lines, EXPECTED[name]);
    assert.is(code, 0, 'run-espruino exit code (1: an uncaught error was printed)');
  });
  accept('ThreadSafeFlag: set/clear/wait/isSet/hasWaiters/onwait, FlagInUse, timeout, abort, bad options', 'flag');
  accept('ThreadSafeEvent: many waiters woken in order, set then clear, abort and timeout of one waiter, bad options', 'event');
  accept('ThreadSafeQueue on an Array: every method and query, waiting put/get/next, timeout, abort, block, bad buffers, close', 'queue');
  accept('ThreadSafeQueue on every TypedArray kind Espruino has (no ArrayBuffer.isView there): ring, faithful-value checks, close', 'typed');
  accept('AbortController/AbortSignal: listeners, handleEvent, onabort, throwIfAborted, abort twice, throwing listeners', 'abort');
  accept('error classes: instanceof, name, message, String(e), default message, called without new', 'errors');

  test('the minified bundle (dist/threadsafe.min.js) prints the same lines in the flag, event, queue, typed, abort and errors programs', async () => {
    for (const name of MINIFIED) {
      const { code, lines } = await runs[name + '.min'];
      assert.equal(lines, EXPECTED[name], name);
      assert.is(code, 0, name);
    }
  });

  test('library errors thrown uncaught print as "Uncaught Name: message" (not [object Object])', async () => {
    const { code, lines } = await runs.uncaught;
    assert.equal(lines.filter((l) => /^(Uncaught |throw |reject |DONE)/.test(l)), EXPECTED.uncaught);
    assert.is(code, 1, 'run-espruino reports the uncaught errors');
  });

  test('the recipes of README.md and docs/*.md run as written: ' + RECIPES.map((r) => r.name).join(', '), async () => {
    for (const r of RECIPES) {
      const run = await runs[r.name];
      assert.ok(run !== null, `neither README.md nor docs/*.md has the recipe "${r.name}" in the form this test runs any more`);
      assert.equal(run.lines, r.expected, r.name);
      assert.is(run.code, 0, r.name);
    }
  });

  test('every ES5 ```js block of README.md and docs/*.md is a recipe this tier runs', () => {
    const covered = RECIPES.map((r) => r.find(allDocs()));
    for (const { file, text } of pages()) {
      for (const m of text.matchAll(/```js\n([\s\S]*?)```/g)) {
        let es5 = true;
        try {
          acorn.parse(m[1], { ecmaVersion: 5 });
        } catch {
          es5 = false;
        }
        if (es5) assert.ok(covered.includes(m[1]), `${file}: a block not run on Espruino (add it to RECIPES):\n` + m[1]);
      }
    }
  });

  test('the Espruino echo demo (dist/espruino/echo.js): 2000 items through two queues, in order', async () => {
    const { code, lines } = await runs.echo;
    assert.equal(lines, ['Received 1000 queue items.', 'Received 2000 queue items.']);
    assert.is(code, 0);
  });
}

test.run();
