// ThreadSafeFlag (MicroPython's asyncio.ThreadSafeFlag): one task waits, any context sets.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { abortListeners, BUILDS, drain, rejectsLike, track, withClock } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeFlag, FlagInUse, AbortError, TimeoutError } = lib;
  const test = suite(`ThreadSafeFlag: ${name}`);

  test('a new flag is clear: isSet() is false and wait() waits', async () => {
    const flag = new ThreadSafeFlag();
    assert.is(flag.isSet(), false);
    const w = track(flag.wait());
    await drain();
    assert.is(w.state(), 'pending');
    flag.set();
    await drain();
    assert.is(w.state(), 'resolved');
  });

  test('wait() on a set flag resolves at once and leaves the flag clear', async () => {
    const flag = new ThreadSafeFlag();
    flag.set();
    assert.is(flag.isSet(), true);
    const w = track(flag.wait());
    assert.is(flag.isSet(), false);
    await drain();
    assert.is(w.state(), 'resolved');
  });

  test('set() twice before wait() wakes once: the second wait() waits', async () => {
    const flag = new ThreadSafeFlag();
    flag.set();
    flag.set();
    const first = track(flag.wait());
    const second = track(flag.wait());
    await drain();
    assert.is(first.state(), 'resolved');
    assert.is(second.state(), 'pending');
    assert.is(flag.isSet(), false);
    flag.set();
    await drain();
    assert.is(second.state(), 'resolved');
  });

  test('set() while a task waits wakes it and leaves the flag clear', async () => {
    const flag = new ThreadSafeFlag();
    const w = track(flag.wait());
    flag.set();
    assert.is(flag.isSet(), false);
    await drain();
    assert.is(w.state(), 'resolved');
    assert.is(flag.isSet(), false);
  });

  test('set() twice while a task waits, before it resumes (two callbacks of one loop turn), wakes it once and keeps the second set: its next wait() returns at once (MicroPython merges it; see the README)', async () => {
    const flag = new ThreadSafeFlag();
    let wakes = 0;
    const task = (async () => {
      await flag.wait();
      wakes++;
      assert.is(flag.isSet(), true, 'the second set is kept, not merged into the first wake-up');
      await flag.wait();
      wakes++;
      assert.is(flag.isSet(), false, 'the next wait consumed it');
    })();
    await drain();
    flag.set();
    flag.set();
    await task;
    assert.is(wakes, 2);
    assert.is(flag.hasWaiters(), false);
  });

  test('a set() made while a woken task has not resumed yet is never lost: a task that waits in between takes it', async () => {
    const flag = new ThreadSafeFlag();
    const a = flag.wait();
    let later = null;
    a.then(() => {
      later = flag.wait(); // the set made before A resumed is still there
    });
    flag.set(); // wakes A; A has not resumed yet
    flag.set(); // kept
    await a;
    await drain();
    assert.is(await Promise.race([later, new Promise((r) => setTimeout(() => r('pending'), 20))]), undefined);
    assert.is(flag.isSet(), false);
  });

  test('a set() while a timed-out waiter is gone is recorded, not merged', () =>
    withClock(async (clock) => {
      const flag = new ThreadSafeFlag();
      const w = track(flag.wait({ timeout: 5 }));
      await clock.tickAsync(5);
      assert.is(w.state(), 'rejected');
      flag.set();
      assert.is(flag.isSet(), true);
    }));

  test('set() after the woken task ran is recorded: the next wait() returns at once', async () => {
    const flag = new ThreadSafeFlag();
    const w = track(flag.wait());
    flag.set();
    await drain();
    assert.is(w.state(), 'resolved');
    flag.set();
    assert.is(flag.isSet(), true);
    const again = track(flag.wait());
    await drain();
    assert.is(again.state(), 'resolved');
  });

  test('a second concurrent wait() rejects with FlagInUse and the first waiter still gets the set', async () => {
    const flag = new ThreadSafeFlag();
    const first = track(flag.wait());
    const err = await rejectsLike(flag.wait(), FlagInUse, /another task is already waiting/);
    assert.is(err.name, 'FlagInUse');
    flag.set();
    await drain();
    assert.is(first.state(), 'resolved');
  });

  test('clear() on a set flag: isSet() is false and the next wait() waits', async () => {
    const flag = new ThreadSafeFlag();
    flag.set();
    flag.clear();
    assert.is(flag.isSet(), false);
    const w = track(flag.wait());
    await drain();
    assert.is(w.state(), 'pending');
  });

  test('clear() does not un-wake a task that set() already woke', async () => {
    const flag = new ThreadSafeFlag();
    const w = track(flag.wait());
    flag.set();
    flag.clear();
    await drain();
    assert.is(w.state(), 'resolved');
  });

  test('wait({ signal }) aborted rejects with AbortError carrying the reason, removes its listener, and frees the flag', async () => {
    const flag = new ThreadSafeFlag();
    const ac = new AbortController();
    const w = flag.wait({ signal: ac.signal });
    assert.is(abortListeners(ac.signal), 1);
    ac.abort('stop');
    const err = await rejectsLike(w, AbortError);
    assert.is(err.name, 'AbortError');
    assert.is(err.reason, 'stop');
    assert.is(abortListeners(ac.signal), 0);
    // nothing of the cancelled waiter stays: a new wait is allowed and a set is not eaten
    flag.set();
    assert.is(flag.isSet(), true);
    const next = track(flag.wait());
    await drain();
    assert.is(next.state(), 'resolved');
  });

  test('wait({ signal }) woken by set() removes its abort listener; a later abort changes nothing', async () => {
    const flag = new ThreadSafeFlag();
    const ac = new AbortController();
    const w = track(flag.wait({ signal: ac.signal }));
    flag.set();
    assert.is(abortListeners(ac.signal), 0);
    ac.abort();
    await drain();
    assert.is(w.state(), 'resolved');
  });

  test('wait({ timeout }) rejects with TimeoutError when the time runs out, and leaves no timer', () =>
    withClock(async (clock) => {
      const flag = new ThreadSafeFlag();
      const w = track(flag.wait({ timeout: 50 }));
      assert.is(clock.countTimers(), 1);
      await clock.tickAsync(49);
      assert.is(w.state(), 'pending');
      await clock.tickAsync(1);
      assert.is(w.state(), 'rejected');
      assert.ok(w.error instanceof TimeoutError);
      assert.is(w.error.name, 'TimeoutError');
      assert.is(clock.countTimers(), 0);
      flag.set(); // recorded for the next waiter, not lost on the dead one
      assert.is(flag.isSet(), true);
    }));

  test('wait({ timeout }) woken by set() in time resolves and clears its timer', () =>
    withClock(async (clock) => {
      const flag = new ThreadSafeFlag();
      const w = track(flag.wait({ timeout: 50 }));
      await clock.tickAsync(10);
      flag.set();
      assert.is(clock.countTimers(), 0);
      await clock.tickAsync(100);
      assert.is(w.state(), 'resolved');
    }));

  test('wait() with an already-aborted signal on a set flag rejects at once with AbortError and the flag stays set', async () => {
    const flag = new ThreadSafeFlag();
    flag.set();
    const ac = new AbortController();
    ac.abort('gone');
    const err = await rejectsLike(flag.wait({ signal: ac.signal }), AbortError, /already aborted/);
    assert.is(err.reason, 'gone');
    assert.is(flag.isSet(), true);
    assert.is(abortListeners(ac.signal), 0);
  });

  test.run();
}
