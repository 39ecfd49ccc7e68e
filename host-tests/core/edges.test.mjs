// Edge cases of the core found by a hostile review (issue 12), on both shipped builds: each
// test is named as its situation and failed before its fix.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { abortListeners, BUILDS, drain, throwsLike, track } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeEvent, ThreadSafeFlag, ThreadSafeQueue } = lib;
  const test = suite(`core edge cases: ${name}`);

  test('-0 into an integer TypedArray queue is a RangeError naming -0, and the queue stays empty; float arrays and Arrays keep -0', () => {
    for (const Ctor of [Int32Array, Uint32Array, Int16Array, Uint8Array, Uint8ClampedArray]) {
      const q = new ThreadSafeQueue(new Ctor(4));
      throwsLike(() => q.putSync(-0), RangeError, /item -0 cannot be stored faithfully in an? \w+Array \(it would become 0\)/);
      throwsLike(() => q.put(-0), RangeError, /ThreadSafeQueue\.put: item -0/);
      assert.is(q.qsize(), 0, Ctor.name + ': nothing was put');
      q.putSync(0); // +0 is fine
      assert.ok(Object.is(q.getSync(), 0));
    }
    for (const buf of [new Float64Array(4), new Float32Array(4), new Array(4)]) {
      const q = new ThreadSafeQueue(buf);
      q.putSync(-0);
      assert.ok(Object.is(q.getSync(), -0), 'kept -0 faithfully');
    }
  });

  const boom = () => { throw new Error('onwait failed'); };

  test('queue: a get() whose onwait throws throws that error and leaves no waiter: the next putSync item is queued, not lost', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.onwait = boom;
    throwsLike(() => q.get(), Error, /^onwait failed$/);
    throwsLike(() => q.next(), Error, /^onwait failed$/);
    const ac = new AbortController();
    throwsLike(() => q.get({ signal: ac.signal, timeout: 1000 }), Error, /^onwait failed$/);
    assert.is(abortListeners(ac.signal), 0, 'its abort listener is gone');
    assert.is(q.hasWaiters(), false);
    q.onwait = null;
    q.putSync('item');
    assert.is(q.qsize(), 1, 'the item is in the ring, not handed to an orphan waiter');
    assert.is(await q.get(), 'item');
  });

  test('queue: an onwait that hands the waiter an item and then throws: the wait keeps the item, nothing is lost', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.onwait = () => { q.putSync('given'); throw new Error('onwait failed'); };
    assert.is(await q.get(), 'given');
    assert.is(q.qsize(), 0);
    assert.is(q.hasWaiters(), false);
  });

  test('flag: a wait whose onwait throws leaves no waiter: the next wait is not FlagInUse and gets the set', async () => {
    const flag = new ThreadSafeFlag();
    flag.onwait = boom;
    throwsLike(() => flag.wait(), Error, /^onwait failed$/);
    assert.is(flag.hasWaiters(), false);
    flag.onwait = null;
    const t = track(flag.wait());
    flag.set();
    await drain();
    assert.is(t.state(), 'resolved');
    assert.is(flag.isSet(), false);
  });

  test('event: a wait whose onwait throws leaves no waiter (plain, or with signal and timeout); a waiter already there still wakes', async () => {
    const evt = new ThreadSafeEvent();
    const first = track(evt.wait()); // the shared plain waiter, from before the hook
    evt.onwait = boom;
    throwsLike(() => evt.wait(), Error, /^onwait failed$/); // joins the shared waiter: nothing new
    const ac = new AbortController();
    throwsLike(() => evt.wait({ signal: ac.signal, timeout: 1000 }), Error, /^onwait failed$/);
    assert.is(abortListeners(ac.signal), 0, 'its abort listener is gone');
    const other = new ThreadSafeEvent();
    other.onwait = boom;
    throwsLike(() => other.wait(), Error, /^onwait failed$/);
    assert.is(other.hasWaiters(), false, 'a plain wait that failed left no shared waiter behind');
    evt.onwait = null;
    evt.set();
    await drain();
    assert.is(first.state(), 'resolved');
    assert.is(evt.hasWaiters(), false);
  });

  test.run();
}
