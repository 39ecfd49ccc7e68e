// ThreadSafeEvent (micropython-async THREADING.md §3.1): any number of tasks wait, any context sets.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { abortListeners, BUILDS, drain, rejectsLike, track, withClock } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeEvent, AbortError, TimeoutError } = lib;
  const test = suite(`ThreadSafeEvent: ${name}`);

  test('a new event is clear: isSet() is false and wait() waits', async () => {
    const evt = new ThreadSafeEvent();
    assert.is(evt.isSet(), false);
    const w = track(evt.wait());
    await drain();
    assert.is(w.state(), 'pending');
  });

  test('set() wakes every current waiter, in the order they began to wait, and the event stays set', async () => {
    const evt = new ThreadSafeEvent();
    const order = [];
    for (let i = 1; i <= 5; i++) evt.wait().then(() => order.push(i));
    const ac = new AbortController();
    evt.wait({ signal: ac.signal }).then(() => order.push('own'));
    evt.wait().then(() => order.push(7));
    await drain();
    assert.equal(order, []);
    evt.set();
    assert.is(evt.isSet(), true);
    await drain();
    assert.equal(order, [1, 2, 3, 4, 5, 'own', 7]);
    assert.is(abortListeners(ac.signal), 0);
  });

  test('a task that waits while the event is set returns at once', async () => {
    const evt = new ThreadSafeEvent();
    evt.set();
    const w = track(evt.wait());
    const withOptions = track(evt.wait({ timeout: 1000, signal: new AbortController().signal }));
    await drain();
    assert.is(w.state(), 'resolved');
    assert.is(withOptions.state(), 'resolved');
    assert.is(evt.isSet(), true);
  });

  test('set() twice wakes each waiter once and the event stays set', async () => {
    const evt = new ThreadSafeEvent();
    let wakes = 0;
    evt.wait().then(() => wakes++);
    evt.set();
    evt.set();
    await drain();
    assert.is(wakes, 1);
    assert.is(evt.isSet(), true);
  });

  test('clear() after set() makes isSet() false and the next wait() waits', async () => {
    const evt = new ThreadSafeEvent();
    evt.set();
    evt.clear();
    assert.is(evt.isSet(), false);
    const w = track(evt.wait());
    await drain();
    assert.is(w.state(), 'pending');
    evt.set();
    await drain();
    assert.is(w.state(), 'resolved');
  });

  test('set(); clear() with nobody waiting leaves nothing pending: the next waiter waits (no stale trigger)', async () => {
    const evt = new ThreadSafeEvent();
    evt.set();
    evt.clear();
    await drain();
    const w = track(evt.wait());
    await drain();
    assert.is(w.state(), 'pending');
    assert.is(evt.isSet(), false);
  });

  test('clear() right after set() does not un-wake the tasks set() already woke', async () => {
    const evt = new ThreadSafeEvent();
    const a = track(evt.wait());
    const b = track(evt.wait({ timeout: 1000 }));
    evt.set();
    evt.clear();
    await drain();
    assert.is(a.state(), 'resolved');
    assert.is(b.state(), 'resolved');
    assert.is(evt.isSet(), false);
  });

  test('wait({ signal }) aborted rejects with AbortError (name, reason), the others still get the event, and no listener stays', async () => {
    const evt = new ThreadSafeEvent();
    const ac = new AbortController();
    const before = track(evt.wait());
    const cancelled = evt.wait({ signal: ac.signal });
    const after = track(evt.wait());
    assert.is(abortListeners(ac.signal), 1);
    ac.abort('bye');
    const err = await rejectsLike(cancelled, AbortError, /aborted/);
    assert.is(err.name, 'AbortError');
    assert.is(err.reason, 'bye');
    assert.is(abortListeners(ac.signal), 0);
    evt.set();
    await drain();
    assert.is(before.state(), 'resolved');
    assert.is(after.state(), 'resolved');
  });

  test('wait({ timeout }) rejects with TimeoutError, clears its timer, and the others still get the event', () =>
    withClock(async (clock) => {
      const evt = new ThreadSafeEvent();
      const other = track(evt.wait());
      const timed = track(evt.wait({ timeout: 100 }));
      const longer = track(evt.wait({ timeout: 1000 }));
      assert.is(clock.countTimers(), 2);
      await clock.tickAsync(100);
      assert.is(timed.state(), 'rejected');
      assert.ok(timed.error instanceof TimeoutError);
      assert.is(timed.error.name, 'TimeoutError');
      assert.is(clock.countTimers(), 1);
      evt.set();
      assert.is(clock.countTimers(), 0); // the longer waiter's timer went with it
      await clock.tickAsync(0);
      assert.is(other.state(), 'resolved');
      assert.is(longer.state(), 'resolved');
    }));

  test('wait({ timeout: 0 }) on a clear event times out on the next timer turn', () =>
    withClock(async (clock) => {
      const evt = new ThreadSafeEvent();
      const w = track(evt.wait({ timeout: 0 }));
      await clock.tickAsync(0);
      assert.is(w.state(), 'rejected');
      assert.ok(w.error instanceof TimeoutError);
    }));

  test('an abort in the same turn after set() changes nothing: the waiter was already woken', async () => {
    const evt = new ThreadSafeEvent();
    const ac = new AbortController();
    const w = track(evt.wait({ signal: ac.signal }));
    evt.set();
    ac.abort();
    await drain();
    assert.is(w.state(), 'resolved');
  });

  test('a set() after a waiter was aborted in the same turn wakes only the live waiters', async () => {
    const evt = new ThreadSafeEvent();
    const ac = new AbortController();
    const dead = track(evt.wait({ signal: ac.signal }));
    const live = track(evt.wait());
    ac.abort();
    evt.set();
    await drain();
    assert.is(dead.state(), 'rejected');
    assert.ok(dead.error instanceof AbortError);
    assert.is(live.state(), 'resolved');
  });

  test('wait() with a signal that is already aborted rejects at once and registers nothing', async () => {
    const evt = new ThreadSafeEvent();
    const ac = new AbortController();
    ac.abort('early');
    const err = await rejectsLike(evt.wait({ signal: ac.signal }), AbortError, /already aborted/);
    assert.is(err.reason, 'early');
    assert.is(abortListeners(ac.signal), 0);
  });

  test('many waiters, most cancelled one by one: set() wakes exactly the rest and nothing stays registered', () =>
    withClock(async (clock) => {
      const evt = new ThreadSafeEvent();
      const acs = [];
      const ws = [];
      for (let i = 0; i < 50; i++) {
        const ac = new AbortController();
        acs.push(ac);
        ws.push(track(evt.wait(i % 2 ? { signal: ac.signal, timeout: 5000 } : { signal: ac.signal })));
      }
      for (let i = 0; i < 50; i += 3) acs[i].abort();
      evt.set();
      await clock.tickAsync(0);
      ws.forEach((w, i) => assert.is(w.state(), i % 3 === 0 ? 'rejected' : 'resolved', `waiter ${i}`));
      acs.forEach((ac) => assert.is(abortListeners(ac.signal), 0));
      assert.is(clock.countTimers(), 0);
    }));

  test('wait() with an already-aborted signal on a set event rejects at once too', async () => {
    const evt = new ThreadSafeEvent();
    evt.set();
    const ac = new AbortController();
    ac.abort();
    await rejectsLike(evt.wait({ signal: ac.signal }), AbortError, /already aborted/);
    assert.is(evt.isSet(), true);
  });

  test.run();
}
