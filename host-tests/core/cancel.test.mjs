// ThreadSafeQueue cancel-safety: a cancelled get() never takes an item, a cancelled put()
// never puts one, and nothing of a cancelled waiter stays registered.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { abortListeners, BUILDS, drain, rejectsLike, takeAll, track, withClock } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeQueue, AbortError, TimeoutError } = lib;
  const test = suite(`ThreadSafeQueue cancel-safety: ${name}`);

  test('get({ signal }) aborted on an empty queue rejects with AbortError; a later putSync stays queued', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const ac = new AbortController();
    const g = q.get({ signal: ac.signal });
    ac.abort();
    const err = await rejectsLike(g, AbortError);
    assert.is(err.name, 'AbortError');
    assert.is(abortListeners(ac.signal), 0);
    q.putSync('kept');
    assert.is(q.qsize(), 1);
    assert.equal(takeAll(q), ['kept']);
  });

  test('the classic loss, abort first: a getter cancelled in the same turn before a put lands loses nothing (qsize 1)', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const ac = new AbortController();
    const g = track(q.get({ signal: ac.signal }));
    ac.abort();
    q.putSync('x');
    await drain();
    assert.is(g.state(), 'rejected');
    assert.ok(g.error instanceof AbortError);
    assert.equal(takeAll(q), ['x']);
  });

  test('the classic loss, put first: a getter cancelled in the same turn after a put landed gets the item (nothing lost)', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const ac = new AbortController();
    const g = track(q.get({ signal: ac.signal }));
    q.putSync('x');
    ac.abort();
    await drain();
    assert.is(g.state(), 'resolved');
    assert.is(g.value, 'x');
    assert.is(q.qsize(), 0);
    assert.is(abortListeners(ac.signal), 0);
  });

  test('the classic loss with for await: next() then abort of a rival get() in the same turn loses no item', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const ac = new AbortController();
    const cancelled = track(q.get({ signal: ac.signal }));
    const it = track(q.next());
    ac.abort();
    q.putSync(1);
    q.putSync(2);
    await drain();
    assert.is(cancelled.state(), 'rejected');
    assert.equal(it.value, { value: 1, done: false });
    assert.equal(takeAll(q), [2]);
  });

  test('get({ timeout }) that times out takes nothing: a put after it stays queued, and no timer is left', () =>
    withClock(async (clock) => {
      const q = new ThreadSafeQueue(new Array(4));
      const g = track(q.get({ timeout: 20 }));
      await clock.tickAsync(20);
      assert.is(g.state(), 'rejected');
      assert.ok(g.error instanceof TimeoutError);
      assert.is(clock.countTimers(), 0);
      q.putSync('x');
      assert.equal(takeAll(q), ['x']);
    }));

  test('timeout and put due in the same timer turn, timeout first: the item stays queued', () =>
    withClock(async (clock) => {
      const q = new ThreadSafeQueue(new Array(4));
      const g = track(q.get({ timeout: 10 })); // its timer is created first, so fires first
      setTimeout(() => q.putSync('x'), 10);
      await clock.tickAsync(10);
      assert.is(g.state(), 'rejected');
      assert.equal(takeAll(q), ['x']);
    }));

  test('timeout and put due in the same timer turn, put first: the getter gets the item and its timer is cleared', () =>
    withClock(async (clock) => {
      const q = new ThreadSafeQueue(new Array(4));
      setTimeout(() => q.putSync('x'), 10); // created first, so fires first
      const g = track(q.get({ timeout: 10 }));
      await clock.tickAsync(10);
      assert.is(g.state(), 'resolved');
      assert.is(g.value, 'x');
      assert.is(q.qsize(), 0);
      assert.is(clock.countTimers(), 0);
    }));

  test('a get() with signal and timeout that receives an item drops both its listener and its timer', () =>
    withClock(async (clock) => {
      const q = new ThreadSafeQueue(new Array(4));
      const ac = new AbortController();
      const g = track(q.get({ signal: ac.signal, timeout: 1000 }));
      assert.is(abortListeners(ac.signal), 1);
      assert.is(clock.countTimers(), 1);
      q.putSync(1);
      assert.is(abortListeners(ac.signal), 0);
      assert.is(clock.countTimers(), 0);
      await clock.tickAsync(0);
      assert.is(g.value, 1);
    }));

  test('put({ signal }) aborted on a full queue rejects with AbortError and its item is never queued', async () => {
    const q = new ThreadSafeQueue(new Array(3));
    q.putSync(1); q.putSync(2);
    const ac = new AbortController();
    const p = q.put(3, { signal: ac.signal });
    ac.abort();
    await rejectsLike(p, AbortError);
    assert.is(abortListeners(ac.signal), 0);
    assert.is(q.qsize(), 2);
    assert.equal(takeAll(q), [1, 2]);
  });

  test('put({ timeout }) on a full queue times out with TimeoutError, its item is never queued, and no timer is left', () =>
    withClock(async (clock) => {
      const q = new ThreadSafeQueue(new Array(2));
      q.putSync(1);
      const p = track(q.put(2, { timeout: 30 }));
      await clock.tickAsync(30);
      assert.is(p.state(), 'rejected');
      assert.ok(p.error instanceof TimeoutError);
      assert.is(clock.countTimers(), 0);
      assert.equal(takeAll(q), [1]);
    }));

  test('a cancelled put() between two waiting put()s: the other two go in, in order', async () => {
    const q = new ThreadSafeQueue(new Array(2));
    q.putSync(0);
    const ac = new AbortController();
    const a = track(q.put('a'));
    const b = track(q.put('b', { signal: ac.signal }));
    const c = track(q.put('c'));
    ac.abort();
    const out = [q.getSync(), q.getSync(), q.getSync()];
    await drain();
    assert.equal(out, [0, 'a', 'c']);
    assert.is(a.state(), 'resolved');
    assert.is(b.state(), 'rejected');
    assert.is(c.state(), 'resolved');
    assert.is(q.empty(), true);
  });

  test('a put() whose item went in just before its abort in the same turn resolves (the item is in, not lost twice)', async () => {
    const q = new ThreadSafeQueue(new Array(2));
    q.putSync(0);
    const ac = new AbortController();
    const p = track(q.put(1, { signal: ac.signal }));
    assert.is(q.getSync(), 0);
    ac.abort();
    await drain();
    assert.is(p.state(), 'resolved');
    assert.equal(takeAll(q), [1]);
  });

  test('1000 get()s cancelled by timeout on an empty queue leave no timer and no waiter: the next put is queued', () =>
    withClock(async (clock) => {
      const q = new ThreadSafeQueue(new Array(3));
      const gs = [];
      for (let i = 0; i < 1000; i++) gs.push(track(q.get({ timeout: i % 7 })));
      await clock.tickAsync(10);
      assert.is(clock.countTimers(), 0);
      gs.forEach((g) => assert.is(g.state(), 'rejected'));
      q.putSync('x');
      assert.is(q.qsize(), 1);
    }));

  test('get() with an already-aborted signal on a queue with items rejects at once and takes nothing', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.putSync('a');
    const ac = new AbortController();
    ac.abort('late');
    const err = await rejectsLike(q.get({ signal: ac.signal }), AbortError, /already aborted/);
    assert.is(err.reason, 'late');
    assert.equal(takeAll(q), ['a']);
    assert.is(abortListeners(ac.signal), 0);
  });

  test('put() with an already-aborted signal on a queue with space rejects at once and puts nothing', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const ac = new AbortController();
    ac.abort();
    await rejectsLike(q.put('a', { signal: ac.signal }), AbortError, /already aborted/);
    assert.is(q.qsize(), 0);
  });

  test('put() with an already-aborted signal does not hand its item to a waiting get()', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const g = track(q.get());
    const ac = new AbortController();
    ac.abort();
    await rejectsLike(q.put('a', { signal: ac.signal }), AbortError);
    await drain();
    assert.is(g.state(), 'pending');
  });

  test.run();
}
