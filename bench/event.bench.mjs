// Event fan-out and wake latency on Node.
//   Fan-out: N tasks (1, 10, 100) each `await evt.wait()`, then one set() wakes them all; a
//   round ends when the last task runs. Time per round, including the N waits.
//   Latency: a task awaits wait(); a macrotask (like an interrupt callback) reads the clock and
//   calls set(); the task reads the clock on its first line after the await. µs, median and p99.
// Peers: a hand-written promise-resolver list (what people write), and Node's
// `events.once(emitter, 'set')` with `emitter.emit('set')` (the built-in way).
import { EventEmitter, once } from 'node:events';
import { interleave, loadLibrary, median, now, percentile } from './util.mjs';

export const title = 'Event fan-out (set() waking N waiters) and wake latency (set → waiter running)';

const { ThreadSafeEvent, ThreadSafeFlag } = loadLibrary();

/** The hand-written event: a state bit and a list of resolvers. */
class ResolverListEvent {
  constructor() {
    this.state = false;
    this.list = [];
  }
  wait() {
    if (this.state) return Promise.resolve();
    return new Promise((resolve) => this.list.push(resolve));
  }
  set() {
    this.state = true;
    const list = this.list;
    this.list = [];
    for (let i = 0; i < list.length; i++) list[i]();
  }
  clear() {
    this.state = false;
  }
}

/** Node's built-in: an EventEmitter and events.once(), with a state bit for set-before-wait. */
class OnceEvent {
  constructor() {
    this.state = false;
    this.ee = new EventEmitter();
    this.ee.setMaxListeners(0);
  }
  wait() {
    return this.state ? Promise.resolve() : once(this.ee, 'set');
  }
  set() {
    this.state = true;
    this.ee.emit('set');
  }
  clear() {
    this.state = false;
  }
}

const EVENTS = [
  { name: 'ThreadSafeEvent', make: () => new ThreadSafeEvent(), ours: true },
  { name: 'hand-written resolver list', make: () => new ResolverListEvent() },
  { name: 'events.once + emit (node:events)', make: () => new OnceEvent() },
];

/**
 * `rounds` rounds of: clear, N tasks start waiting, set(), all N run. Resolves with µs per
 * round; throws if a task did not wake or woke twice.
 */
async function fanOut(candidate, n, rounds) {
  const evt = candidate.make();
  let woken = 0;
  async function task() {
    await evt.wait();
    woken++;
  }
  const t0 = now();
  for (let r = 0; r < rounds; r++) {
    evt.clear();
    let last;
    for (let i = 0; i < n; i++) last = task();
    if (woken !== r * n) throw new Error(`${candidate.name}: a task ran before set() (round ${r})`);
    evt.set();
    await last; // waiters wake in the order they waited: the last one runs last
  }
  const us = ((now() - t0) * 1000) / rounds;
  if (woken !== rounds * n) throw new Error(`${candidate.name}: ${woken} wake-ups, expected ${rounds * n}`);
  return us;
}

/**
 * `samples` times: a task waits; a setImmediate callback takes t0 and calls set(); the task
 * takes t1 after its await. Resolves with the list of t1 - t0 in µs.
 */
function latency(make, samples, mode) {
  return new Promise((resolve, reject) => {
    const evt = make();
    const out = [];
    let t0 = 0;
    async function task() {
      for (let i = 0; i < samples; i++) {
        setImmediate(interrupt);
        await evt.wait();
        const t1 = now();
        out.push((t1 - t0) * 1000);
        if (mode === 'event') evt.clear();
      }
      resolve(out);
    }
    function interrupt() {
      t0 = now();
      evt.set();
    }
    task().catch(reject);
  });
}

const LATENCY = [
  { name: 'ThreadSafeEvent', make: () => new ThreadSafeEvent(), mode: 'event', ours: true },
  { name: 'ThreadSafeFlag', make: () => new ThreadSafeFlag(), mode: 'flag', ours: true },
  { name: 'hand-written resolver list', make: () => new ResolverListEvent(), mode: 'event' },
  { name: 'events.once + emit (node:events)', make: () => new OnceEvent(), mode: 'event' },
];

export default async function run() {
  // 1. Correctness: each candidate wakes every waiter exactly once, only after set(); a set
  // before the wait returns at once; latency samples arrive (the wait really waited).
  for (const c of EVENTS) {
    for (const n of [1, 3, 100]) await fanOut(c, n, 5);
    const e = c.make();
    e.set();
    await e.wait();
  }
  for (const c of LATENCY) {
    const s = await latency(c.make, 20, c.mode);
    if (s.length !== 20 || s.some((x) => !(x >= 0))) throw new Error(`${c.name}: latency samples wrong`);
  }

  const rows = [];
  // 2. Fan-out. About 50,000 wake-ups per run for each N, 9 runs each, interleaved.
  for (const n of [1, 10, 100]) {
    const rounds = Math.round(50000 / n);
    const times = await interleave(EVENTS, 9, (c) => fanOut(c, n, rounds));
    const us = times.map(median);
    rows.push({
      name: `set() waking ${n} waiter${n > 1 ? 's' : ''}: one round`,
      unit: 'µs',
      value: us[0],
      higherIsBetter: false,
      peers: EVENTS.slice(1).map((c, i) => ({ name: c.name, value: us[i + 1] })),
      note: n === 1 ? `a round = N tasks call wait(), set(), the N-th task runs; ${rounds.toLocaleString('en-US')} rounds per run, median of 9` : undefined,
    });
  }
  // 3. Latency: 20 runs of 1,000 samples per candidate, interleaved finely, pooled.
  const pools = (await interleave(LATENCY, 20, (c) => latency(c.make, 1000, c.mode))).map((runs) => runs.flat());
  const peersOf = (f) => LATENCY.filter((c) => !c.ours).map((c) => ({ name: c.name, value: f(pools[LATENCY.indexOf(c)]) }));
  for (const [label, f] of [['median', median], ['p99', (s) => percentile(s, 99)]]) {
    LATENCY.forEach((c, i) => {
      if (!c.ours) return;
      rows.push({
        name: `wake latency ${label}, set() in a macrotask → ${c.name} waiter running`,
        unit: 'µs',
        value: f(pools[i]),
        higherIsBetter: false,
        peers: peersOf(f),
        note: i === 0 && label === 'median' ? '20,000 samples per candidate (20 interleaved runs of 1,000), performance.now() on both sides of the await' : undefined,
      });
    });
  }
  return rows;
}
