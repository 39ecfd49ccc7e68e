// Overflow policies of the core ThreadSafeQueue ({ overflow: 'reject' | 'drop-newest' |
// 'drop-oldest' }, dropped()): on every bundle the core tests run on, with a model test
// (fast-check) against a reference list; and the Kaluma sources counting a policy's drops.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { BUILDS, drain, rejectsLike, takeAll, throwsLike, track } from '../core/helpers.mjs';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';

for (const { name, lib } of BUILDS) {
  const { ThreadSafeQueue, QueueFull } = lib;
  const test = suite(`overflow policy: ${name}`);
  const filled = (policy, n = 4) => {
    const q = new ThreadSafeQueue(new Array(n), { overflow: policy });
    for (let i = 1; i < n; i++) q.putSync(i);
    return q;
  };

  test("the default is 'reject': putSync on a full queue throws QueueFull, nothing is dropped", () => {
    const q = filled(undefined);
    assert.is(q.overflow(), 'reject');
    throwsLike(() => q.putSync(9), QueueFull);
    assert.is(q.dropped(), 0);
    assert.equal(takeAll(q), [1, 2, 3]);
    assert.is(new ThreadSafeQueue(new Array(2), { overflow: 'reject' }).overflow(), 'reject');
  });

  test("'drop-newest': putSync on a full queue drops the new item, counts it, and the queue keeps what it had", () => {
    const q = filled('drop-newest');
    q.putSync(9);
    q.putSync(10);
    assert.is(q.dropped(), 2);
    assert.is(q.qsize(), 3);
    assert.equal(takeAll(q), [1, 2, 3]);
    q.putSync(11);
    assert.equal(takeAll(q), [11]);
  });

  test("'drop-oldest': putSync on a full queue drops the oldest item, counts it, and the new one is last", () => {
    const q = filled('drop-oldest');
    q.putSync(9);
    assert.is(q.dropped(), 1);
    assert.is(q.qsize(), 3);
    q.putSync(10);
    assert.equal(takeAll(q), [3, 9, 10]);
    assert.is(q.dropped(), 2);
  });

  test('under a drop policy put() never waits: it resolves at once on a full queue', async () => {
    for (const policy of ['drop-newest', 'drop-oldest']) {
      const q = filled(policy);
      const p = track(q.put(7));
      await drain();
      assert.is(p.state(), 'resolved', policy);
      assert.is(q.dropped(), 1);
      assert.is(q.hasWaiters(), false);
    }
  });

  test("putManySync under 'drop-newest' takes care of every item: those that fit go in, the rest are dropped and counted", () => {
    const q = new ThreadSafeQueue(new Array(5), { overflow: 'drop-newest' });
    q.putSync(0);
    assert.is(q.putManySync([1, 2, 3, 4, 5, 6]), 6);
    assert.is(q.dropped(), 3);
    assert.equal(takeAll(q), [0, 1, 2, 3]);
  });

  test("putManySync under 'drop-oldest': a batch longer than the queue leaves its last N-1 items; every other item counted", () => {
    const q = new ThreadSafeQueue(new Array(4), { overflow: 'drop-oldest' });
    q.putSync('a');
    q.putSync('b');
    assert.is(q.putManySync([1, 2]), 2);
    assert.equal(q.dropped(), 1, 'a went');
    assert.is(q.putManySync([3, 4, 5, 6, 7], 0, 5), 5);
    assert.is(q.dropped(), 1 + 3 + 2, 'b, 1, 2 from the queue and 3, 4 from the batch');
    assert.equal(takeAll(q), [5, 6, 7]);
  });

  test('a TypedArray queue under drop-oldest keeps order and still refuses an item it cannot hold', () => {
    const q = new ThreadSafeQueue(new Int16Array(4), { overflow: 'drop-oldest' });
    q.putManySync(Int16Array.of(1, 2, 3, 4, 5));
    assert.equal(takeAll(q), [3, 4, 5]);
    throwsLike(() => q.putSync(1.5), RangeError);
    assert.is(q.dropped(), 2);
  });

  test('a waiting consumer still gets the item handed over, and a closed queue still refuses puts', async () => {
    const q = new ThreadSafeQueue(new Array(3), { overflow: 'drop-oldest' });
    const g = q.get();
    q.putSync('x');
    assert.is(await g, 'x');
    q.close();
    throwsLike(() => q.putSync(1), lib.QueueClosed);
    await rejectsLike(q.put(1), lib.QueueClosed);
    assert.is(q.putManySync([1, 2]), 0);
  });

  test('bad options: a TypeError naming them', () => {
    throwsLike(() => new ThreadSafeQueue(new Array(4), { overflow: 'oldest' }), TypeError, /options.overflow must be 'reject', 'drop-newest' or 'drop-oldest', got the string "oldest"/);
    throwsLike(() => new ThreadSafeQueue(new Array(4), { overfolw: 'drop-oldest' }), TypeError, /unknown option "overfolw" \(the options are overflow\)/);
    throwsLike(() => new ThreadSafeQueue(new Array(4), 'drop-oldest'), TypeError, /options must be an object/);
  });

  test('model: random putSync/putManySync/getSync/getManySync under each policy match a reference list, dropped() counts every discarded item, nothing is seen twice', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('put') }),
      fc.record({ k: fc.constant('many'), n: fc.integer({ min: 0, max: 12 }) }),
      fc.record({ k: fc.constant('get') }),
      fc.record({ k: fc.constant('take'), n: fc.integer({ min: 0, max: 6 }) }),
    );
    fc.assert(fc.property(fc.constantFrom('reject', 'drop-newest', 'drop-oldest'), fc.integer({ min: 2, max: 9 }), fc.array(op, { maxLength: 80 }), (policy, n, ops) => {
      const q = new ThreadSafeQueue(new Array(n), { overflow: policy });
      const model = [];
      let dropped = 0;
      let next = 0;
      const seen = new Set();
      const cap = n - 1;
      const putModel = (x) => {
        if (model.length < cap) model.push(x);
        else if (policy === 'drop-newest') dropped++;
        else if (policy === 'drop-oldest') { model.shift(); model.push(x); dropped++; }
        else return false;
        return true;
      };
      for (const o of ops) {
        if (o.k === 'put') {
          const x = next++;
          const full = model.length === cap;
          if (policy === 'reject' && full) { try { q.putSync(x); return false; } catch (e) { if (e.name !== 'QueueFull') return false; } }
          else { q.putSync(x); putModel(x); }
        } else if (o.k === 'many') {
          const items = Array.from({ length: o.n }, () => next++);
          const put = q.putManySync(items);
          let expect = 0;
          for (const x of items) { if (!putModel(x)) break; expect++; }
          if (put !== expect) return false;
        } else if (o.k === 'get') {
          if (model.length === 0) { if (!q.empty()) return false; continue; }
          const x = q.getSync();
          if (x !== model.shift() || seen.has(x)) return false;
          seen.add(x);
        } else {
          const into = new Array(6);
          const k = q.getManySync(into, o.n);
          for (let i = 0; i < k; i++) { const x = into[i]; if (x !== model.shift() || seen.has(x)) return false; seen.add(x); }
        }
        if (q.qsize() !== model.length || q.dropped() !== dropped) return false;
      }
      return true;
    }), { numRuns: 400, seed: 20261203 });
  });

  test.run();
}

// The Kaluma sources on a queue with a drop policy: every record goes in (the queue drops per its
// policy), and what the policy dropped counts in the source's dropped().
const read = (f) => readFileSync(new URL(`../../dist/${f}`, import.meta.url), 'utf8');
for (const [core, kaluma] of [['threadsafe.js', 'threadsafe-kaluma.js'], ['threadsafe.min.js', 'threadsafe-kaluma.min.js']]) {
  const test = suite(`a drop-policy queue fed by the Kaluma sources: dist/${kaluma}`);
  function board(program, drive = {}) {
    const sim = new KalumaSim({ chargeLoad: false });
    for (const [pin, signal] of Object.entries(drive)) sim.drive(Number(pin), signal);
    sim.load(read(core)).load(read(kaluma)).load('var T = threadsafe, K = threadsafeKaluma;\n' + program);
    assert.equal(sim.errors, []);
    return sim;
  }
  const falls = (n, everyUs = 2000) => {
    const list = [];
    for (let i = 0; i < n; i++) list.push({ t: 1000 + i * everyUs, level: 0 }, { t: 1000 + i * everyUs + everyUs / 2, level: 1 });
    return { initial: 1, next: () => list.shift() || null };
  };

  test('InterruptSource into a drop-oldest queue with nobody taking: the queue keeps the newest 3 records; the 7 it dropped count in src.dropped()', () => {
    const sim = board(`
      var q = new T.ThreadSafeQueue(new Array(4), { overflow: 'drop-oldest' });
      var src = new K.InterruptSource(5, q, { events: FALLING, idle: false, record: function (e, i) { return i; } });
    `, { 5: falls(10) });
    sim.run(40);
    assert.equal(JSON.parse(sim.evaluate('JSON.stringify([q.getSync(), q.getSync(), q.getSync()])')), [7, 8, 9]);
    assert.is(sim.evaluate('q.dropped()'), 7);
    assert.is(sim.evaluate('src.dropped()'), 7);
    assert.is(sim.evaluate('src.pending()'), 0, 'nothing held back');
    assert.is(sim.evaluate('src.recorded()'), sim.evaluate('src.delivered() + src.dropped() + src.pending()'));
  });

  test('WatchSource into a full drop-oldest queue: the item goes in, the oldest goes, and the source counts the drop', () => {
    const sim = board(`
      var q = new T.ThreadSafeQueue(new Array(3), { overflow: 'drop-oldest' });
      var src = new K.WatchSource(6, q, { events: FALLING, record: function (e, i) { return i; } });
    `, { 6: falls(5, 4000) });
    sim.run(40);
    assert.equal(JSON.parse(sim.evaluate('JSON.stringify([q.getSync(), q.getSync()])')), [3, 4]);
    assert.is(sim.evaluate('src.dropped()'), 3);
    assert.is(sim.evaluate('q.dropped()'), 3);
  });
}
