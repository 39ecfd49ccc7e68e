// ThreadSafeQueue (micropython-async THREADING.md §2.2): a fixed-capacity ring on a caller-supplied buffer.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILDS, drain, rejectsLike, takeAll, throwsLike, track } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeQueue, QueueFull, QueueEmpty, QueueClosed } = lib;

  // --- the synchronous side -------------------------------------------------------
  const sync = suite(`ThreadSafeQueue sync side: ${name}`);

  sync('a new queue on 10 slots is empty: qsize() 0, empty() true, full() false, maxsize() 9', () => {
    const q = new ThreadSafeQueue(new Array(10));
    assert.is(q.qsize(), 0);
    assert.is(q.empty(), true);
    assert.is(q.full(), false);
    assert.is(q.maxsize(), 9);
  });

  sync('a buffer of N slots holds N-1 items: after N-1 putSync full() is true and qsize() is N-1', () => {
    for (const n of [2, 3, 10]) {
      const q = new ThreadSafeQueue(new Array(n));
      for (let i = 0; i < n - 1; i++) {
        assert.is(q.full(), false);
        q.putSync(i);
        assert.is(q.qsize(), i + 1);
        assert.is(q.empty(), false);
      }
      assert.is(q.full(), true);
    }
  });

  sync('putSync on a full queue throws QueueFull, qsize stays N-1 and the items are intact', () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.putSync('a'); q.putSync('b'); q.putSync('c');
    const err = throwsLike(() => q.putSync('d'), QueueFull, /full \(capacity 3\)/);
    assert.is(err.name, 'QueueFull');
    assert.is(q.qsize(), 3);
    assert.is(q.full(), true);
    assert.equal(takeAll(q), ['a', 'b', 'c']);
  });

  sync('getSync on an empty queue throws QueueEmpty and qsize stays 0', () => {
    const q = new ThreadSafeQueue(new Array(4));
    const err = throwsLike(() => q.getSync(), QueueEmpty, /empty/);
    assert.is(err.name, 'QueueEmpty');
    assert.is(q.qsize(), 0);
    assert.is(q.empty(), true);
  });

  sync('getSync returns the items first in, first out, around the ring several times', () => {
    const q = new ThreadSafeQueue(new Array(3));
    const out = [];
    for (let i = 0; i < 20; i++) {
      q.putSync(i);
      if (i % 2) { out.push(q.getSync()); out.push(q.getSync()); }
    }
    assert.equal(out, Array.from({ length: 20 }, (_, i) => i));
    assert.is(q.empty(), true);
  });

  sync('the items live in the caller\'s buffer, which keeps its length and is never replaced', () => {
    const buf = new Array(4);
    const q = new ThreadSafeQueue(buf);
    q.putSync('x'); q.putSync('y');
    assert.ok(buf.includes('x') && buf.includes('y'));
    for (let i = 0; i < 10; i++) { q.putSync(i); q.getSync(); }
    assert.is(buf.length, 4);
    const ints = new Uint16Array(5);
    const qi = new ThreadSafeQueue(ints);
    qi.putSync(65535);
    assert.is(ints[0], 65535);
    assert.is(ints.length, 5);
  });

  sync('getSync on an Array buffer clears the slot it read (the queue keeps no reference to a taken item)', () => {
    const buf = new Array(3).fill('old');
    const q = new ThreadSafeQueue(buf);
    const item = { big: true };
    q.putSync(item);
    assert.is(q.getSync(), item);
    assert.not.ok(buf.includes(item));
  });

  sync('any value goes on an Array-buffer queue: undefined, null, objects, functions', () => {
    const q = new ThreadSafeQueue(new Array(6));
    const obj = {};
    const fn = () => 1;
    for (const v of [undefined, null, obj, fn, NaN]) q.putSync(v);
    const out = takeAll(q);
    assert.is(out[0], undefined);
    assert.is(out[1], null);
    assert.is(out[2], obj);
    assert.is(out[3], fn);
    assert.ok(Number.isNaN(out[4]));
  });

  sync('an Array-buffer queue holds references: an object changed after putSync reaches the consumer changed (THREADING.md\'s object-ownership rule)', () => {
    const q = new ThreadSafeQueue(new Array(3));
    const reading = [1, 2, 3];
    q.putSync(reading);
    reading[0] = 99; // the producer kept using an object it no longer owns
    const got = q.getSync();
    assert.is(got, reading);
    assert.equal(got, [99, 2, 3]);
  });

  sync('a TypedArray queue copies numbers in: changing the producer\'s variable after putSync changes nothing', () => {
    const q = new ThreadSafeQueue(new Float64Array(3));
    let x = 1.25;
    q.putSync(x);
    x = 7;
    assert.is(q.getSync(), 1.25);
  });

  sync('putSync(x, true) throws a TypeError at once (no second thread here) and the queue is unchanged', () => {
    const q = new ThreadSafeQueue(new Array(3));
    q.putSync(1);
    throwsLike(() => q.putSync(2, true), TypeError, /putSync: block=true needs a second thread/);
    assert.is(q.qsize(), 1);
    q.putSync(2, false);
    assert.is(q.qsize(), 2);
  });

  sync('getSync(true) throws a TypeError at once (no second thread here) and the queue is unchanged', () => {
    const q = new ThreadSafeQueue(new Array(3));
    q.putSync(1);
    throwsLike(() => q.getSync(true), TypeError, /getSync: block=true needs a second thread/);
    assert.is(q.qsize(), 1);
    assert.is(q.getSync(false), 1);
  });

  sync.run();

  // --- the asynchronous side ------------------------------------------------------
  const async = suite(`ThreadSafeQueue async side: ${name}`);

  async('put() on a queue with space resolves and the item is queued at once', async () => {
    const q = new ThreadSafeQueue(new Array(3));
    const p = track(q.put('a'));
    assert.is(q.qsize(), 1);
    await drain();
    assert.is(p.state(), 'resolved');
  });

  async('put() on a full queue waits for space: it resolves after getSync frees a slot, and its item is last', async () => {
    const q = new ThreadSafeQueue(new Array(3));
    q.putSync(1); q.putSync(2);
    const p = track(q.put(3));
    await drain();
    assert.is(p.state(), 'pending');
    assert.is(q.qsize(), 2);
    assert.is(q.getSync(), 1);
    assert.is(q.qsize(), 2); // the waiting item moved into the freed slot
    assert.is(q.full(), true);
    await drain();
    assert.is(p.state(), 'resolved');
    assert.equal(takeAll(q), [2, 3]);
  });

  async('several put()s waiting on a full queue go in, in the order they were called', async () => {
    const q = new ThreadSafeQueue(new Array(2));
    q.putSync(0);
    const ps = [1, 2, 3].map((v) => track(q.put(v)));
    const out = [];
    for (let i = 0; i < 4; i++) out.push(q.getSync());
    await drain();
    assert.equal(out, [0, 1, 2, 3]);
    ps.forEach((p) => assert.is(p.state(), 'resolved'));
    assert.is(q.empty(), true);
  });

  async('get() on an empty queue waits for an item: putSync hands it over and qsize stays 0', async () => {
    const q = new ThreadSafeQueue(new Array(3));
    const g = track(q.get());
    await drain();
    assert.is(g.state(), 'pending');
    q.putSync('item');
    assert.is(q.qsize(), 0);
    await drain();
    assert.is(g.state(), 'resolved');
    assert.is(g.value, 'item');
  });

  async('get() on a queue with items resolves with the oldest and removes it', async () => {
    const q = new ThreadSafeQueue(new Array(3));
    q.putSync('a'); q.putSync('b');
    assert.is(await q.get(), 'a');
    assert.is(q.qsize(), 1);
  });

  async('several get()s waiting receive the items in order', async () => {
    const q = new ThreadSafeQueue(new Array(2));
    const gs = [track(q.get()), track(q.get()), track(q.get())];
    q.putSync(1); q.putSync(2); q.putSync(3); // each goes straight to a waiter: never QueueFull
    await drain();
    assert.equal(gs.map((g) => g.value), [1, 2, 3]);
    assert.is(q.empty(), true);
  });

  async('for await retrieves the items in order as they are put, and ends after close()', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const got = [];
    const consumer = (async () => { for await (const x of q) got.push(x); })();
    q.putSync(1); q.putSync(2);
    await drain();
    assert.equal(got, [1, 2]);
    q.putSync(3);
    q.close();
    await consumer;
    assert.equal(got, [1, 2, 3]);
  });

  async('next() by hand (no Symbol needed) gives { value, done: false }, then { done: true } once closed and drained', async () => {
    const q = new ThreadSafeQueue(new Array(3));
    q.putSync('a');
    assert.equal(await q.next(), { value: 'a', done: false });
    const pending = track(q.next());
    q.putSync('b');
    await drain();
    assert.equal(pending.value, { value: 'b', done: false });
    q.close();
    const end = await q.next();
    assert.is(end.done, true);
    assert.is(end.value, undefined);
  });

  async('the queue is its own async iterator: q[Symbol.asyncIterator]() === q', () => {
    const q = new ThreadSafeQueue(new Array(3));
    assert.is(q[Symbol.asyncIterator](), q);
  });

  async('breaking out of for await leaves the queue usable and its items in place', async () => {
    const q = new ThreadSafeQueue(new Array(5));
    q.putSync(1); q.putSync(2); q.putSync(3);
    for await (const x of q) if (x === 1) break;
    assert.is(q.closed(), false);
    assert.equal(takeAll(q), [2, 3]);
  });

  async('one producer task with put() and one consumer with for await move 1000 items in order through 4 slots', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const producer = (async () => {
      for (let i = 1; i <= 1000; i++) await q.put(i);
      q.close();
    })();
    let n = 0;
    for await (const x of q) assert.is(x, ++n);
    await producer;
    assert.is(n, 1000);
  });

  async.run();

  // --- close() ---------------------------------------------------------------------------
  const close = suite(`ThreadSafeQueue.close: ${name}`);

  close('close() on a queue with items: closed() is true, the rest can still be taken, then getSync throws QueueClosed', () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.putSync(1); q.putSync(2);
    q.close();
    assert.is(q.closed(), true);
    assert.is(q.qsize(), 2);
    assert.equal(takeAll(q), [1, 2]);
    throwsLike(() => q.getSync(), QueueClosed, /closed and empty/);
  });

  close('for await ends after draining the remaining items', async () => {
    const q = new ThreadSafeQueue(new Array(5));
    q.putSync('a'); q.putSync('b'); q.putSync('c');
    q.close();
    const got = [];
    for await (const x of q) got.push(x);
    assert.equal(got, ['a', 'b', 'c']);
    assert.is(q.empty(), true);
  });

  close('putSync after close() throws QueueClosed and the queue is unchanged', () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.putSync(1);
    q.close();
    const err = throwsLike(() => q.putSync(2), QueueClosed, /closed/);
    assert.is(err.name, 'QueueClosed');
    assert.is(q.qsize(), 1);
  });

  close('put() after close() rejects with QueueClosed and the queue is unchanged', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.close();
    await rejectsLike(q.put(1), QueueClosed, /closed/);
    assert.is(q.qsize(), 0);
  });

  close('a get() waiting on an empty queue is released by close() with QueueClosed', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const g = q.get();
    q.close();
    await rejectsLike(g, QueueClosed, /closed/);
  });

  close('a for await waiting on an empty queue ends when the queue is closed', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    let ended = false;
    const consumer = (async () => { for await (const x of q) assert.unreachable(`got ${x}`); ended = true; })();
    await drain();
    assert.is(ended, false);
    q.close();
    await consumer;
    assert.is(ended, true);
  });

  close('get() on a closed, drained queue rejects with QueueClosed at once', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.close();
    await rejectsLike(q.get(), QueueClosed, /closed and empty/);
  });

  close('pending put()s reject with QueueClosed on close() and their items are never queued', async () => {
    const q = new ThreadSafeQueue(new Array(3));
    q.putSync(1); q.putSync(2);
    const p3 = q.put(3);
    const p4 = q.put(4);
    q.close();
    await rejectsLike(p3, QueueClosed, /closed before the item could be put/);
    await rejectsLike(p4, QueueClosed);
    assert.equal(takeAll(q), [1, 2]);
  });

  close('close() twice does nothing more', async () => {
    const q = new ThreadSafeQueue(new Array(3));
    q.putSync(1);
    q.close();
    q.close();
    assert.is(q.closed(), true);
    assert.is(q.getSync(), 1);
  });

  close.run();

  // --- TypedArray buffers ----------------------------------------------------------------
  const typed = suite(`ThreadSafeQueue on a TypedArray: ${name}`);

  function refuses(buf, item, Err, re, good = 7) {
    const q = new ThreadSafeQueue(buf);
    q.putSync(good);
    throwsLike(() => q.putSync(item), Err, re);
    throwsLike(() => q.put(item), Err, re);
    assert.is(q.qsize(), 1, 'the queue is unchanged');
    assert.is(buf[0], good, 'the queued item\'s slot is untouched');
    assert.is(q.getSync(), good);
    assert.is(q.empty(), true);
  }

  typed('a Uint8Array queue stores and returns bytes in order and full() at N-1', () => {
    const q = new ThreadSafeQueue(new Uint8Array(4));
    q.putSync(0); q.putSync(128); q.putSync(255);
    assert.is(q.full(), true);
    assert.equal(takeAll(q), [0, 128, 255]);
  });

  typed('an Int16Array queue refuses a string with a TypeError naming the item, and stays unchanged', () => {
    refuses(new Int16Array(4), '5', TypeError, /item must be a number for an Int16Array buffer, got the string "5"/);
  });

  typed('a Float64Array queue refuses NaN with a RangeError and stays unchanged', () => {
    refuses(new Float64Array(4), NaN, RangeError, /item NaN cannot be stored faithfully/);
  });

  typed('an Int32Array queue refuses a fraction with a RangeError and stays unchanged', () => {
    refuses(new Int32Array(4), 1.5, RangeError, /would become 1/);
  });

  typed('a Uint8Array queue refuses 256 and -1 with a RangeError and stays unchanged', () => {
    refuses(new Uint8Array(4), 256, RangeError, /item 256/);
    refuses(new Uint8Array(4), -1, RangeError, /item -1/);
  });

  typed('an Int8Array queue refuses 128 and Infinity with a RangeError', () => {
    refuses(new Int8Array(4), 128, RangeError, /item 128/);
    refuses(new Int8Array(4), Infinity, RangeError, /item Infinity/);
  });

  typed('a Uint8ClampedArray queue refuses 300 instead of clamping it to 255', () => {
    refuses(new Uint8ClampedArray(4), 300, RangeError, /would become 255/);
  });

  typed('a Float32Array queue takes 0.5 but refuses 0.1, which it would round', () => {
    const q = new ThreadSafeQueue(new Float32Array(3));
    q.putSync(0.5);
    assert.is(q.getSync(), 0.5);
    refuses(new Float32Array(3), 0.1, RangeError, /0\.1 cannot be stored faithfully in a Float32Array/);
  });

  typed('a Float64Array queue takes Infinity and -0', () => {
    const q = new ThreadSafeQueue(new Float64Array(3));
    q.putSync(Infinity); q.putSync(-0);
    assert.equal(takeAll(q), [Infinity, -0]);
  });

  typed('a TypedArray queue refuses null, undefined, a boolean and an object with a TypeError', () => {
    for (const bad of [null, undefined, true, {}]) refuses(new Int32Array(3), bad, TypeError, /item must be a number/);
  });

  typed('a BigInt64Array queue takes bigints and refuses a number with a TypeError', () => {
    const q = new ThreadSafeQueue(new BigInt64Array(3));
    q.putSync(5n);
    assert.is(q.getSync(), 5n);
    refuses(new BigInt64Array(3), 5, TypeError, /item must be a bigint for a BigInt64Array buffer, got 5/, 7n);
  });

  typed('a refused item on a full TypedArray queue leaves every item in place', () => {
    const q = new ThreadSafeQueue(new Int8Array(3));
    q.putSync(1); q.putSync(2);
    throwsLike(() => q.putSync(1000), RangeError);
    throwsLike(() => q.putSync(3), QueueFull);
    assert.equal(takeAll(q), [1, 2]);
  });

  typed('a refused item is not handed to a waiting get(): the getter keeps waiting', async () => {
    const q = new ThreadSafeQueue(new Uint8Array(3));
    const g = track(q.get());
    throwsLike(() => q.putSync(-5), RangeError);
    await drain();
    assert.is(g.state(), 'pending');
    q.putSync(5);
    await drain();
    assert.is(g.value, 5);
  });

  typed('-0 into an integer TypedArray queue is a RangeError naming -0, and the queue stays empty; float arrays and Arrays keep -0', () => {
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

  typed.run();
}
