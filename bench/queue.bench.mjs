// Queue throughput on Node. The producer runs in macrotasks, as an interrupt-driven callback
// does (each setImmediate callback is one "interrupt" that puts a burst of items), and the
// consumer is an async loop. Candidates:
//   - ThreadSafeQueue, consumed with `for await` and with explicit `await q.get()`
//   - a hand-written queue: an array, shift(), and one pending resolver (what people write)
//   - it-pushable (npm, 3.x), the usual "iterable you can push into"
// Each candidate is first checked to deliver every item, in order, once; then timed.
// Also: the synchronous pair putSync+getSync against Array push+shift (no waiting at all).
import { pushable } from 'it-pushable';
import { interleave, loadLibrary, median, now, percentile } from './util.mjs';

export const title = 'Queue throughput: producer in setImmediate bursts, consumer in an async loop';

const { ThreadSafeQueue } = loadLibrary();
const SLOTS = 64; // the ThreadSafeQueue holds 63 items; a burst never exceeds that

/** A hand-written unbounded queue: array + shift() + the resolver of the one waiting get(). */
class ArrayQueue {
  constructor() {
    this.items = [];
    this.waiter = null;
    this.closed = false;
  }
  push(x) {
    if (this.waiter !== null) {
      const w = this.waiter;
      this.waiter = null;
      w(x);
    } else this.items.push(x);
  }
  get() {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    return new Promise((resolve) => { this.waiter = resolve; });
  }
}

// Each candidate: start(total, burst) → { produce(k) putting item k, finish(), done: Promise<received[]|count> }
// `check` mode records the items; timing mode only counts and checks order cheaply.
const CANDIDATES = [
  {
    name: 'ThreadSafeQueue, for await',
    ours: true,
    form: 'for await',
    make(total, onItem = null) {
      const q = new ThreadSafeQueue(new Array(SLOTS));
      const done = (async () => {
        let expect = 0;
        for await (const x of q) {
          if (x !== expect) throw new Error(`ThreadSafeQueue for await: got ${x}, expected ${expect}`);
          expect++;
          if (onItem !== null) onItem();
        }
        return expect;
      })();
      return { put: (k) => q.putSync(k), end: () => q.close(), done };
    },
  },
  {
    name: 'ThreadSafeQueue, await q.get()',
    ours: true,
    form: 'get',
    make(total, onItem = null) {
      const q = new ThreadSafeQueue(new Array(SLOTS));
      const done = (async () => {
        let expect = 0;
        while (expect < total) {
          const x = await q.get();
          if (x !== expect) throw new Error(`ThreadSafeQueue get: got ${x}, expected ${expect}`);
          expect++;
          if (onItem !== null) onItem();
        }
        return expect;
      })();
      return { put: (k) => q.putSync(k), end: () => q.close(), done };
    },
  },
  {
    name: 'hand-written array+shift+resolver, await get()',
    form: 'get',
    make(total, onItem = null) {
      const q = new ArrayQueue();
      const done = (async () => {
        let expect = 0;
        while (expect < total) {
          const x = await q.get();
          if (x !== expect) throw new Error(`array queue: got ${x}, expected ${expect}`);
          expect++;
          if (onItem !== null) onItem();
        }
        return expect;
      })();
      return { put: (k) => q.push(k), end: () => {}, done };
    },
  },
  {
    name: 'hand-written array queue, for await over an async generator',
    form: 'for await',
    make(total, onItem = null) {
      const q = new ArrayQueue();
      async function* items() {
        for (;;) yield await q.get();
      }
      const done = (async () => {
        let expect = 0;
        for await (const x of items()) {
          if (x !== expect) throw new Error(`array queue generator: got ${x}, expected ${expect}`);
          if (onItem !== null) onItem();
          if (++expect === total) break;
        }
        return expect;
      })();
      return { put: (k) => q.push(k), end: () => {}, done };
    },
  },
  {
    name: 'it-pushable 3, for await',
    form: 'for await',
    make(total, onItem = null) {
      const q = pushable({ objectMode: true });
      const done = (async () => {
        let expect = 0;
        for await (const x of q) {
          if (x !== expect) throw new Error(`it-pushable: got ${x}, expected ${expect}`);
          expect++;
          if (onItem !== null) onItem();
        }
        return expect;
      })();
      return { put: (k) => q.push(k), end: () => q.end(), done };
    },
  },
];

/** Runs one candidate: `total` items in bursts of `burst` per setImmediate. Resolves with ms. */
function runOnce(candidate, total, burst) {
  return new Promise((resolve, reject) => {
    const c = candidate.make(total);
    let sent = 0;
    const t0 = now();
    function interrupt() {
      try {
        const stop = Math.min(total, sent + burst);
        while (sent < stop) c.put(sent++);
        if (sent < total) setImmediate(interrupt);
        else c.end();
      } catch (e) {
        reject(new Error(`${candidate.name}: producer failed at item ${sent}: ${e.message}`));
      }
    }
    setImmediate(interrupt);
    c.done.then((received) => {
      if (received !== total) reject(new Error(`${candidate.name}: received ${received} of ${total} items`));
      else resolve(now() - t0);
    }, reject);
  });
}

/**
 * Latency: `samples` times, a setImmediate callback takes t0 and puts one item; the consumer
 * takes t1 on the first line after it receives the item. Resolves with the t1 - t0 list in µs.
 */
function latency(candidate, samples) {
  return new Promise((resolve, reject) => {
    const out = [];
    let t0 = 0;
    let sent = 0;
    // A consumer that records the time of each item as it gets it (the candidates' own loops
    // check order and count; `onItem` runs on the consumer's side, after its await).
    const c = candidate.make(samples, () => {
      out.push((now() - t0) * 1000);
      if (sent < samples) setImmediate(interrupt);
    });
    function interrupt() {
      t0 = now();
      c.put(sent++);
      if (sent === samples) c.end();
    }
    setImmediate(interrupt);
    c.done.then(() => (out.length === samples ? resolve(out) : reject(new Error(`${candidate.name}: ${out.length} latency samples of ${samples}`))), reject);
  });
}

/** putSync+getSync pairs without any waiting, against Array push+shift. Ops (pairs) per ms. */
function syncPairs(kind, n) {
  let bad = 0;
  const t0 = now();
  if (kind === 'ours') {
    const q = new ThreadSafeQueue(new Array(SLOTS));
    for (let i = 0; i < n; i++) {
      q.putSync(i & 0xff);
      q.putSync((i + 1) & 0xff);
      if (q.getSync() !== (i & 0xff)) bad++;
      if (q.getSync() !== ((i + 1) & 0xff)) bad++;
    }
  } else {
    const a = [];
    for (let i = 0; i < n; i++) {
      a.push(i & 0xff);
      a.push((i + 1) & 0xff);
      if (a.shift() !== (i & 0xff)) bad++;
      if (a.shift() !== ((i + 1) & 0xff)) bad++;
    }
  }
  const ms = now() - t0;
  if (bad) throw new Error(`${kind} sync pairs: ${bad} items out of order`);
  return ms;
}

export default async function run() {
  // 1. Correctness: every candidate, every burst size, on a small run (throws if wrong).
  for (const burst of [1, 7, 63]) for (const c of CANDIDATES) await runOnce(c, 2000, burst);
  syncPairs('ours', 1000);
  syncPairs('array', 1000);

  const rows = [];
  // 2. Throughput. Bursts of 1 (one item per interrupt) and of 16.
  for (const [burst, total, runs] of [[1, 100000, 7], [16, 300000, 7]]) {
    const times = await interleave(CANDIDATES, runs, (c) => runOnce(c, total, burst));
    const rate = times.map((t) => total / (median(t) / 1000));
    CANDIDATES.forEach((c, i) => {
      if (!c.ours) return;
      // Peers of the same form first (the like-for-like ratio), then the others.
      const peers = CANDIDATES.map((p, j) => ({ name: p.name, value: rate[j], same: p.form === c.form, ours: p.ours }))
        .filter((p) => !p.ours)
        .sort((a, b) => b.same - a.same)
        .map(({ name, value }) => ({ name, value }));
      rows.push({
        name: `${c.name}, bursts of ${burst}`,
        unit: 'items/s',
        value: rate[i],
        higherIsBetter: true,
        peers,
        note: i === 0 ? `${total.toLocaleString('en-US')} items, ${Math.ceil(total / burst).toLocaleString('en-US')} setImmediate bursts, median of ${runs} runs` : undefined,
      });
    });
  }
  // 3. Latency: putSync in a macrotask → the consumer running with the item. 20 runs of 1,000
  // per candidate, interleaved finely so that a busy moment of the machine hits all alike.
  const lat = (await interleave(CANDIDATES, 20, (c) => latency(c, 1000))).map((runs) => runs.flat());
  for (const [label, f] of [['median', median], ['p99', (x) => percentile(x, 99)]]) {
    CANDIDATES.forEach((c, i) => {
      if (!c.ours) return;
      const peers = CANDIDATES.map((p, j) => ({ name: p.name, value: f(lat[j]), same: p.form === c.form, ours: p.ours }))
        .filter((p) => !p.ours)
        .sort((a, b) => b.same - a.same)
        .map(({ name, value }) => ({ name, value }));
      rows.push({
        name: `latency ${label}, putSync in a macrotask → ${c.name} consumer running`,
        unit: 'µs',
        value: f(lat[i]),
        higherIsBetter: false,
        peers,
        note: i === 0 && label === 'median' ? '20,000 samples per candidate (20 interleaved runs of 1,000), performance.now() on both sides' : undefined,
      });
    });
  }

  // 4. The synchronous pair, no waiter: the ring against Array push+shift.
  const N = 2e6;
  syncPairs('ours', N / 4); // warm both up
  syncPairs('array', N / 4);
  const sync = await interleave(['ours', 'array'], 7, (k) => syncPairs(k, N / 2));
  rows.push({
    name: 'putSync+getSync, nobody waiting',
    unit: 'items/s',
    value: N / (median(sync[0]) / 1000),
    higherIsBetter: true,
    peers: [{ name: 'Array push+shift', value: N / (median(sync[1]) / 1000) }],
    note: `${N.toLocaleString('en-US')} items through a 64-slot ring, 2 in flight, median of 7 runs`,
  });
  return rows;
}
