// Model-based random tests of ThreadSafeQueue (fast-check): thousands of operation sequences
// (putSync/getSync/put/get/next/abort/close and the queries) run against the queue and
// against a plain-array reference model, many times around small rings, with canaries
// around a TypedArray view, the buffer's length and identity checked after every step.
// Deterministic: a fixed seed (override with FC_SEED=n to explore further).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { BUILDS, drain, track } from './helpers.mjs';

const SEED = process.env.FC_SEED === undefined ? 20261124 : Number(process.env.FC_SEED);
const RUNS = Number(process.env.FC_RUNS || 500); // per build and buffer kind: 2000 sequences in all
const CANARY = -123456789;
const ARRAY_CANARY = { canary: true };

const opArb = fc.oneof(
  { arbitrary: fc.constant({ op: 'putSync' }), weight: 30 },
  { arbitrary: fc.constant({ op: 'getSync' }), weight: 30 },
  { arbitrary: fc.constant({ op: 'put' }), weight: 18 },
  { arbitrary: fc.constant({ op: 'get' }), weight: 12 },
  { arbitrary: fc.constant({ op: 'next' }), weight: 9 },
  { arbitrary: fc.nat(20).map((k) => ({ op: 'abort', k })), weight: 9 },
  { arbitrary: fc.constant({ op: 'query' }), weight: 3 },
  { arbitrary: fc.constant({ op: 'close' }), weight: 1 },
);
const caseArb = fc.record({ slots: fc.integer({ min: 2, max: 6 }), ops: fc.array(opArb, { minLength: 1, maxLength: 300, size: 'max' }) });

/** The reference: an array of items, FIFO lists of pending getters and putters. */
class Model {
  constructor(capacity) {
    this.cap = capacity;
    this.items = [];
    this.closed = false;
    this.getters = []; // { kind: 'get'|'next', exp }
    this.putters = []; // { v, exp }
  }
  putSync(v) {
    if (this.closed) return { threw: 'QueueClosed' };
    if (this.getters.length) {
      const g = this.getters.shift();
      g.exp.status = 'resolved';
      g.exp.value = g.kind === 'next' ? { value: v, done: false } : v;
      return {};
    }
    if (this.items.length === this.cap) return { threw: 'QueueFull' };
    this.items.push(v);
    return {};
  }
  getSync() {
    if (this.items.length === 0) return { threw: this.closed ? 'QueueClosed' : 'QueueEmpty' };
    const v = this.items.shift();
    if (this.putters.length) {
      const p = this.putters.shift();
      this.items.push(p.v);
      p.exp.status = 'resolved';
    }
    return { value: v };
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.putters.splice(0)) { p.exp.status = 'rejected'; p.exp.error = 'QueueClosed'; }
    for (const g of this.getters.splice(0)) {
      if (g.kind === 'next') { g.exp.status = 'resolved'; g.exp.value = { value: undefined, done: true }; }
      else { g.exp.status = 'rejected'; g.exp.error = 'QueueClosed'; }
    }
  }
}

/** assert.is that builds its message only when it fails (this loop runs ~10^5 times). */
function eq(actual, expected, msg) {
  if (actual !== expected && !(actual !== actual && expected !== expected)) assert.is(actual, expected, typeof msg === 'function' ? msg() : msg);
}

function errName(fn) {
  try { return { value: fn() }; } catch (e) { return { threw: e.name }; }
}

for (const { name, lib } of BUILDS) {
  const { ThreadSafeQueue } = lib;
  const test = suite(`ThreadSafeQueue ring against a reference model: ${name}`);

  function makeBuffer(kind, slots) {
    if (kind === 'array') {
      const buf = new Array(slots).fill(ARRAY_CANARY);
      return { buf, check: () => {} };
    }
    const backing = new Int32Array(slots + 2);
    backing.fill(CANARY);
    const buf = backing.subarray(1, slots + 1); // the queue sees only the middle
    return {
      buf,
      check: () => {
        eq(backing[0], CANARY, 'canary before the buffer');
        eq(backing[slots + 1], CANARY, 'canary after the buffer');
      },
    };
  }

  async function runCase(kind, { slots, ops }, stats) {
    const { buf, check } = makeBuffer(kind, slots);
    const q = new ThreadSafeQueue(buf);
    const m = new Model(slots - 1);
    const pending = []; // { tracker, exp, controller } of every async call
    let next = 1; // items are unique increasing integers
    let passed = 0;

    for (const step of ops) {
      switch (step.op) {
        case 'putSync': {
          const v = next++;
          const want = m.putSync(v);
          const got = errName(() => q.putSync(v));
          eq(got.threw, want.threw, () => `putSync(${v})`);
          break;
        }
        case 'getSync': {
          const want = m.getSync();
          const got = errName(() => q.getSync());
          eq(got.threw, want.threw, 'getSync() threw');
          eq(got.value, want.value, 'getSync() value');
          if (want.threw === undefined) passed++;
          break;
        }
        case 'put': {
          const v = next++;
          const controller = new AbortController();
          const exp = { status: 'pending' };
          if (m.closed) { exp.status = 'rejected'; exp.error = 'QueueClosed'; }
          else if (m.items.length < m.cap || m.getters.length) { m.putSync(v); exp.status = 'resolved'; }
          else m.putters.push({ v, exp, controller });
          pending.push({ tracker: track(q.put(v, { signal: controller.signal })), exp, what: `put(${v})` });
          break;
        }
        case 'get':
        case 'next': {
          const controller = step.op === 'get' ? new AbortController() : null;
          const exp = { status: 'pending' };
          if (m.items.length) {
            const v = m.getSync().value;
            exp.status = 'resolved';
            exp.value = step.op === 'get' ? v : { value: v, done: false };
            passed++;
          } else if (m.closed) {
            if (step.op === 'get') { exp.status = 'rejected'; exp.error = 'QueueClosed'; }
            else { exp.status = 'resolved'; exp.value = { value: undefined, done: true }; }
          } else m.getters.push({ kind: step.op, exp, controller });
          const promise = step.op === 'get' ? q.get({ signal: controller.signal }) : q.next();
          pending.push({ tracker: track(promise), exp, what: step.op });
          break;
        }
        case 'abort': {
          // abort one pending get()/put() that can be cancelled (next() has no signal)
          const live = m.putters.concat(m.getters.filter((g) => g.controller !== null));
          if (live.length === 0) break;
          const victim = live[step.k % live.length];
          const list = m.putters.includes(victim) ? m.putters : m.getters;
          list.splice(list.indexOf(victim), 1);
          victim.exp.status = 'rejected';
          victim.exp.error = 'AbortError';
          victim.controller.abort();
          break;
        }
        case 'close':
          m.close();
          q.close();
          break;
        case 'query':
          assert.is(q.maxsize(), slots - 1);
          break;
      }
      // state after every step
      eq(q.qsize(), m.items.length, 'qsize()');
      eq(q.empty(), m.items.length === 0, 'empty()');
      eq(q.full(), m.items.length === m.cap, 'full()');
      eq(q.closed(), m.closed, 'closed()');
      eq(buf.length, slots, 'the buffer keeps its length');
      check();
      // the items sit in consecutive slots (around the ring) of the caller's buffer
      if (m.items.length) {
        const at = Array.prototype.indexOf.call(buf, m.items[0]);
        assert.ok(at >= 0, 'the oldest item is in the caller\'s buffer');
        for (let k = 0; k < m.items.length; k++) eq(buf[(at + k) % slots], m.items[k], () => `slot of item ${k}`);
      }
      if (kind === 'array') {
        // every other slot is free: the canary it started with, or cleared when an item was taken
        let held = 0;
        for (let i = 0; i < slots; i++) if (typeof buf[i] === 'number') held++;
        eq(held, m.items.length, 'no stale item references in free slots');
      }
    }
    await drain();
    for (const { tracker, exp, what } of pending) {
      assert.is(tracker.state(), exp.status, `${what} settled`);
      if (exp.status === 'resolved') assert.equal(tracker.value, exp.value, `${what} value`);
      if (exp.status === 'rejected') assert.is(tracker.error.name, exp.error, `${what} error`);
    }
    stats.runs++;
    stats.laps += passed / slots;
    stats.maxLaps = Math.max(stats.maxLaps, passed / slots);
  }

  for (const kind of ['array', 'int32']) {
    test(`${RUNS} random sequences on ${kind === 'array' ? 'an Array' : 'an Int32Array view between canaries'} of 2-6 slots match the model step by step`, async () => {
      const stats = { runs: 0, laps: 0, maxLaps: 0 };
      await fc.assert(fc.asyncProperty(caseArb, (c) => runCase(kind, c, stats)), { numRuns: RUNS, seed: SEED });
      assert.ok(stats.runs >= RUNS);
      // the sequences really go around the ring many times
      assert.ok(stats.maxLaps >= 20, `max laps ${stats.maxLaps}`);
      assert.ok(stats.laps / stats.runs >= 5, `mean laps ${stats.laps / stats.runs}`);
      console.log(`    ${kind}: ${stats.runs} sequences, ${(stats.laps / stats.runs).toFixed(1)} laps of the ring on average, ${stats.maxLaps.toFixed(0)} at most`);
    });
  }

  test.run();
}
