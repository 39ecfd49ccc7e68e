// close() racing a waiter: a close() landing between a waiter's two loads (CLOSED, then SETS)
// is never taken for a set, a set() made just before it is still delivered, and a worker that
// died holding the flag's claim does not keep the survivors from a set made before the close.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ClosedError, ThreadSafeEvent, ThreadSafeFlag } from '../../dist/shared.mjs';
import { blockedInWaitSync, settle, spawn, within } from './helpers.mjs';

const test = suite('close() racing a waiter');

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
 * Deterministic: the race, without relying on thread timing.
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

test.run();
