// The library's errors, and every argument check naming the bad argument.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILDS, throwsLike } from './helpers.mjs';

const ERROR_NAMES = ['QueueFull', 'QueueEmpty', 'QueueClosed', 'AbortError', 'TimeoutError', 'FlagInUse'];

for (const { name, lib } of BUILDS) {
  const { ThreadSafeQueue, ThreadSafeEvent, ThreadSafeFlag } = lib;

  const errors = suite(`errors: ${name}`);

  errors('each error class builds an Error with its name and message, told apart by instanceof', () => {
    for (const n of ERROR_NAMES) {
      const Cls = lib[n];
      const e = new Cls('boom');
      assert.ok(e instanceof Cls, n);
      assert.ok(e instanceof Error, `${n} instanceof Error`);
      assert.is(e.name, n);
      assert.is(e.message, 'boom');
      assert.is(String(e), `${n}: boom`);
      assert.is(e.constructor, Cls);
      for (const other of ERROR_NAMES) if (other !== n) assert.not.ok(e instanceof lib[other], `${n} is not ${other}`);
    }
  });

  errors('an error class called without new, or without a message, still builds a named error', () => {
    for (const n of ERROR_NAMES) {
      const e = lib[n]();
      assert.ok(e instanceof lib[n]);
      assert.is(e.message, n);
      assert.is(typeof e.stack, 'string');
    }
  });

  errors('on Node an error\'s stack is headed by its own name and message and starts at the caller, not inside the library', () => {
    const q = new ThreadSafeQueue(new Array(2));
    q.putSync(1);
    let err;
    try { q.putSync(2); } catch (e) { err = e; }
    const lines = err.stack.split('\n');
    assert.is(lines[0], 'QueueFull: ThreadSafeQueue.putSync: the queue is full (capacity 1)');
    assert.not.match(lines[1], /ThreadSafeError/);
    const made = new lib.TimeoutError('late');
    assert.is(made.stack.split('\n')[0], 'TimeoutError: late');
    assert.match(made.stack.split('\n')[1], /errors\.test\.mjs/);
  });

  errors('errors thrown by the queue are instanceof the exported classes and carry a message', () => {
    const q = new ThreadSafeQueue(new Array(2));
    try { q.getSync(); assert.unreachable(); } catch (e) {
      assert.ok(e instanceof lib.QueueEmpty);
      assert.ok(e instanceof Error);
      assert.ok(e.message.length > 10);
    }
    q.putSync(1);
    try { q.putSync(2); assert.unreachable(); } catch (e) {
      assert.ok(e instanceof lib.QueueFull);
      assert.not.ok(e instanceof lib.QueueEmpty);
    }
  });

  errors.run();

  const args = suite(`argument checks: ${name}`);

  args('new ThreadSafeQueue(buf) with fewer than 2 slots throws a RangeError naming buf', () => {
    throwsLike(() => new ThreadSafeQueue([]), RangeError, /buf must have at least 2 slots.*got 0/);
    throwsLike(() => new ThreadSafeQueue(new Array(1)), RangeError, /buf must have at least 2 slots.*got 1/);
    throwsLike(() => new ThreadSafeQueue(new Uint8Array(1)), RangeError, /buf/);
  });

  args('new ThreadSafeQueue(buf) with something other than an Array or TypedArray throws a TypeError naming buf', () => {
    const cases = [
      [10, /got 10/], // MicroPython's integer form (a maxsize) is not supported: allocate the buffer yourself
      ['abcdef', /got the string "abcdef"/],
      [undefined, /got undefined/],
      [null, /got null/],
      [{ length: 5 }, /got an object/],
      [new DataView(new ArrayBuffer(8)), /buf must be an Array or a TypedArray/],
      [{ length: 4, byteOffset: 0 }, /got an object/], // looks like a TypedArray, is not one
      [{ length: 4, byteOffset: 0, buffer: new ArrayBuffer(4) }, /got an object/],
      [new ArrayBuffer(8), /buf must be an Array or a TypedArray/],
    ];
    for (const [bad, re] of cases) {
      throwsLike(() => new ThreadSafeQueue(bad), TypeError, /ThreadSafeQueue: buf must be an Array or a TypedArray/);
      throwsLike(() => new ThreadSafeQueue(bad), TypeError, re);
    }
  });

  // Each public constructor of the core, with the arguments it takes.
  const constructors = [
    ['ThreadSafeFlag', () => [], 0],
    ['ThreadSafeEvent', () => [], 0],
    ['ThreadSafeQueue', () => [new Array(4), {}], 2],
    ['ThreadSafeMessage', () => [], 0],
    ['AbortController', () => [], 0],
  ];

  args('a constructor called without new throws a TypeError naming it, and writes nothing onto its this (a CommonJS module\'s exports)', () => {
    for (const [n, argsOf] of constructors) {
      const host = { [n]: lib[n] }; // T.ThreadSafeQueue(buf): `this` is the module object
      throwsLike(() => host[n](...argsOf()), TypeError, new RegExp(`^${n}: a constructor: call it with new$`));
      assert.equal(Object.keys(host), [n], `${n}() wrote nothing onto its this`);
      throwsLike(() => lib[n](...argsOf()), TypeError, new RegExp(`^${n}: a constructor`));
    }
  });

  args('a constructor given an argument it does not take throws a TypeError saying how many it takes (new ThreadSafeEvent(5), new ThreadSafeFlag(\'x\'))', () => {
    for (const [n, argsOf, most] of constructors) {
      throwsLike(() => new lib[n](...argsOf(), 'x'), TypeError, new RegExp(`^${n}: takes ${most} argument\\(s\\) at most, got ${most + 1}$`));
    }
    throwsLike(() => new ThreadSafeEvent(5), TypeError, /takes 0 argument/);
    throwsLike(() => new ThreadSafeFlag('x'), TypeError, /takes 0 argument/);
    throwsLike(() => new ThreadSafeQueue(new Array(4), {}, 10), TypeError, /takes 2 argument/);
  });

  args('a subclass of a primitive is constructed with new as usual', () => {
    class Named extends ThreadSafeQueue {
      constructor(buf) { super(buf); this.label = 'x'; }
    }
    const q = new Named(new Array(3));
    q.putSync(1);
    assert.is(q.getSync(), 1);
    assert.is(q.label, 'x');
  });

  args('putSync/getSync with a non-boolean block throw a TypeError naming block, and the queue is unchanged', () => {
    const q = new ThreadSafeQueue(new Array(3));
    q.putSync(1);
    for (const bad of [1, 'true', null, {}]) {
      throwsLike(() => q.putSync(2, bad), TypeError, /ThreadSafeQueue\.putSync: block must be a boolean/);
      throwsLike(() => q.getSync(bad), TypeError, /ThreadSafeQueue\.getSync: block must be a boolean/);
    }
    assert.is(q.qsize(), 1);
  });

  // every waiting method takes the same options
  const waits = [
    ['ThreadSafeFlag.wait', (o) => new ThreadSafeFlag().wait(o)],
    ['ThreadSafeEvent.wait', (o) => new ThreadSafeEvent().wait(o)],
    ['ThreadSafeQueue.get', (o) => new ThreadSafeQueue(new Array(2)).get(o)],
    ['ThreadSafeQueue.put', (o) => new ThreadSafeQueue(new Array(2)).put(1, o)],
  ];

  for (const [method, call] of waits) {
    const m = method.replace('.', '\\.');

    args(`${method}(options) with a non-object throws a TypeError naming options`, () => {
      for (const bad of [null, 5, 'fast', true, () => {}]) {
        throwsLike(() => call(bad), TypeError, new RegExp(`${m}: options must be an object`));
      }
    });

    args(`${method}({ signal }) with something that is not an AbortSignal throws a TypeError naming options.signal`, () => {
      const fakes = [null, 'abort', 1, {}, { aborted: 'no', addEventListener() {}, removeEventListener() {} }, { aborted: false }];
      for (const bad of fakes) {
        throwsLike(() => call({ signal: bad }), TypeError, new RegExp(`${m}: options\\.signal must be an AbortSignal`));
      }
    });

    args(`${method}({ timeout }) negative, NaN or Infinity throws a RangeError naming options.timeout`, () => {
      for (const bad of [-1, -0.5, NaN, Infinity, -Infinity]) {
        throwsLike(() => call({ timeout: bad }), RangeError, new RegExp(`${m}: options\\.timeout must be a finite number >= 0`));
      }
    });

    args(`${method}({ timeout }) above 2147483647 ms throws a RangeError (setTimeout would fire after 1 ms); 2147483647 is accepted`, () => {
      for (const bad of [2147483648, 1e12, Number.MAX_VALUE]) {
        throwsLike(() => call({ timeout: bad }), RangeError, new RegExp(`${m}: options\\.timeout must be at most 2147483647 ms`));
      }
      const ac = new AbortController();
      const p = call({ timeout: 2147483647, signal: ac.signal });
      p.catch(() => {});
      ac.abort(); // clears its timer
    });

    args(`${method}({ timeout }) that is not a number throws a TypeError naming options.timeout`, () => {
      for (const bad of ['10', null, true, {}, 10n]) {
        throwsLike(() => call({ timeout: bad }), TypeError, new RegExp(`${m}: options\\.timeout must be a number of milliseconds`));
      }
    });

    args(`${method}({ timeot: 5 }): an unknown option throws a TypeError naming it and the known ones`, () => {
      for (const [bad, key] of [[{ timeot: 5 }, 'timeot'], [{ timeout: 5, signl: null }, 'signl'], [{ once: true }, 'once']]) {
        throwsLike(() => call(bad), TypeError, new RegExp(`^${m}: unknown option "${key}" \\(the options are signal, timeout\\)$`));
      }
    });

    args(`${method}() with {}, { signal: undefined } or { timeout: undefined } is accepted`, () => {
      for (const ok of [undefined, {}, { signal: undefined }, { timeout: undefined }]) {
        const p = call(ok);
        assert.ok(p && typeof p.then === 'function');
        p.catch(() => {});
      }
    });
  }

  args('the library\'s own AbortController signal is accepted by every waiting method', () => {
    for (const [, call] of waits) {
      const p = call({ signal: new lib.AbortController().signal });
      assert.ok(typeof p.then === 'function');
      p.catch(() => {});
    }
  });

  args.run();
}
