// ThreadSafeQueue.putManySync: the producer's batch twin of getManySync(), one call
// per batch. It puts as many items as fit, in order, and stops at the first it cannot put.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BUILDS, drain, takeAll, throwsLike, track } from './helpers.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeQueue } = lib;
  const many = suite(`ThreadSafeQueue.putManySync: ${name}`);

  many('on an empty Array(8) queue puts all 5 items in order and returns 5', () => {
    const q = new ThreadSafeQueue(new Array(8));
    assert.is(q.putManySync(['a', 'b', 'c', 'd', 'e']), 5);
    assert.is(q.qsize(), 5);
    assert.equal(takeAll(q), ['a', 'b', 'c', 'd', 'e']);
  });

  many('with start and count puts only that slice', () => {
    const q = new ThreadSafeQueue(new Array(8));
    assert.is(q.putManySync([1, 2, 3, 4, 5, 6], 2, 3), 3);
    assert.equal(takeAll(q), [3, 4, 5]);
    assert.is(q.putManySync([1, 2, 3], 3), 0, 'start at the end: nothing');
    assert.is(q.qsize(), 0);
  });

  many('on a queue with room for 2 puts 2, returns 2, and putSync of the third says QueueFull', () => {
    const q = new ThreadSafeQueue(new Array(4)); // holds 3
    q.putSync('x');
    const items = ['a', 'b', 'c'];
    assert.is(q.putManySync(items), 2);
    assert.is(q.full(), true);
    throwsLike(() => q.putSync(items[2]), lib.QueueFull);
    assert.equal(takeAll(q), ['x', 'a', 'b']);
  });

  many('across the end of the ring (wrap-around) the items come out in order', () => {
    const q = new ThreadSafeQueue(new Array(5));
    for (let lap = 0; lap < 7; lap++) {
      assert.is(q.putManySync([lap, lap + 0.5, lap + 0.25]), 3);
      assert.equal(takeAll(q), [lap, lap + 0.5, lap + 0.25]);
    }
  });

  many('a waiting get() takes the first item and the rest is queued; a waiting ready() wakes', async () => {
    const q = new ThreadSafeQueue(new Array(8));
    const got = q.get();
    assert.is(q.putManySync([1, 2, 3]), 3);
    assert.is(await got, 1);
    assert.equal(takeAll(q), [2, 3]);
    const ready = q.ready();
    assert.is(q.putManySync([4, 5]), 2);
    await ready;
    assert.equal(takeAll(q), [4, 5]);
    assert.is(q.hasWaiters(), false);
  });

  many('with two get()s waiting, each takes one item in order and the rest is queued; a later putSync is queued too', async () => {
    const q = new ThreadSafeQueue(new Array(8));
    const a = track(q.get());
    const b = track(q.get());
    assert.is(q.putManySync([1, 2, 3]), 3);
    q.putSync(4);
    await drain();
    assert.equal([a.state(), a.value, b.state(), b.value], ['resolved', 1, 'resolved', 2]);
    assert.is(q.hasWaiters(), false);
    assert.equal(takeAll(q), [3, 4]);
  });

  many('a Float64Array and a Float32Array queue take -0 in a batch, as putSync does (integer arrays refuse it)', () => {
    for (const Buf of [Float64Array, Float32Array]) {
      const q = new ThreadSafeQueue(new Buf(4));
      assert.is(q.putManySync([1, -0, 2]), 3, Buf.name);
      const items = takeAll(q);
      assert.equal(items, [1, -0, 2]);
      assert.ok(Object.is(items[1], -0), Buf.name + ' keeps -0');
    }
  });

  many('a waiting next() gets { value, done: false } for the first item', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const r = q.next();
    q.putManySync(['a', 'b']);
    assert.equal(await r, { value: 'a', done: false });
    assert.is(q.getSync(), 'b');
  });

  many('on a closed queue puts nothing and returns 0; putSync of the first item says QueueClosed', () => {
    const q = new ThreadSafeQueue(new Array(4));
    q.close();
    assert.is(q.putManySync([1, 2]), 0);
    throwsLike(() => q.putSync(1), lib.QueueClosed);
    assert.is(q.qsize(), 0);
  });

  many('an Int16Array queue stops at the first item it cannot hold (70000): the ones before it are in', () => {
    const q = new ThreadSafeQueue(new Int16Array(8));
    const items = [1, 2, 70000, 4];
    assert.is(q.putManySync(items), 2);
    throwsLike(() => q.putSync(items[2]), RangeError);
    assert.equal(takeAll(q), [1, 2]);
    assert.is(q.putManySync(items, 3), 1);
    assert.equal(takeAll(q), [4]);
  });

  many('an Int32Array queue stops at -0 and at a string', () => {
    const q = new ThreadSafeQueue(new Int32Array(8));
    assert.is(q.putManySync([5, -0, 6]), 1);
    assert.is(q.putManySync(['7']), 0);
    assert.equal(takeAll(q), [5]);
  });

  many('a TypedArray of items works as the source', () => {
    const q = new ThreadSafeQueue(new Array(8));
    assert.is(q.putManySync(new Uint8Array([9, 8, 7])), 3);
    assert.equal(takeAll(q), [9, 8, 7]);
  });

  many('bad arguments throw TypeError/RangeError naming the argument, and nothing is put', () => {
    const q = new ThreadSafeQueue(new Array(8));
    throwsLike(() => q.putManySync('abc'), TypeError, /putManySync: items must be an Array or a TypedArray, got the string "abc"/);
    throwsLike(() => q.putManySync(null), TypeError, /items/);
    throwsLike(() => q.putManySync([1], -1), RangeError, /start must be an integer 0\.\.1, got -1/);
    throwsLike(() => q.putManySync([1], 2), RangeError, /start/);
    throwsLike(() => q.putManySync([1], 0.5), RangeError, /start/);
    throwsLike(() => q.putManySync([1], '0'), TypeError, /start must be a number/);
    throwsLike(() => q.putManySync([1, 2], 1, 2), RangeError, /count must be an integer 0\.\.1, got 2/);
    throwsLike(() => q.putManySync([1, 2], 0, null), TypeError, /count must be a number/);
    assert.is(q.qsize(), 0);
  });

  many('a bigint or Symbol count (or start) is a TypeError naming it, not the engine\'s "Cannot mix BigInt", and nothing is put', () => {
    const q = new ThreadSafeQueue(new Array(8));
    throwsLike(() => q.putManySync([1, 2], 0, 1n), TypeError, /putManySync: count must be a number, got 1n/);
    throwsLike(() => q.putManySync([1, 2], 0, Symbol('n')), TypeError, /putManySync: count must be a number, got a symbol/);
    throwsLike(() => q.putManySync([1, 2], 1n), TypeError, /putManySync: start must be a number, got 1n/);
    throwsLike(() => q.putManySync([1, 2], Symbol('s')), TypeError, /putManySync: start must be a number, got a symbol/);
    assert.is(q.qsize(), 0);
  });

  many('an object that only looks like a TypedArray ({ length, byteOffset }) is refused as items, and nothing is put', () => {
    const q = new ThreadSafeQueue(new Array(8));
    throwsLike(() => q.putManySync({ length: 2, byteOffset: 0, 0: 1, 1: 2 }), TypeError, /putManySync: items must be an Array or a TypedArray, got an object/);
    assert.is(q.qsize(), 0);
  });

  many('putManySync then getManySync moves 1,000 items through 16 slots in order', async () => {
    const q = new ThreadSafeQueue(new Array(16));
    const src = Array.from({ length: 1000 }, (_, i) => i);
    const into = new Array(16);
    const out = [];
    let i = 0;
    while (out.length < 1000) {
      i += q.putManySync(src, i, Math.min(7, 1000 - i));
      const k = q.getManySync(into, 5);
      for (let j = 0; j < k; j++) out.push(into[j]);
    }
    assert.equal(out, src);
    await drain();
  });

  many.run();
}
