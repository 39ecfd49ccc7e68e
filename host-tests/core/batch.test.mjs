// ThreadSafeQueue batching: ready() waits for "at least one item" without taking it,
// getManySync() takes a batch in one call. Together: one promise job per batch on Kaluma.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { abortListeners, BUILDS, drain, rejectsLike, takeAll, throwsLike, track, withClock } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeQueue, AbortError, TimeoutError } = lib;

  const many = suite(`ThreadSafeQueue.getManySync: ${name}`);

  many('on 3 queued items with an Array(8) takes all 3 oldest first, returns 3, and the queue is empty', () => {
    const q = new ThreadSafeQueue(new Array(8));
    q.putSync('a');
    q.putSync('b');
    q.putSync('c');
    const into = new Array(8);
    assert.is(q.getManySync(into), 3);
    assert.equal(into.slice(0, 3), ['a', 'b', 'c']);
    assert.is(into[3], undefined);
    assert.is(q.qsize(), 0);
    assert.is(q.empty(), true);
  });

  many('takes at most into.length and at most max; the rest stays queued in order', () => {
    const q = new ThreadSafeQueue(new Array(10));
    for (let i = 0; i < 9; i++) q.putSync(i);
    const two = new Array(2);
    assert.is(q.getManySync(two), 2);
    assert.equal(two, [0, 1]);
    const big = new Array(8);
    assert.is(q.getManySync(big, 3), 3);
    assert.equal(big.slice(0, 3), [2, 3, 4]);
    assert.is(q.getManySync(big, 0), 0);
    assert.is(q.qsize(), 4);
    assert.equal(takeAll(q), [5, 6, 7, 8]);
  });

  many('across the end of the ring (wrap-around) the items come out in order', () => {
    const q = new ThreadSafeQueue(new Array(5));
    const into = new Array(4);
    let next = 0;
    let expect = 0;
    for (let round = 0; round < 20; round++) {
      const k = 1 + (round % 4);
      for (let i = 0; i < k; i++) q.putSync(next++);
      const n = q.getManySync(into);
      assert.is(n, k);
      for (let i = 0; i < n; i++) assert.is(into[i], expect++);
    }
    assert.is(q.empty(), true);
  });

  many('frees the slots it took: an Array buffer keeps no reference to the items', () => {
    const buf = new Array(4);
    const q = new ThreadSafeQueue(buf);
    const item = { big: true };
    q.putSync(item);
    q.putSync(item);
    q.getManySync(new Array(4));
    assert.not.ok(buf.includes(item));
  });

  many('on an empty queue returns 0 and does not throw; on a closed, drained queue too', () => {
    const q = new ThreadSafeQueue(new Array(4));
    const into = ['x'];
    assert.is(q.getManySync(into), 0);
    assert.equal(into, ['x']);
    q.putSync(1);
    q.close();
    assert.is(q.getManySync(into), 1);
    assert.equal(into, [1]);
    assert.is(q.getManySync(into), 0);
  });

  many('into a TypedArray from an Int32Array queue', () => {
    const q = new ThreadSafeQueue(new Int32Array(8));
    q.putSync(-5);
    q.putSync(7);
    const into = new Int32Array(4);
    assert.is(q.getManySync(into), 2);
    assert.equal(Array.from(into), [-5, 7, 0, 0]);
  });

  many('moves waiting put()s into the freed slots, in order, and resolves them', async () => {
    const q = new ThreadSafeQueue(new Array(3)); // holds 2
    q.putSync('a');
    q.putSync('b');
    const p1 = track(q.put('c'));
    const p2 = track(q.put('d'));
    const p3 = track(q.put('e'));
    const into = new Array(2);
    assert.is(q.getManySync(into), 2);
    assert.equal(into, ['a', 'b']);
    assert.is(q.qsize(), 2); // c and d moved in
    assert.is(q.full(), true);
    await drain();
    assert.is(p1.state(), 'resolved');
    assert.is(p2.state(), 'resolved');
    assert.is(p3.state(), 'pending');
    assert.equal(takeAll(q), ['c', 'd', 'e']);
    await drain();
    assert.is(p3.state(), 'resolved');
  });

  many('into a Float64Array with a bigint third item: the two before it are taken and returned, the bigint and the rest stay queued in order', () => {
    const q = new ThreadSafeQueue(new Array(8));
    for (const x of [1, 2, 3n, 4]) q.putSync(x);
    const into = new Float64Array(8);
    assert.is(q.getManySync(into), 2);
    assert.equal(Array.from(into.subarray(0, 2)), [1, 2]);
    assert.is(q.qsize(), 2);
    // the bigint is now first: nothing can be taken into a Float64Array, the engine's error says why
    throwsLike(() => q.getManySync(into), TypeError, /BigInt/);
    assert.is(q.qsize(), 2, 'a getManySync that threw took nothing');
    assert.equal(takeAll(q), [3n, 4]);
  });

  many('into a TypedArray, a Symbol item or an object whose valueOf throws stops the batch before it; nothing is lost', () => {
    const sym = Symbol('s');
    const bad = { valueOf() { throw new Error('no number'); } };
    for (const odd of [sym, bad]) {
      const q = new ThreadSafeQueue(new Array(6));
      for (const x of [7, odd, 8]) q.putSync(x);
      const into = new Int32Array(4);
      assert.is(q.getManySync(into), 1);
      assert.is(into[0], 7);
      assert.throws(() => q.getManySync(into));
      assert.is(q.qsize(), 2);
      assert.is(q.getSync(), odd);
      assert.is(q.getSync(), 8);
    }
  });

  many('into a TypedArray from a TypedArray queue whose items it cannot hold (BigInt64Array into Float64Array) throws and takes nothing', () => {
    const q = new ThreadSafeQueue(new BigInt64Array(4));
    q.putSync(5n);
    throwsLike(() => q.getManySync(new Float64Array(4)), TypeError, /BigInt/);
    assert.is(q.qsize(), 1);
    assert.is(q.getSync(), 5n);
  });

  many('with a max of -0 returns +0, not -0', () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.putSync(1);
    assert.ok(Object.is(q.getManySync(new Array(4), -0), 0));
    assert.is(q.qsize(), 1);
  });

  many('a bad into or max throws naming the argument, and takes nothing', () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.putSync(1);
    for (const bad of [undefined, null, 3, 'abc', {}]) {
      throwsLike(() => q.getManySync(bad), TypeError, /getManySync: into must be an Array or a TypedArray/);
    }
    throwsLike(() => q.getManySync([], -1), RangeError, /getManySync: max must be an integer >= 0, got -1/);
    throwsLike(() => q.getManySync([], 1.5), RangeError, /max must be an integer/);
    throwsLike(() => q.getManySync([], NaN), RangeError, /max must be an integer/);
    throwsLike(() => q.getManySync([], '2'), TypeError, /getManySync: max must be an integer >= 0, got the string "2"/);
    assert.is(q.qsize(), 1);
  });

  many('an object that only looks like a TypedArray ({ length, byteOffset }) or a DataView is refused as into, and nothing is taken', () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.putSync(1);
    for (const fake of [{ length: 4, byteOffset: 0 }, { length: 4, byteOffset: 0, buffer: new ArrayBuffer(4) }, new DataView(new ArrayBuffer(8))]) {
      throwsLike(() => q.getManySync(fake), TypeError, /getManySync: into must be an Array or a TypedArray, got an object/);
    }
    assert.is(q.qsize(), 1);
  });

  const ready = suite(`ThreadSafeQueue.ready: ${name}`);

  ready('with an item queued resolves at once with a shared settled promise, takes nothing, and does not call onwait', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    let waits = 0;
    q.onwait = () => waits++;
    q.putSync('x');
    const a = q.ready();
    const b = q.ready();
    assert.is(a, b);
    assert.is(await a, undefined);
    assert.is(q.qsize(), 1);
    assert.is(q.hasWaiters(), false);
    assert.is(waits, 0);
  });

  ready('on an empty queue waits, calls onwait once, and resolves on the next putSync, which stays queued', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    let waits = 0;
    q.onwait = () => waits++;
    const r = track(q.ready());
    assert.is(waits, 1);
    assert.is(q.hasWaiters(), true);
    await drain();
    assert.is(r.state(), 'pending');
    q.putSync('x');
    assert.is(q.hasWaiters(), false);
    await drain();
    assert.is(r.state(), 'resolved');
    assert.is(q.qsize(), 1);
    assert.equal(takeAll(q), ['x']);
  });

  ready('two ready()s waiting both wake on the first item; the item is queued once', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const r1 = track(q.ready());
    const r2 = track(q.ready());
    q.putSync(1);
    await drain();
    assert.is(r1.state(), 'resolved');
    assert.is(r2.state(), 'resolved');
    assert.equal(takeAll(q), [1]);
  });

  ready('a ready() and a get() waiting: the first item goes to the get(), ready() resolves too, the queue is empty', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const r = track(q.ready());
    const g = track(q.get());
    q.putSync('item');
    await drain();
    assert.is(g.state(), 'resolved');
    assert.is(g.value, 'item');
    assert.is(r.state(), 'resolved');
    assert.is(q.qsize(), 0);
    assert.is(q.hasWaiters(), false);
    assert.is(q.getManySync(new Array(4)), 0);
  });

  ready('a next() waiting before a ready(): the item goes to next(), ready() resolves too', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const n = track(q.next());
    const r = track(q.ready());
    q.putSync(5);
    await drain();
    assert.equal(n.value, { value: 5, done: false });
    assert.is(r.state(), 'resolved');
    assert.is(q.qsize(), 0);
  });

  ready('on a closed queue resolves at once; close() while ready() waits resolves it', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const r = track(q.ready());
    q.close();
    await drain();
    assert.is(r.state(), 'resolved');
    assert.is(q.hasWaiters(), false);
    const again = track(q.ready());
    await drain();
    assert.is(again.state(), 'resolved');
    assert.is(q.getManySync(new Array(2)), 0);
  });

  ready('ready({ signal }) aborted rejects with AbortError, leaves no listener, and a later putSync stays queued', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const ac = new AbortController();
    const r = q.ready({ signal: ac.signal });
    ac.abort();
    await rejectsLike(r, AbortError);
    assert.is(abortListeners(ac.signal), 0);
    assert.is(q.hasWaiters(), false);
    q.putSync('kept');
    assert.equal(takeAll(q), ['kept']);
  });

  ready('ready() with an already-aborted signal rejects at once even with an item queued, and takes nothing', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.putSync(1);
    const ac = new AbortController();
    ac.abort();
    await rejectsLike(q.ready({ signal: ac.signal }), AbortError, /already aborted/);
    assert.is(q.qsize(), 1);
  });

  ready('ready({ timeout }) rejects with TimeoutError when no item comes, leaves no timer, and the queue still works', () =>
    withClock(async (clock) => {
      const q = new ThreadSafeQueue(new Array(4));
      const r = track(q.ready({ timeout: 50 }));
      clock.tick(49);
      await drain();
      assert.is(r.state(), 'pending');
      clock.tick(1);
      await drain();
      assert.is(r.state(), 'rejected');
      assert.ok(r.error instanceof TimeoutError);
      assert.is(clock.countTimers(), 0);
      assert.is(q.hasWaiters(), false);
      q.putSync(2);
      assert.equal(takeAll(q), [2]);
    }));

  ready('ready({ timeout }) woken by an item clears its timer', () =>
    withClock(async (clock) => {
      const q = new ThreadSafeQueue(new Array(4));
      const r = track(q.ready({ timeout: 50 }));
      q.putSync(1);
      await drain();
      assert.is(r.state(), 'resolved');
      assert.is(clock.countTimers(), 0);
    }));

  ready('bad options throw naming ready', () => {
    const q = new ThreadSafeQueue(new Array(4));
    throwsLike(() => q.ready(5), TypeError, /ThreadSafeQueue\.ready: options must be an object/);
    throwsLike(() => q.ready({ timeout: -1 }), RangeError, /ThreadSafeQueue\.ready: options\.timeout/);
    assert.is(q.hasWaiters(), false);
  });

  ready('the batching consumer loop gets every item once, in order, with one wake-up per batch', async () => {
    const q = new ThreadSafeQueue(new Array(17));
    const batch = new Array(16);
    const got = [];
    let wakeups = 0;
    let stop = false;
    function consume() {
      q.ready().then(() => {
        wakeups++;
        const n = q.getManySync(batch);
        for (let i = 0; i < n; i++) got.push(batch[i]);
        if (!stop) consume();
      });
    }
    consume();
    let next = 0;
    for (let tick = 0; tick < 10; tick++) {
      for (let k = 0; k < 16; k++) q.putSync(next++);
      await drain();
    }
    stop = true;
    q.close();
    await drain();
    assert.equal(got, Array.from({ length: 160 }, (_, i) => i));
    assert.ok(wakeups <= 11, `${wakeups} wake-ups for 10 batches`);
  });

  ready.run();
  many.run();
}
