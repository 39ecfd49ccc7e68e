// dist/threadsafe.js in a Node `vm` context that offers only ES5 built-ins plus Promise, as
// the weakest engine we target (Espruino: no Symbol, Map, Set, WeakMap, Reflect, Proxy,
// Object.assign, Array.from, TypedArrays, globalThis). The UMD bundle must then put
// `threadsafe` on the context's global object and every primitive must still work.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const BUNDLE = readFileSync(new URL('../../dist/threadsafe.js', import.meta.url), 'utf8');

const REMOVED_GLOBALS = [
  'Symbol', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Reflect', 'Proxy',
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Atomics', 'BigInt', 'globalThis',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
];
const REMOVED_STATICS = ['Error.captureStackTrace', 'Object.assign', 'Object.entries', 'Object.values', 'Array.from', 'Array.of', 'Promise.allSettled', 'Promise.any'];

/** A fresh context with the ES2015+ globals above deleted, the bundle loaded into it. */
function es5Context() {
  const ctx = vm.createContext({});
  vm.runInContext(
    REMOVED_GLOBALS.map((g) => `delete this.${g};`).join('\n') + '\n' + REMOVED_STATICS.map((s) => `delete ${s};`).join('\n'),
    ctx,
  );
  vm.runInContext(BUNDLE, ctx, { filename: 'dist/threadsafe.js' });
  return ctx;
}

/** Runs ES5 source in the context; `done(result)` / `fail(error)` settle the returned promise. */
function run(ctx, source) {
  return new Promise((resolve, reject) => {
    ctx.done = resolve;
    ctx.fail = reject;
    vm.runInContext(source, ctx);
  });
}

const test = suite('dist/threadsafe.js in an ES5-only vm context');

test('the context really lacks the ES2015+ globals, and only offers Promise beyond ES5', () => {
  const ctx = es5Context();
  for (const g of REMOVED_GLOBALS) assert.is(vm.runInContext(`typeof ${g}`, ctx), 'undefined', g);
  for (const s of REMOVED_STATICS) assert.is(vm.runInContext(`typeof ${s}`, ctx), 'undefined', s);
  assert.is(vm.runInContext('typeof Promise', ctx), 'function');
  assert.is(vm.runInContext('typeof setTimeout', ctx), 'undefined');
});

test('the UMD bundle loads there and puts threadsafe on the context\'s global object', () => {
  const ctx = es5Context();
  assert.is(vm.runInContext('typeof this.threadsafe', ctx), 'object');
  const names = vm.runInContext('var k = []; for (var n in threadsafe) k.push(n); k.sort().join(",")', ctx);
  for (const n of ['ThreadSafeFlag', 'ThreadSafeEvent', 'ThreadSafeQueue', 'QueueFull', 'QueueEmpty', 'QueueClosed', 'AbortError', 'TimeoutError', 'FlagInUse', 'AbortController']) {
    assert.ok(names.split(',').includes(n), n);
  }
});

test('a queue on an Array buffer: putSync/getSync, QueueFull and QueueEmpty caught with instanceof', async () => {
  const ctx = es5Context();
  const out = vm.runInContext(`
    var t = threadsafe, q = new t.ThreadSafeQueue([0, 0, 0]), log = [];
    q.putSync('a'); q.putSync('b');
    try { q.putSync('c'); } catch (e) { log.push(e instanceof t.QueueFull, e instanceof Error, e.name, q.qsize()); }
    log.push(q.getSync(), q.getSync());
    try { q.getSync(); } catch (e) { log.push(e instanceof t.QueueEmpty, e instanceof t.QueueFull, e.name); }
    try { q.putSync(1, true); } catch (e) { log.push(e instanceof TypeError); }
    try { new t.ThreadSafeQueue(new Object()); } catch (e) { log.push(e instanceof TypeError && /buf/.test(e.message)); }
    log.join(',');
  `, ctx);
  assert.is(out, 'true,true,QueueFull,2,a,b,true,false,QueueEmpty,true,true');
});

test('without Error.captureStackTrace (Kaluma, Espruino) a library error still has a stack and its message', () => {
  const ctx = es5Context();
  const out = vm.runInContext(`
    var e = new threadsafe.QueueEmpty('nothing here');
    [typeof e.stack, /nothing here/.test(e.stack), e instanceof Error, e.name, String(e)].join('|');
  `, ctx);
  assert.is(out, 'string|true|true|QueueEmpty|QueueEmpty: nothing here');
});

test('for-await without Symbol: next() called by hand drains the queue, then reports done after close()', async () => {
  const ctx = es5Context();
  const got = await run(ctx, `
    var q = new threadsafe.ThreadSafeQueue(new Array(4)), got = [];
    function step() {
      q.next().then(function (r) {
        if (r.done) { done(got.join(',')); return; }
        got.push(r.value);
        step();
      }, fail);
    }
    step();
    q.putSync(1); q.putSync(2);
    q.put(3).then(function () { q.putSync(4); q.close(); }, fail);
  `);
  assert.is(got, '1,2,3,4');
});

test('an event: waiters woken by set(), a waiter aborted with the library\'s AbortController rejects with AbortError', async () => {
  const ctx = es5Context();
  const log = await run(ctx, `
    var t = threadsafe, evt = new t.ThreadSafeEvent(), log = [];
    var ac = new t.AbortController();
    evt.wait().then(function () { log.push('one'); });
    evt.wait({ signal: ac.signal }).then(function () { log.push('wrong'); }, function (e) {
      log.push(e instanceof t.AbortError ? 'aborted' : 'bad ' + e);
    });
    evt.wait().then(function () { log.push('two'); });
    ac.abort();
    evt.set();
    evt.wait().then(function () { log.push('at once'); evt.clear(); log.push(evt.isSet()); done(log.join(',')); }, fail);
  `);
  assert.is(log, 'aborted,one,two,at once,false');
});

test('a flag: set() twice wakes once; a second waiter gets FlagInUse', async () => {
  const ctx = es5Context();
  const log = await run(ctx, `
    var t = threadsafe, flag = new t.ThreadSafeFlag(), log = [];
    flag.set(); flag.set();
    flag.wait().then(function () {
      log.push('woke', flag.isSet());
      flag.wait().then(function () { log.push('woke again'); done(log.join(',')); }, fail);
      flag.wait().then(fail, function (e) { log.push(e instanceof t.FlagInUse); flag.set(); });
    }, fail);
  `);
  assert.is(log, 'woke,false,true,woke again');
});

test('a put() waiting on a full Array-buffer queue goes in when getSync frees a slot', async () => {
  const ctx = es5Context();
  const log = await run(ctx, `
    var q = new threadsafe.ThreadSafeQueue([0, 0]), log = [];
    q.putSync('x');
    q.put('y').then(function () { log.push('put done', q.qsize()); done(log.join(',')); }, fail);
    log.push(q.full(), q.getSync(), q.qsize());
  `);
  assert.is(log, 'true,x,1,put done,1');
});

test.run();
