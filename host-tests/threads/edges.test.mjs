// Edge cases of the shared-memory entry found by a hostile review (issue 12): each test is
// named as its situation and failed before its fix. Real workers where a second thread matters.
import { getEventListeners } from 'node:events';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { AbortError, ClosedError, FlagInUse, ThreadSafeEvent, ThreadSafeFlag, ThreadSafeQueue } from '../../dist/shared.mjs';
import { createRequire } from 'node:module';
import * as core from '../../dist/threadsafe.mjs';
import * as shared from '../../dist/shared.mjs';
import { blockedInWaitSync, settle, spawn, within } from './helpers.mjs';

const require = createRequire(import.meta.url);

const test = suite('shared edge cases');

test('a queue of any slot count the constructor accepts can be shared: int32/uint32 with an odd count too', () => {
  for (const type of ['int32', 'uint32', 'float64']) {
    for (const slots of [2, 3, 4, 5, 7, 8, 9, 1023]) {
      const q = new ThreadSafeQueue(slots, type);
      assert.is(q.share().buffer.byteLength % 8, 0, `${slots} ${type} slots: buffer a multiple of 8 bytes`);
      const other = ThreadSafeQueue.from(q.share()); // threw a RangeError for 3 int32 slots (204 bytes)
      for (let i = 1; i < slots; i++) q.putSync(i);
      assert.is(other.qsize(), slots - 1);
      assert.is(other.full(), true);
      for (let i = 1; i < slots; i++) assert.is(other.getSync(), i);
      assert.is(q.empty(), true);
    }
  }
});

test('-0 into an int32 or uint32 shared queue is a RangeError naming -0, and the queue stays empty; float64 keeps -0', async () => {
  for (const type of ['int32', 'uint32']) {
    const q = new ThreadSafeQueue(4, type);
    assert.throws(() => q.putSync(-0), (e) => e instanceof RangeError && /item -0 does not fit an? u?int32 slot/.test(e.message));
    assert.throws(() => q.put(-0), (e) => e instanceof RangeError && /ThreadSafeQueue\.put: item -0/.test(e.message));
    assert.is(q.qsize(), 0, type + ': nothing was put');
    q.putSync(0);
    assert.ok(Object.is(q.getSync(), 0));
  }
  const f = new ThreadSafeQueue(4, 'float64');
  await f.put(-0);
  assert.ok(Object.is(ThreadSafeQueue.from(f.share()).getSync(), -0), 'float64 kept -0 faithfully');
});

test('flag: a wait begun in the same turn as the abort of the previous one is not FlagInUse, and gets the next set', async () => {
  const f = new ThreadSafeFlag();
  const ac = new AbortController();
  const first = settle(f.wait({ signal: ac.signal }));
  ac.abort('stop');
  const second = f.wait({ timeout: 5000 }); // same turn: the claim is already free
  const other = settle(ThreadSafeFlag.from(f.share()).wait()); // as another thread: the claim is taken by second now
  const r1 = await first;
  assert.ok(r1.error instanceof AbortError && r1.error.reason === 'stop', 'the first wait rejects with AbortError');
  const r3 = await other;
  assert.ok(r3.error instanceof FlagInUse, 'the second wait holds the claim');
  f.set();
  assert.is(await within(second, 5000, 'the second wait'), undefined);
  assert.is(f.isSet(), false, 'the second wait consumed the set');
  const words = new Int32Array(f.share().buffer);
  assert.is(words[7], 0, 'no claim left (word 7, WAITER)');
  // a wait with a signal and a timeout that is set: its listener goes with it
  const ac2 = new AbortController();
  const third = f.wait({ signal: ac2.signal, timeout: 5000 });
  f.set();
  await within(third, 5000, 'the third wait');
  assert.is(getEventListeners(ac2.signal, 'abort').length, 0);
  assert.is(words[7], 0);
});

test('flag: a worker terminated inside waitSync() keeps its claim; after close(), a set made before the close is delivered, then ClosedError', async () => {
  const f = new ThreadSafeFlag();
  const { w, started } = blockedInWaitSync(f, ThreadSafeEvent);
  await within(started.wait(), 30000, 'worker start');
  const words = new Int32Array(f.share().buffer);
  while (Atomics.load(words, 7) === 0) await new Promise((r) => setTimeout(r, 5)); // claimed: it is in waitSync
  await new Promise((r) => setTimeout(r, 20)); // asleep in Atomics.wait
  await w.worker.terminate();
  await w.exit;
  assert.is(Atomics.load(words, 7), 1, 'the dead worker still holds the claim');
  f.set(); // after the death, before the close (what watchWorker does at exit)
  f.close();
  assert.is(f.isSet(), true);
  const r = await settle(f.wait());
  assert.ok(r.ok, 'the set made before the close is delivered, got ' + (r.error && r.error.name));
  assert.is(f.isSet(), false);
  const r2 = await settle(f.wait());
  assert.ok(r2.error instanceof ClosedError, 'then the closed flag fails, got ' + (r2.error && r2.error.name));
});

/**
 * Makes "another thread" call close() on the shared object at the worst moment: right after
 * the next Atomics.load of its CLOSED word (word 4) read 0, before the waiter loads SETS.
 * Deterministic: the race of issue 12, item 8, without relying on thread timing.
 */
async function closeBetweenLoads(obj, wake, setFirst = false) {
  const words = new Int32Array(obj.share().buffer);
  const other = obj.constructor.from(obj.share()); // close() stores with exchange/add, never load
  const realLoad = Atomics.load;
  let fired = false;
  Atomics.load = function (array, index) {
    const value = realLoad(array, index);
    if (!fired && array.buffer === words.buffer && index === 4 && value === 0) {
      fired = true;
      if (setFirst) other.set();
      other.close();
    }
    return value;
  };
  try {
    wake(words);
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    Atomics.load = realLoad;
  }
  assert.ok(fired, 'the close landed between the loads');
}

test('flag: a close() between the waiter\'s load of CLOSED and its load of SETS is not taken for a set: the wait rejects ClosedError', async () => {
  const f = new ThreadSafeFlag();
  const r = settle(f.wait());
  // a wake-up without a set (Atomics.notify alone resolves the pending Atomics.waitAsync): the waiter looks again
  await closeBetweenLoads(f, (words) => Atomics.notify(words, 6));
  const out = await within(r, 5000, 'the wait');
  assert.ok(out.error instanceof ClosedError, 'got ' + (out.ok ? 'a resolved wait (the close taken for a set)' : out.error.name));
  assert.is(f.isSet(), false);
});

test('event: a close() between the waiter\'s load of CLOSED and its load of SETS is not taken for a set: wait() rejects ClosedError', async () => {
  const evt = new ThreadSafeEvent();
  const r = settle(evt.wait());
  await closeBetweenLoads(evt, (words) => Atomics.notify(words, 6));
  const out = await within(r, 5000, 'the wait');
  assert.ok(out.error instanceof ClosedError, 'got ' + (out.ok ? 'a resolved wait (the close taken for a set)' : out.error.name));
});

test('flag and event: a set() and then close() between the two loads: the set made before the close is still delivered', async () => {
  for (const obj of [new ThreadSafeFlag(), new ThreadSafeEvent()]) {
    const r = settle(obj.wait());
    await closeBetweenLoads(obj, (words) => Atomics.notify(words, 6), true);
    const out = await within(r, 5000, 'the wait');
    assert.ok(out.ok, obj.constructor.name + ': got ' + (out.error && out.error.name));
  }
});

test('event: the same race in a worker blocked in waitSync(): ClosedError, not a return', async () => {
  const evt = new ThreadSafeEvent();
  const w = spawn(`
    const evt = S.ThreadSafeEvent.from(workerData);
    const other = S.ThreadSafeEvent.from(workerData);
    const words = new Int32Array(workerData.buffer);
    const realLoad = Atomics.load;
    let fired = false;
    Atomics.load = function (array, index) {
      const value = realLoad(array, index);
      if (!fired && array.buffer === words.buffer && index === 4 && value === 0) { fired = true; other.close(); }
      return value;
    };
    let r;
    try { evt.waitSync(5000); r = 'returned'; } catch (e) { r = e.name; }
    post({ r, fired });
  `, evt.share());
  assert.equal(await w.message(), { r: 'ClosedError', fired: true });
  await w.exit;
});

test('a timeout follows one rule everywhere: Infinity or more than 2147483647 ms is a RangeError for the blocking calls as for the async waits', async () => {
  const q = new ThreadSafeQueue(4, 'int32');
  const evt = new ThreadSafeEvent();
  const f = new ThreadSafeFlag();
  for (const bad of [Infinity, 2 ** 31, -1, NaN]) {
    const calls = {
      'getSync(true, t)': () => q.getSync(true, bad),
      'putSync(1, true, t)': () => q.putSync(1, true, bad),
      'event waitSync(t)': () => evt.waitSync(bad),
      'flag waitSync(t)': () => f.waitSync(bad),
      'get({ timeout })': () => q.get({ timeout: bad }),
      'put(1, { timeout })': () => q.put(1, { timeout: bad }),
      'event wait({ timeout })': () => evt.wait({ timeout: bad }),
      'flag wait({ timeout })': () => f.wait({ timeout: bad }),
    };
    for (const [what, call] of Object.entries(calls)) {
      assert.throws(call, (e) => e instanceof RangeError && /timeout must be/.test(e.message), `${what} with ${bad}`);
    }
  }
  assert.is(q.qsize(), 0, 'nothing was put');
  // in a worker the longest timeout is accepted (and a short one times out as usual)
  const w = spawn(`
    const q = S.ThreadSafeQueue.from(workerData);
    const out = [];
    try { q.getSync(true, Infinity); } catch (e) { out.push(e.name); }
    try { q.getSync(true, 1); } catch (e) { out.push(e.name); }
    q.putSync(7);
    out.push(q.getSync(true, 2147483647));
    post(out);
  `, q.share());
  assert.equal(await w.message(), ['RangeError', 'TimeoutError', 7]);
  await w.exit;
});

test('an error thrown by a shared object is instanceof the core\'s class of that name (ESM with ESM, require with require)', async () => {
  const names = ['QueueFull', 'QueueEmpty', 'QueueClosed', 'AbortError', 'TimeoutError', 'FlagInUse'];
  const coreCjs = require('../../dist/threadsafe.js');
  const sharedCjs = require('../../dist/shared.cjs');
  for (const name of names) {
    assert.is(shared[name], core[name], name + ': the same class in the ESM builds');
    assert.is(sharedCjs[name], coreCjs[name], name + ': the same class in the CommonJS builds');
  }
  const q = new ThreadSafeQueue(2, 'int32');
  const caught = [];
  const grab = (fn) => { try { fn(); } catch (e) { caught.push(e); } };
  grab(() => q.getSync());
  q.putSync(1);
  grab(() => q.putSync(2));
  q.close();
  grab(() => q.putSync(3));
  const f = new ThreadSafeFlag();
  const first = f.wait({ timeout: 1 });
  caught.push((await settle(f.wait())).error);
  caught.push((await settle(first)).error);
  const ac = new AbortController();
  ac.abort();
  caught.push((await settle(new ThreadSafeEvent().wait({ signal: ac.signal }))).error);
  assert.equal(caught.map((e) => e.name), ['QueueEmpty', 'QueueFull', 'QueueClosed', 'FlagInUse', 'TimeoutError', 'AbortError']);
  for (const e of caught) assert.ok(e instanceof core[e.name], e.name + ' instanceof the core class');
  // in a worker, through require()
  const w = spawn(`
    const core = require(${JSON.stringify(require.resolve('../../dist/threadsafe.js'))});
    const q = new S.ThreadSafeQueue(2, 'int32');
    let r;
    try { q.getSync(); } catch (e) { r = e instanceof core.QueueEmpty; }
    post(r);
  `);
  assert.is(await w.message(), true);
  await w.exit;
});

test.run();
