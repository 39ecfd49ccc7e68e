// A consumer does not hold the event loop: once consumers have been answered at once for 10 ms
// since the loop last turned, next() and get() (without options) take the item now and answer
// at the next turn, so timers keep running under a backlog (src/turn.ts); a batch that fits the
// queue and is shorter than 16 items is taken in one go.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';
import { BUILDS } from './helpers.mjs';

const CORE = readFileSync(new URL('../../dist/threadsafe.js', import.meta.url), 'utf8');

for (const { name, lib } of BUILDS) {
  const test = suite(`a consumer yields to the event loop: ${name}`);
  const { ThreadSafeQueue } = lib;

  test('for await over a queue that never runs dry lets a timer run within about 10 ms, and takes every item in order', async () => {
    const q = new ThreadSafeQueue(new Array(8));
    let n = 0;
    for (let i = 0; i < 7; i++) q.putSync(n++);
    let timerRanAt = -1;
    const t0 = Date.now();
    setTimeout(() => (timerRanAt = Date.now() - t0), 0);
    let expected = 0;
    for await (const x of q) {
      assert.is(x, expected++, 'in order');
      q.putSync(n++); // always one more: the queue never runs dry
      if (timerRanAt >= 0) break;
      if (Date.now() - t0 > 2000) break;
    }
    assert.ok(timerRanAt >= 0, 'the timer ran while the consumer had items every time it asked');
    assert.ok(timerRanAt < 200, `the timer ran after ${timerRanAt} ms (due at 0; consumers yield after 10 ms)`);
    assert.is(q.qsize(), n - expected, 'nothing lost or taken twice');
  });

  /**
   * Holds the loop: 64 at-once answers (on Node timing starts from the 64th), then 15 ms busy
   * without the loop turning. Then 16 more at-once calls (the clock is read at every 16th).
   */
  function holdLoop(q, call) {
    for (let i = 0; i < 64; i++) {
      q.putSync(i);
      call(q);
    }
    const end = Date.now() + 15;
    while (Date.now() < end) {
      // busy: the loop does not turn
    }
    const settled = [];
    for (let i = 0; i < 16; i++) {
      q.putSync('x' + i);
      const size = q.qsize();
      call(q).then((v) => settled.push(v));
      assert.is(q.qsize(), size - 1, 'taken at the call');
    }
    return settled;
  }

  test('get() without options yields the same way: the item is taken at the call (qsize drops at once) and arrives at the next loop turn', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const settled = holdLoop(q, (q) => q.get());
    for (let i = 0; i < 5; i++) await Promise.resolve();
    assert.ok(settled.length < 16, `one answer waits for the next loop turn (${settled.length} of 16 settled in this drain)`);
    await new Promise((r) => setTimeout(r, 5));
    assert.is(settled.length, 16);
    assert.equal([...settled].sort(), Array.from({ length: 16 }, (_, i) => 'x' + i).sort(), 'each item once');
  });

  test('get({ signal }) never yields (an abort would lose the item): it is answered in this drain', async () => {
    const q = new ThreadSafeQueue(new Array(4));
    const signal = new AbortController().signal;
    const settled = holdLoop(q, (q) => q.get({ signal }));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    assert.is(settled.length, 16);
  });

  test.run();
}

const sim = suite('a consumer yields to the event loop: on the simulated Kaluma loop');

sim('a next() loop over a queue that always has an item does not starve the loop: timers keep running, every item in order', () => {
  const s = new KalumaSim({ drainTimeoutMs: 2000 });
  s.load(CORE);
  s.load(`
    var q = new threadsafe.ThreadSafeQueue(new Array(4));
    var ticks = 0, got = 0, bad = 0;
    setInterval(function () { ticks++; }, 10);
    setTimeout(function () {
      function spin() { q.putSync(got); q.next().then(function (r) { if (r.value !== got) bad++; got++; spin(); }); }
      spin();
    }, 5);
    setTimeout(function () { console.log('ticks ' + ticks + ' got ' + got + ' bad ' + bad); }, 500);
  `);
  s.run(520);
  assert.equal(s.errors, []);
  const line = s.output.map((o) => o.line).find((l) => l.startsWith('ticks '));
  const [, ticks, , got, , bad] = line.split(' ').map(Number);
  assert.is(bad, 0);
  assert.ok(got > 20, `the consumer progressed: ${line}`);
  assert.ok(ticks >= 15, `the 10 ms interval kept running (of 50 due): ${line}`);
});

sim('a next() consumer fed in batches a small queue holds (a 10 ms timer echoing 9 items) takes each batch in one go: nothing is left for the next tick, and it keeps pace', () => {
  // The echo of the Espruino demo: on the board a next() and its .then cost milliseconds, so 10 ms
  // is two or three items; cutting each 9-item batch there left the rest for the next tick, the
  // echo side held back what no longer fitted and the demo ran 3.5x slower.
  const s = new KalumaSim({ drainTimeoutMs: 2000 });
  s.load(CORE);
  s.load(`
    var toEcho = new threadsafe.ThreadSafeQueue(new Array(10)), fromEcho = new threadsafe.ThreadSafeQueue(new Array(10));
    var buf = [], ticks = 0, left = 0, got = 0, bad = 0;
    setInterval(function () {
      ticks++;
      left += fromEcho.qsize(); // what the receiver had not taken since the last tick
      while (toEcho.qsize() > 0) buf.push(toEcho.getSync());
      var i = 0;
      while (i < buf.length && !fromEcho.full()) fromEcho.putSync(buf[i++]);
      buf.splice(0, i);
    }, 10);
    var x = 0;
    function send() { x = x + 1; toEcho.put(x).then(send); }
    function receive() { fromEcho.next().then(function (r) { if (r.value !== ++got) bad++; receive(); }); }
    send(); receive();
    setTimeout(function () { console.log('ticks ' + ticks + ' got ' + got + ' left ' + left + ' bad ' + bad + ' held ' + buf.length); }, 2000);
  `);
  s.run(2300); // a loop iteration of the echo takes about 50 ms: room for the report's turn
  assert.equal(s.errors, []);
  const line = s.output.map((o) => o.line).find((l) => l.startsWith('ticks '));
  assert.ok(line, `the report at 2 s: ${s.output.map((o) => o.line).join(' | ')}`);
  const c = {};
  const w = line.split(' ');
  for (let i = 0; i + 1 < w.length; i += 2) c[w[i]] = Number(w[i + 1]);
  assert.is(c.bad, 0, line);
  assert.is(c.left, 0, `every batch taken before the next tick: ${line}`);
  assert.is(c.held, 0, `the echo side never held items back: ${line}`);
  assert.ok(c.got >= 8 * c.ticks, `about 9 items per tick (the queue's capacity): ${line}`);
});

sim.run();
