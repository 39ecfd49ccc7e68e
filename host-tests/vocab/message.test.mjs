// ThreadSafeMessage (micropython-async threadsafe/message.py): an event that carries data; any
// number of tasks wait, any context sets. On every bundle the core tests run on.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { abortListeners, BUILDS, drain, rejectsLike, throwsLike, track, withClock } from '../core/helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeMessage, AbortError, TimeoutError } = lib;
  const test = suite(`ThreadSafeMessage: ${name}`);

  test('a new message is clear, has no waiters and value() is undefined; wait() waits', async () => {
    const m = new ThreadSafeMessage();
    assert.is(m.isSet(), false);
    assert.is(m.hasWaiters(), false);
    assert.is(m.value(), undefined);
    assert.is(m.onwait, null);
    const w = track(m.wait());
    await drain();
    assert.is(w.state(), 'pending');
    assert.is(m.hasWaiters(), true);
  });

  test('set(data) wakes every current waiter with that data, in order, and the message stays set with value() = data', async () => {
    const m = new ThreadSafeMessage();
    const got = [];
    for (let i = 1; i <= 3; i++) m.wait().then((v) => got.push([i, v]));
    const ac = new AbortController();
    m.wait({ signal: ac.signal, timeout: 5000 }).then((v) => got.push(['own', v]));
    m.wait().then((v) => got.push([5, v]));
    m.set({ temp: 21 });
    assert.is(m.isSet(), true);
    assert.is(m.hasWaiters(), false);
    assert.equal(m.value(), { temp: 21 });
    await drain();
    assert.equal(got.map((g) => g[0]), [1, 2, 3, 'own', 5]);
    for (const g of got) assert.equal(g[1], { temp: 21 });
    assert.is(abortListeners(ac.signal), 0, 'the own waiter left no listener');
  });

  test('a wait on a set message resolves at once with value(), also with options', async () => {
    const m = new ThreadSafeMessage();
    m.set(7);
    const a = track(m.wait());
    const b = track(m.wait({ timeout: 1000, signal: new AbortController().signal }));
    await drain();
    assert.is(a.state(), 'resolved');
    assert.is(a.value, 7);
    assert.is(b.value, 7);
    assert.is(m.isSet(), true);
  });

  test('set(b) after set(a) woke the waiters: they still get a; value() and later waits get b', async () => {
    const m = new ThreadSafeMessage();
    const w = track(m.wait());
    m.set('a');
    m.set('b');
    await drain();
    assert.is(w.value, 'a');
    assert.is(m.value(), 'b');
    assert.is(await m.wait(), 'b');
  });

  test('clear() makes later waits wait and keeps value(); the next set(data) wakes them with the new data', async () => {
    const m = new ThreadSafeMessage();
    m.set(1);
    m.clear();
    assert.is(m.isSet(), false);
    assert.is(m.value(), 1);
    const w = track(m.wait());
    await drain();
    assert.is(w.state(), 'pending');
    m.set(2);
    await drain();
    assert.is(w.value, 2);
  });

  test('set() without data stores undefined and wakes the waiters with undefined', async () => {
    const m = new ThreadSafeMessage();
    m.set(5);
    m.clear();
    const w = track(m.wait());
    m.set();
    await drain();
    assert.is(w.state(), 'resolved');
    assert.is(w.value, undefined);
    assert.is(m.value(), undefined);
  });

  test('set(); clear() with nobody waiting leaves nothing pending: the next wait waits', async () => {
    const m = new ThreadSafeMessage();
    m.set(1);
    m.clear();
    const w = track(m.wait());
    await drain();
    assert.is(w.state(), 'pending');
  });

  test('an aborted waiter rejects with AbortError (reason kept) alone: the others get the data, nothing of it stays registered', async () => {
    const m = new ThreadSafeMessage();
    const ac = new AbortController();
    const cancelled = m.wait({ signal: ac.signal });
    const other = track(m.wait());
    ac.abort('stop');
    const e = await rejectsLike(cancelled, AbortError);
    assert.is(e.reason, 'stop');
    assert.is(abortListeners(ac.signal), 0);
    assert.is(m.hasWaiters(), true);
    m.set('x');
    await drain();
    assert.is(other.value, 'x');
  });

  test('an already-aborted signal rejects even on a set message, and takes nothing', async () => {
    const m = new ThreadSafeMessage();
    m.set(3);
    const ac = new AbortController();
    ac.abort(9);
    const e = await rejectsLike(m.wait({ signal: ac.signal }), AbortError);
    assert.is(e.reason, 9);
    assert.is(m.isSet(), true);
  });

  test('a timeout rejects that waiter with TimeoutError and leaves no timer; the message stays clear', async () => {
    await withClock(async (clock) => {
      const m = new ThreadSafeMessage();
      const w = m.wait({ timeout: 50 });
      clock.tick(49);
      assert.is(m.hasWaiters(), true);
      clock.tick(1);
      await rejectsLike(w, TimeoutError);
      assert.is(m.hasWaiters(), false);
      assert.is(clock.countTimers(), 0);
    });
  });

  test('a set() before the timeout clears the waiter\'s timer', async () => {
    await withClock(async (clock) => {
      const m = new ThreadSafeMessage();
      const w = m.wait({ timeout: 50 });
      m.set(4);
      assert.is(clock.countTimers(), 0);
      assert.is(await w, 4);
    });
  });

  test('onwait is called each time a task begins to wait; one that sets the message wakes the new waiter with its data', async () => {
    const m = new ThreadSafeMessage();
    let calls = 0;
    m.onwait = () => calls++;
    m.wait();
    m.wait();
    assert.is(calls, 2);
    m.set(0);
    m.clear();
    m.onwait = () => m.set('from hook');
    assert.is(await m.wait(), 'from hook');
  });

  test('an onwait that throws makes wait() throw and leaves no waiter registered', () => {
    const m = new ThreadSafeMessage();
    m.onwait = () => {
      throw new Error('hook');
    };
    throwsLike(() => m.wait(), Error, /hook/);
    assert.is(m.hasWaiters(), false);
  });

  test('bad calls: no new, an argument, bad options each throw a TypeError/RangeError naming them', () => {
    throwsLike(() => ThreadSafeMessage.call({}), TypeError, /ThreadSafeMessage: a constructor: call it with new/);
    throwsLike(() => new ThreadSafeMessage(1), TypeError, /takes 0 argument/);
    const m = new ThreadSafeMessage();
    throwsLike(() => m.wait(null), TypeError, /ThreadSafeMessage.wait: options must be an object/);
    throwsLike(() => m.wait({ timeot: 1 }), TypeError, /unknown option "timeot"/);
    throwsLike(() => m.wait({ timeout: -1 }), RangeError, /options.timeout/);
    throwsLike(() => m.wait({ signal: {} }), TypeError, /options.signal must be an AbortSignal/);
    assert.is(m.hasWaiters(), false);
  });

  test('100 plain waiters woken by one set(data) all get the data (they share one promise)', async () => {
    const m = new ThreadSafeMessage();
    const ps = [];
    for (let i = 0; i < 100; i++) ps.push(m.wait());
    assert.is(ps[0], ps[99]);
    m.set('all');
    const vs = await Promise.all(ps);
    assert.ok(vs.every((v) => v === 'all'));
  });

  test.run();
}
