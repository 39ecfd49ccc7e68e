// ThreadSafeQueue in shared memory with real worker_threads: a million items through 16 slots.
import { test, suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ThreadSafeQueue, AbortError, QueueEmpty, QueueFull, TimeoutError, watchWorker } from '../../dist/shared.mjs';
import { settle, spawn, within } from './helpers.mjs';

const N = 1e6;

test('1e6 items worker to worker through 16 slots arrive once each, in order, and both sides blocked at times', async () => {
  const q = new ThreadSafeQueue(16, 'int32');
  // The producer pauses once (at 300k) so the consumer must block on empty; the consumer
  // pauses once (at 600k) so the producer must block on full.
  const producer = spawn(`
    const q = S.ThreadSafeQueue.from(workerData.q);
    for (let i = 0; i < workerData.n; i++) {
      if (i === 300000) sleep(30);
      q.putSync(i, true);
    }
    q.close();
    post({ putWaits: q.stats.putWaits });
  `, { q: q.share(), n: N });
  const consumer = spawn(`
    const q = S.ThreadSafeQueue.from(workerData.q);
    let expect = 0, bad = -1, got = 0;
    for (;;) {
      let x;
      try { x = q.getSync(true); } catch (e) { if (e instanceof S.QueueClosed) break; throw e; }
      if (x !== expect && bad < 0) bad = expect;
      expect++; got++;
      if (got === 600000) sleep(30);
    }
    post({ got, bad, getWaits: q.stats.getWaits });
  `, { q: q.share() });
  watchWorker(producer.worker, q);
  watchWorker(consumer.worker, q);
  const [p, c] = await within(Promise.all([producer.message(), consumer.message()]), 20000, 'the million-item transfer');
  assert.is(c.bad, -1, 'first out-of-order item');
  assert.is(c.got, N, 'items received');
  assert.ok(p.putWaits > 0, 'the producer blocked on a full queue at least once');
  assert.ok(c.getWaits > 0, 'the consumer blocked on an empty queue at least once');
  assert.is(await producer.exit, 0);
  assert.is(await consumer.exit, 0);
  assert.ok(q.closed() && q.empty());
});

test('1e6 items from the main thread (await put) to a worker (getSync(true)) and back (putSync(x, true) to for await), in order, both sides waiting at times', async () => {
  const down = new ThreadSafeQueue(16, 'int32');
  const up = new ThreadSafeQueue(16, 'int32');
  const echo = spawn(`
    const down = S.ThreadSafeQueue.from(workerData.down), up = S.ThreadSafeQueue.from(workerData.up);
    try { for (;;) up.putSync(down.getSync(true), true); } catch (e) { if (!(e instanceof S.QueueClosed)) throw e; }
    up.close();
    post({ getWaits: down.stats.getWaits, putWaits: up.stats.putWaits });
  `, { down: down.share(), up: up.share() });
  watchWorker(echo.worker, down, up);
  const sender = (async () => {
    for (let i = 0; i < N; i++) {
      if (i === 300000) await new Promise((r) => setTimeout(r, 30)); // the worker must block on empty
      await down.put(i);
    }
    down.close();
  })();
  const receiver = (async () => {
    let expect = 0;
    let bad = -1;
    for await (const x of up) {
      if (x !== expect && bad < 0) bad = expect;
      expect++;
      if (expect === 600000) await new Promise((r) => setTimeout(r, 30)); // the worker must block on full
    }
    return { got: expect, bad };
  })();
  const [, r] = await within(Promise.all([sender, receiver]), 30000, 'the million-item echo');
  const w = await echo.message();
  assert.is(r.bad, -1, 'first out-of-order item');
  assert.is(r.got, N, 'items received');
  assert.ok(w.getWaits > 0, 'the worker blocked on an empty queue');
  assert.ok(w.putWaits > 0, 'the worker blocked on a full queue');
  assert.ok(down.stats.putWaits > 0, 'the main thread awaited a full queue');
  assert.ok(up.stats.getWaits > 0, 'the main thread awaited an empty queue');
  assert.is(await echo.exit, 0);
});

test('float64 slots carry fractions, negatives, NaN and infinities across threads unchanged', async () => {
  const q = new ThreadSafeQueue(8, 'float64');
  const values = [0.1, -2.5, 1e300, -0, Number.MAX_SAFE_INTEGER, Infinity, -Infinity, NaN];
  const w = spawn(`
    const q = S.ThreadSafeQueue.from(workerData.q);
    const out = [];
    for (let i = 0; i < workerData.count; i++) out.push(q.getSync(true, 30000));
    post(out);
  `, { q: q.share(), count: values.length });
  for (const v of values) await q.put(v);
  const out = await w.message();
  assert.equal(out.map(String), values.map(String));
  assert.ok(Object.is(out[3], -0), '-0 stays -0');
  await w.exit;
});

const sync = suite('non-waiting twins and queries (one thread)');

sync('putSync on a full 4-slot queue throws QueueFull and qsize stays 3', () => {
  const q = new ThreadSafeQueue(4, 'uint32');
  q.putSync(1); q.putSync(2); q.putSync(3);
  assert.throws(() => q.putSync(4), (e) => e instanceof QueueFull);
  assert.is(q.qsize(), 3);
  assert.ok(q.full());
  assert.is(q.maxsize(), 3);
});

sync('getSync on an empty queue throws QueueEmpty and the queue stays empty', () => {
  const q = new ThreadSafeQueue(4);
  assert.throws(() => q.getSync(), (e) => e instanceof QueueEmpty);
  assert.ok(q.empty());
  assert.is(q.qsize(), 0);
});

sync('items go around the ring many times in order (a seeded random mix of puts and gets)', () => {
  const q = new ThreadSafeQueue(5, 'int32');
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
  let next = 0;
  let expect = 0;
  for (let step = 0; step < 20000; step++) {
    if (rnd() < 0.5 && !q.full()) q.putSync(next++ | 0);
    else if (!q.empty()) assert.is(q.getSync(), expect++ | 0);
    assert.is(q.qsize(), next - expect);
  }
  assert.ok(expect > 1000);
});

sync('a second object on the same buffer (from share()) sees the same items', () => {
  const a = new ThreadSafeQueue(8, 'int32');
  const b = ThreadSafeQueue.from(a.share());
  a.putSync(7); a.putSync(8);
  assert.is(b.qsize(), 2);
  assert.is(b.getSync(), 7);
  assert.is(a.qsize(), 1);
  b.putSync(9); // roles may move between objects: the caches notice
  assert.is(a.getSync(), 8);
  assert.is(a.getSync(), 9);
  assert.ok(a.empty() && b.empty());
});

sync('two consumer objects of one queue in one thread: when the other moves the read index by exactly one lap, no item of the old lap comes back', () => {
  const q = new ThreadSafeQueue(4, 'int32');
  const B = ThreadSafeQueue.from(q.share());
  const P = ThreadSafeQueue.from(q.share());
  P.putSync(1); P.putSync(2); P.putSync(3);
  assert.is(q.getSync(), 1);
  assert.is(B.getSync(), 2);
  assert.is(B.getSync(), 3);
  P.putSync(4); P.putSync(5);
  assert.is(B.getSync(), 4);
  assert.is(B.getSync(), 5); // the read index is back where q last left it, one lap later
  assert.is(q.qsize(), 0);
  assert.throws(() => q.getSync(), (e) => e.name === 'QueueEmpty', 'q sees the queue empty (it returned 2, from the last lap)');
  assert.is(q.qsize(), 0);
});

sync('two producer objects of one queue in one thread: when the other moves the write index by exactly one lap, a full queue stays full', () => {
  const q = new ThreadSafeQueue(4, 'int32'); // capacity 3
  const A = ThreadSafeQueue.from(q.share());
  const C = ThreadSafeQueue.from(q.share()); // the consumer
  q.putSync(1);
  A.putSync(2); A.putSync(3);
  assert.is(C.getSync(), 1); assert.is(C.getSync(), 2);
  A.putSync(4); A.putSync(5); // full (3, 4, 5), and the write index is back where q last left it, one lap later
  assert.is(q.full(), true);
  assert.throws(() => q.putSync(6), (e) => e.name === 'QueueFull', 'q must see the queue full');
  const out = [];
  while (!C.empty()) out.push(C.getSync());
  assert.equal(out, [3, 4, 5], 'a capacity-3 queue never gives more than 3 items');
});

sync('a queue of any slot count the constructor accepts can be shared: int32/uint32 with an odd count too', () => {
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

sync('-0 into an int32 or uint32 shared queue is a RangeError naming -0, and the queue stays empty; float64 keeps -0', async () => {
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

sync('bad items for the slot type are refused and the queue is unchanged', () => {
  const q = new ThreadSafeQueue(4, 'int32');
  assert.throws(() => q.putSync('1'), (e) => e instanceof TypeError && /item must be a number/.test(e.message));
  assert.throws(() => q.putSync(1.5), (e) => e instanceof RangeError && /int32/.test(e.message));
  assert.throws(() => q.putSync(2 ** 31), (e) => e instanceof RangeError);
  const u = new ThreadSafeQueue(4, 'uint32');
  assert.throws(() => u.putSync(-1), (e) => e instanceof RangeError);
  assert.ok(q.empty() && u.empty());
});

sync('bad constructor arguments name the argument', () => {
  assert.throws(() => new ThreadSafeQueue(1), (e) => e instanceof RangeError && /slots/.test(e.message));
  assert.throws(() => new ThreadSafeQueue(2.5), (e) => e instanceof RangeError);
  assert.throws(() => new ThreadSafeQueue('16'), (e) => e instanceof TypeError && /slots/.test(e.message));
  assert.throws(() => new ThreadSafeQueue(16, 'int8'), (e) => e instanceof TypeError && /type/.test(e.message));
  assert.throws(() => new ThreadSafeQueue(16, 'int32', {}, 1), (e) => e instanceof TypeError && /takes 3 argument\(s\) at most, got 4/.test(e.message));
  assert.throws(() => new ThreadSafeQueue(16, 'int32', 1), (e) => e instanceof TypeError && /options must be an object/.test(e.message));
});

sync('block=true on the main thread throws a TypeError that says why, instead of freezing', () => {
  const q = new ThreadSafeQueue(4);
  assert.throws(() => q.getSync(true), (e) => e instanceof TypeError && /main thread/.test(e.message));
  q.putSync(1); q.putSync(2); q.putSync(3);
  assert.throws(() => q.putSync(4, true, 10), (e) => e instanceof TypeError && /main thread/.test(e.message));
  assert.throws(() => q.getSync('yes'), (e) => e instanceof TypeError && /block must be a boolean/.test(e.message));
  assert.is(q.qsize(), 3);
});

const one = suite('async side on one thread (as the core queue)');

one('a waiting get() on the main thread receives an item put later on the same thread', async () => {
  const q = new ThreadSafeQueue(4, 'int32');
  const p = q.get({ timeout: 20000 });
  q.putSync(5);
  assert.is(await p, 5);
  assert.ok(q.empty());
});

one('an aborted get() rejects with AbortError and takes no item; the next get() gets it', async () => {
  const q = new ThreadSafeQueue(4, 'int32');
  const ac = new AbortController();
  const p = settle(q.get({ signal: ac.signal }));
  ac.abort();
  const r = await p;
  assert.ok(!r.ok && r.error instanceof AbortError);
  q.putSync(9);
  assert.is(q.qsize(), 1, 'the aborted get took nothing');
  assert.is(await q.get(), 9);
});

one('a put() that times out on a full queue rejects with TimeoutError and puts nothing', async () => {
  const q = new ThreadSafeQueue(2, 'int32');
  q.putSync(1);
  const r = await settle(q.put(2, { timeout: 10 }));
  assert.ok(!r.ok && r.error instanceof TimeoutError);
  assert.is(q.qsize(), 1);
  assert.is(q.getSync(), 1);
  assert.ok(q.empty());
});

one('waiting puts enter in order as a consumer frees slots, and putSync does not overtake them', async () => {
  const q = new ThreadSafeQueue(2, 'int32');
  q.putSync(0);
  const puts = [q.put(1), q.put(2)];
  assert.throws(() => q.putSync(3), (e) => e instanceof QueueFull);
  const got = [];
  for (let i = 0; i < 3; i++) got.push(await q.get({ timeout: 20000 }));
  await within(Promise.all(puts), 2000, 'the waiting puts');
  assert.equal(got, [0, 1, 2]);
});

test.run();
sync.run();
one.run();
