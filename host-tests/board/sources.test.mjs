// The interrupt, watch and timer sources of dist/threadsafe-kaluma.js on the simulated Pico,
// with the core bundle dist/threadsafe.js: what each delivers, when, and what it counts.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buttonPattern, KalumaSim, squareWave } from '../../scripts/kaluma-sim/index.mjs';

const CORE = readFileSync(new URL('../../dist/threadsafe.js', import.meta.url), 'utf8');
const KALUMA = readFileSync(new URL('../../dist/threadsafe-kaluma.js', import.meta.url), 'utf8');

/**
 * A simulated Pico with both bundles loaded, `T` = threadsafe, `K` = threadsafeKaluma, then
 * `program`; `drive` ({ pin: signal }) is applied first, so the program sees the idle levels.
 */
function board(program, drive = {}) {
  const sim = new KalumaSim({ chargeLoad: false }); // edge times count from the program's start
  for (const [pin, signal] of Object.entries(drive)) sim.drive(Number(pin), signal);
  sim.load(CORE).load(KALUMA).load('var T = threadsafe, K = threadsafeKaluma;\n' + program);
  assert.equal(sim.errors, []);
  return sim;
}

/** A value of the simulated program, copied into this realm (arrays of the vm fail deep equality). */
const json = (sim, expr) => JSON.parse(sim.evaluate(`JSON.stringify(${expr})`));

/** Edges at the given ms: a pin idling high pulled low for `widthUs` at each time. */
const pulses = (ms, widthUs = 200) => ({
  initial: 1,
  next: (() => {
    const edges = ms.flatMap((t) => [{ t: t * 1000, level: 0 }, { t: t * 1000 + widthUs, level: 1 }]);
    let i = 0;
    return () => (i < edges.length ? edges[i++] : null);
  })(),
});

const irq = suite('InterruptSource');

irq('an edge while a task waits on an event wakes it at the next collection: within one busy loop iteration (pollMs 0)', () => {
  const sim = board(`
    var evt = new T.ThreadSafeEvent();
    var src = new K.InterruptSource(5, evt, { events: FALLING });
    var woke = -1;
    evt.wait().then(function () { woke = micros(); });
  `, { 5: pulses([50]) });
  sim.run(60);
  const woke = sim.evaluate('woke');
  // latency 29 µs + the handler, then the next iteration's collection and the wake-up's promise
  // jobs: about 1.5 ms on the calibrated model (a then() alone costs ~0.43 ms); a collection one
  // iteration later would add at least another ~0.5 ms, a pollMs 1 timer a whole ms
  assert.ok(woke > 50000 && woke <= 50000 + 2000, `woke at ${woke} µs, edge at 50000 µs`);
  assert.is(sim.evaluate('src.delivered()'), 1);
});

irq('with nobody waiting the source is idle: no timer, edges wait as records, and a wait starts the collection (next loop iteration, never inside the wait)', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(32));
    var src = new K.InterruptSource(5, q, { events: FALLING });
  `, { 5: pulses([10, 20, 30, 40, 50]) });
  sim.run(100);
  assert.is(sim.evaluate('src.polling()'), false);
  assert.is(sim.timers.length, 0);
  assert.is(sim.evaluate('src.pending()'), 5);
  assert.is(sim.evaluate('q.qsize()'), 0);
  sim.load('var got; q.get().then(function (x) { got = x; });');
  assert.is(sim.evaluate('got'), undefined, 'nothing is delivered from inside the wait');
  assert.is(sim.evaluate('src.polling()'), true, 'the wait started the collecting timer');
  sim.run(3);
  assert.is(sim.evaluate('got'), 4, 'the first record: FALLING');
  assert.is(sim.evaluate('q.qsize()'), 4);
  assert.is(sim.evaluate('src.pending()'), 0);
});

irq('the timer stops once the consumer stops waiting and the queue is empty, and starts again with the next wait', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(8));
    var src = new K.InterruptSource(5, q, { events: FALLING });
    var got = 0;
    function take() { q.next().then(function () { got++; if (got < 3) take(); }); }
    take();
  `, { 5: pulses([10, 20, 30, 40]) });
  sim.run(25);
  assert.is(sim.evaluate('src.polling()'), true, 'a task waits');
  sim.run(20);
  assert.is(sim.evaluate('got'), 3);
  assert.is(sim.evaluate('src.polling()'), false, 'nobody waits, nothing pending, queue empty');
  assert.is(sim.timers.length, 0);
  assert.is(sim.evaluate('src.pending()'), 1, 'the 4th edge waits in the ring');
  sim.load('var last; q.next().then(function (r) { last = r.value; });');
  assert.is(sim.evaluate('src.polling()'), true, 'the wait started the timer again');
  sim.run(3);
  assert.is(sim.evaluate('last'), 4, 'the next collection delivered it');
});

irq('CHANGE, 66 edges with nobody collecting: 64 are recorded and 2 are counted as overruns', () => {
  const sim = board(`var src = new K.InterruptSource(5, new T.ThreadSafeFlag(), { events: CHANGE });`, { 5: pulses(Array.from({ length: 33 }, (_, i) => 10 + i)) });
  sim.run(100);
  assert.is(sim.evaluate('src.recorded()'), 64, '33 pulses: 66 edges, the ring holds 64');
  assert.is(sim.evaluate('src.overruns()'), 2);
  assert.is(sim.evaluate('src.pending()'), 64);
});

irq('FALLING alone, 40 edges with nobody collecting: all 40 are recorded (the interrupt only counts), none overrun', () => {
  const sim = board(`var src = new K.InterruptSource(5, new T.ThreadSafeFlag(), { events: FALLING });`, { 5: pulses(Array.from({ length: 40 }, (_, i) => 10 + i)) });
  sim.run(100);
  assert.is(sim.evaluate('src.recorded()'), 40);
  assert.is(sim.evaluate('src.overruns()'), 0);
  assert.is(sim.evaluate('src.pending()'), 40);
  sim.load('var woke = false; var f = src._target; f.wait().then(function () { woke = true; });');
  sim.run(3);
  assert.is(sim.evaluate('woke'), true);
  assert.is(sim.evaluate('src.delivered()'), 40, 'one set() delivers every record');
  assert.is(sim.evaluate('src.pending()'), 0);
});

irq('an event target: 40 edges delivered by one set(); 10 more while nobody waits stay pending, and detach() delivers them with one last set(): delivered 50, dropped 0, the event set', () => {
  const ms = Array.from({ length: 40 }, (_, i) => 10 + i).concat(Array.from({ length: 10 }, (_, i) => 200 + i));
  const sim = board(`var src = new K.InterruptSource(5, new T.ThreadSafeEvent(), { events: RISING });`, { 5: pulses(ms) });
  sim.run(100);
  sim.load('var woke = 0; var ev = src._target; ev.wait().then(function () { woke++; });');
  sim.run(3);
  assert.is(sim.evaluate('woke'), 1);
  assert.is(sim.evaluate('src.delivered()'), 40);
  sim.load('ev.clear();');
  sim.run(300);
  assert.is(sim.evaluate('src.pending()'), 10, 'nobody waits: the idle source stopped collecting');
  assert.is(sim.evaluate('src.delivered()'), 40);
  assert.is(sim.evaluate('ev.isSet()'), false);
  sim.load('src.detach();');
  assert.is(sim.evaluate('src.delivered()'), 50);
  assert.is(sim.evaluate('src.dropped()'), 0);
  assert.is(sim.evaluate('src.pending()'), 0);
  assert.is(sim.evaluate('ev.isSet()'), true);
  assert.is(sim.evaluate('src.recorded()'), sim.evaluate('src.delivered() + src.dropped() + src.pending()'));
});

irq('CHANGE: a full queue leaves records pending in the ring (retried), and edges beyond the ring are overruns', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(4));
    var src = new K.InterruptSource(5, q, { events: CHANGE, idle: false });
  `, { 5: pulses(Array.from({ length: 40 }, (_, i) => 10 + i)) });
  sim.run(100);
  assert.is(sim.evaluate('q.qsize()'), 3);
  assert.is(sim.evaluate('src.pending()'), 64);
  assert.is(sim.evaluate('src.overruns()'), 80 - 3 - 64);
  sim.load('q.getSync(); q.getSync();');
  sim.run(5);
  assert.is(sim.evaluate('q.qsize()'), 3, 'the next collection refilled the queue');
  assert.is(sim.evaluate('src.pending()'), 62);
});

irq('FALLING alone: a full queue leaves every later edge pending (counted, none overrun) and the backlog flows in as the queue frees up', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(4));
    var src = new K.InterruptSource(5, q, { events: FALLING, idle: false });
  `, { 5: pulses(Array.from({ length: 25 }, (_, i) => 10 + i)) });
  sim.run(100);
  assert.is(sim.evaluate('q.qsize()'), 3);
  assert.is(sim.evaluate('src.pending()'), 22);
  assert.is(sim.evaluate('src.overruns()'), 0);
  sim.load('q.getSync(); q.getSync();');
  sim.run(5);
  assert.is(sim.evaluate('q.qsize()'), 3, 'the next collection refilled the queue');
  assert.is(sim.evaluate('src.pending()'), 20);
  assert.is(sim.evaluate('src.recorded()'), sim.evaluate('src.delivered() + src.dropped() + src.pending()'));
});

irq('two edges closer than the interrupt latency latch into one record of kind CHANGE (12)', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(8));
    var src = new K.InterruptSource(5, q);
  `, { 5: pulses([10], 10) }); // low for 10 µs: less than the ~29 µs latency
  sim.run(20);
  assert.is(sim.stats.irqCalls, 1);
  sim.load('var got; q.get().then(function (x) { got = x; });');
  sim.run(3);
  assert.is(sim.evaluate('got'), 12);
});

irq('detach() detaches the interrupt, clears the timer, unhooks the target and ignores later edges', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(8));
    var src = new K.InterruptSource(5, q, { events: FALLING });
    var p = q.next();
  `, { 5: pulses([10, 50]) });
  assert.is(sim.evaluate('q.onwait !== null'), true, 'the source listens for waits');
  assert.is(sim.timers.length, 1);
  sim.run(20);
  sim.load('src.detach(); src.detach();');
  assert.is(sim.irq.has(5), false);
  sim.run(5);
  assert.is(sim.timers.length, 0);
  assert.is(sim.evaluate('q.onwait'), null);
  assert.is(sim.evaluate('src.attached()'), false);
  sim.run(50);
  assert.is(sim.evaluate('src.recorded()'), 1);
  assert.is(sim.evaluate('q.qsize()'), 0, 'the one edge went to the waiting next()');
});

irq('a second idle source on one target is a TypeError; with idle: false it works, and detaching the first leaves the second collecting', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(8));
    var a = new K.InterruptSource(5, q, { events: FALLING });
    var second;
    try { new K.InterruptSource(7, q, { events: FALLING }); } catch (e) { second = e.name + ': ' + e.message; }
    var b = new K.InterruptSource(6, q, { events: FALLING, idle: false });
    a.detach();
    var got = [];
    function consume() { q.next().then(function (r) { got.push(r.value); consume(); }); }
    consume();
  `, { 6: pulses([10, 20]) });
  assert.match(sim.evaluate('second'), /^TypeError: InterruptSource: target already has an onwait listener/);
  sim.run(30);
  assert.equal(json(sim, 'got'), [4, 4]);
  sim.load('b.detach()');
  sim.run(5);
  assert.is(sim.timers.length, 0, 'no collecting timer left');
});

irq('a wait that began before the source was built is served: a running for-await-style loop and a pending flag wait get their edges', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(8));
    var flag = new T.ThreadSafeFlag();
    var got = [], flagged = 0;
    function consume() { q.next().then(function (r) { got.push(r.value); consume(); }); }
    consume(); // waiting before the source exists
    flag.wait().then(function () { flagged++; });
    var a = new K.InterruptSource(5, q, { events: FALLING });
    var b = new K.InterruptSource(6, flag, { events: FALLING });
  `, { 5: pulses([10, 20, 30]), 6: pulses([15]) });
  sim.run(40);
  assert.equal(json(sim, 'got'), [4, 4, 4]);
  assert.is(sim.evaluate('flagged'), 1);
  assert.is(sim.evaluate('a.pending() + b.pending()'), 0);
});

irq('an item the queue refuses is dropped and counted (dropped(), lastError()); the records after it still arrive', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Uint8Array(8));
    var n = 0;
    var src = new K.InterruptSource(5, q, { events: FALLING, record: function () { n++; return n === 2 ? 300 : n; } });
    var got = [];
    function consume() { q.next().then(function (r) { got.push(r.value); consume(); }); }
    consume();
  `, { 5: pulses([10, 20, 30]) });
  sim.run(40);
  assert.equal(json(sim, 'got'), [1, 3], '300 does not fit a Uint8Array');
  assert.is(sim.evaluate('src.dropped()'), 1);
  assert.is(sim.evaluate('src.lastError().name'), 'RangeError');
  assert.is(sim.evaluate('src.recorded()'), sim.evaluate('src.delivered() + src.dropped() + src.pending()'));
  assert.equal(sim.errors, []);
});

irq('in one collection of 6 records, a record() that throws on the 3rd and an item the queue refuses on the 5th drop those two; the other 4 arrive in order', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Uint8Array(16));
    var src = new K.InterruptSource(5, q, { events: FALLING, idle: false, pollMs: 20, record: function (e, i) {
      if (i === 2) throw new Error('no record ' + i);
      return i === 4 ? 300 : 10 + i;
    } });
  `, { 5: pulses([1, 2, 3, 4, 5, 6]) });
  sim.run(30);
  assert.is(sim.evaluate('src.recorded()'), 6);
  assert.is(sim.evaluate('src.delivered()'), 4);
  assert.is(sim.evaluate('src.dropped()'), 2);
  assert.is(sim.evaluate('src.lastError().name'), 'RangeError', 'the last drop: 300 in a Uint8Array');
  assert.equal(json(sim, 'Array.prototype.slice.call((function () { var b = new Uint8Array(8); var n = q.getManySync(b); return b.subarray(0, n); })())'), [10, 11, 13, 15]);
  assert.equal(sim.errors, []);
});

irq('detach() called from inside record() during a collection: each recorded edge is delivered once, nothing more, and recorded = delivered + dropped + pending', () => {
  for (const events of ['FALLING', 'CHANGE']) {
    const sim = board(`
      var q = new T.ThreadSafeQueue(new Array(32));
      var calls = 0;
      var src = new K.InterruptSource(5, q, { events: ${events}, idle: false, pollMs: 50, record: function (e, i) { calls++; if (i === 1) src.detach(); return i; } });
    `, { 5: pulses([10, 11]) });
    sim.run(100);
    const n = sim.evaluate('src.recorded()');
    assert.ok(n >= 2, events);
    assert.equal(json(sim, '(function () { var a = []; while (!q.empty()) a.push(q.getSync()); return a; })()'), Array.from({ length: n }, (_, i) => i), events);
    assert.is(sim.evaluate('calls'), n, events + ': record() once per record');
    assert.is(sim.evaluate('src.delivered()'), n);
    assert.is(sim.evaluate('src.pending()'), 0);
    assert.is(sim.evaluate('src.attached()'), false);
    assert.is(sim.evaluate('src.polling()'), false, 'the timer stopped when the delivery ended');
    assert.equal(sim.errors, []);
  }
});

irq('a duck-typed target with only putSync() gets one call per record, in order; its QueueFull keeps the rest pending', () => {
  const sim = board(`
    var got = [];
    var target = { putSync: function (x) { if (got.length === 3) { var e = new Error('full'); e.name = 'QueueFull'; throw e; } got.push(x); } };
    var src = new K.InterruptSource(5, target, { events: CHANGE });
  `, { 5: pulses([10, 20]) });
  sim.run(30);
  assert.equal(json(sim, 'got'), [4, 8, 4], 'falling, rising, falling: CHANGE kinds in order');
  assert.is(sim.evaluate('src.pending()'), 1, 'the 4th waits for room');
  assert.is(sim.evaluate('src.dropped()'), 0);
  assert.is(sim.evaluate('src.recorded()'), sim.evaluate('src.delivered() + src.dropped() + src.pending()'));
});

irq('detach() with a full queue counts what it could not deliver in dropped(): recorded = delivered + dropped', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(3)); // holds 2
    var src = new K.InterruptSource(5, q, { events: FALLING, idle: false });
  `, { 5: pulses([10, 20, 30, 40]) });
  sim.run(50);
  sim.load('src.detach()');
  assert.is(sim.evaluate('q.qsize()'), 2);
  assert.is(sim.evaluate('src.recorded()'), 4);
  assert.is(sim.evaluate('src.delivered()'), 2);
  assert.is(sim.evaluate('src.dropped()'), 2);
  assert.is(sim.evaluate('src.pending()'), 0);
});

irq('a second InterruptSource on a pin that has one is a TypeError; after detach() the pin is free again', () => {
  const sim = board(`
    var a = new K.InterruptSource(5, new T.ThreadSafeEvent());
    var err;
    try { new K.InterruptSource(5, new T.ThreadSafeEvent()); } catch (e) { err = e.name + ': ' + e.message; }
    a.detach();
    var b = new K.InterruptSource(5, new T.ThreadSafeEvent());
  `);
  assert.match(sim.evaluate('err'), /^TypeError: InterruptSource: pin 5 already has an InterruptSource/);
  assert.is(sim.evaluate('b.attached()'), true);
  assert.is(sim.irq.has(5), true);
});

irq('the source keeps its own reference to the function it handed to attachInterrupt', () => {
  const sim = board(`var src = new K.InterruptSource(5, new T.ThreadSafeEvent());`);
  assert.is(sim.handlers.length, 1);
  sim.context.__h = sim.handlers[0].fn;
  assert.is(sim.evaluate('src._isr === __h'), true);
});

irq('a closed queue target detaches the source', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(8));
    var src = new K.InterruptSource(5, q, { events: FALLING, idle: false });
    q.close();
  `, { 5: pulses([10]) });
  sim.run(20);
  assert.is(sim.evaluate('src.attached()'), false);
  assert.is(sim.irq.has(5), false);
});

irq('bad arguments throw a TypeError or RangeError naming the argument', () => {
  const sim = board('');
  const err = (code) => sim.evaluate(`(function () { try { ${code}; return 'no error'; } catch (e) { return e.name + ': ' + e.message; } })()`);
  assert.match(err('new K.InterruptSource(-1, new T.ThreadSafeEvent())'), /^RangeError: InterruptSource: pin must be/);
  assert.match(err('new K.InterruptSource(5, {})'), /^TypeError: InterruptSource: target must be/);
  assert.match(err('new K.InterruptSource(5, new T.ThreadSafeEvent(), { events: 3 })'), /^TypeError: InterruptSource: options.events must be/);
  assert.match(err('new K.InterruptSource(5, new T.ThreadSafeEvent(), { pollMs: -1 })'), /^RangeError: InterruptSource: options.pollMs must be/);
  assert.match(err('new K.InterruptSource(5, new T.ThreadSafeQueue([0, 0]), { record: 5 })'), /^TypeError: InterruptSource: options.record must be/);
  assert.match(err('new K.WatchSource(5, new T.ThreadSafeEvent(), { debounce: "10" })'), /^TypeError: WatchSource: options.debounce must be/);
  assert.match(err('new K.TimerSource(null, 10)'), /^TypeError: TimerSource: target must be/);
  assert.match(err('new K.TimerSource(new T.ThreadSafeEvent(), Infinity)'), /^RangeError: TimerSource: periodMs must be/);
});

irq.run();

const watch = suite('WatchSource');

watch('a bouncy press sets the event once, on the main loop, after the debounce', () => {
  const sim = board(`
    var evt = new T.ThreadSafeEvent();
    var src = new K.WatchSource(6, evt, { events: FALLING, debounce: 5 });
    var woke = [];
    function loop() { evt.wait().then(function () { woke.push(millis()); evt.clear(); loop(); }); }
    loop();
  `, { 6: buttonPattern([[20, 120]], { idle: 1, bounces: 3, bounceUs: 300 }) });
  sim.run(200);
  const woke = json(sim, 'woke.slice()');
  // the press settles at ~21.8 ms, + 5 ms debounce, + the wake-up's own cost (about a ms on the calibrated model)
  assert.is(woke.length, 1, `one wake-up: ${woke}`);
  assert.ok(woke[0] >= 26 && woke[0] <= 28, `woke at ${woke[0]} ms`);
  assert.is(sim.evaluate('src.seen()'), 1);
});

watch('with CHANGE, queue items are the edge kinds read back from the pin: FALLING then RISING', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(8));
    var src = new K.WatchSource(6, q);
  `, { 6: pulses([10], 5000) });
  sim.run(30);
  assert.equal(json(sim, '[q.getSync(), q.getSync()]'), [4, 8]);
});

watch('trade-off: a pulse shorter than a loop iteration is missed by setWatch and recorded by attachInterrupt', () => {
  const sim = board(`
    var qw = new T.ThreadSafeQueue(new Array(8)), qi = new T.ThreadSafeQueue(new Array(8));
    var w = new K.WatchSource(6, qw, { events: FALLING });
    var i = new K.InterruptSource(7, qi, { events: FALLING, idle: false });
  `, { 6: pulses([10.0002], 0.5), 7: pulses([10.0002], 0.5) }); // 0.5 µs low, between two polls of the loop
  sim.run(20);
  assert.is(sim.evaluate('w.seen()'), 0);
  assert.is(sim.evaluate('qi.qsize()'), 1);
});

watch('a full queue drops the edge and counts it; detach() clears the watch', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(2));
    var src = new K.WatchSource(6, q, { events: FALLING });
  `, { 6: pulses([10, 20, 30]) });
  sim.run(40);
  assert.is(sim.evaluate('q.qsize()'), 1);
  assert.is(sim.evaluate('src.dropped()'), 2);
  sim.load('src.detach()');
  assert.is(sim.watches.filter((w) => w.active).length, 0);
});

watch.run();

const timer = suite('TimerSource');

timer('sets an event every period, on the main loop', () => {
  const sim = board(`
    var evt = new T.ThreadSafeEvent();
    var src = new K.TimerSource(evt, 100);
    var woke = [];
    function loop() { evt.wait().then(function () { woke.push(millis()); evt.clear(); loop(); }); }
    loop();
  `);
  sim.run(350);
  const woke = json(sim, 'woke.slice()');
  // due at 100, 200, 300 ms (fires once the ms has passed), + the wake-up's own cost (about a ms)
  assert.is(woke.length, 3, `${woke}`);
  woke.forEach((ms, i) => assert.ok(ms >= 100 * (i + 1) + 1 && ms <= 100 * (i + 1) + 3, `wake-up ${i + 1} at ${ms} ms`));
  assert.is(sim.evaluate('src.ticks()'), 3);
});

timer('queue items are the tick numbers; a full queue drops and counts; stop() clears the interval', () => {
  const sim = board(`
    var q = new T.ThreadSafeQueue(new Array(3));
    var src = new K.TimerSource(q, 10);
  `);
  sim.run(45);
  assert.equal(json(sim, '[q.getSync(), q.getSync(), q.qsize()]'), [1, 2, 0]);
  assert.is(sim.evaluate('src.dropped()'), 2);
  sim.load('src.stop()');
  sim.run(50);
  assert.is(sim.evaluate('src.ticks()'), 4);
  assert.is(sim.timers.length, 0);
});

timer.run();

// squareWave is exported for the bench and the demos; keep it honest here too.
const sig = suite('simulated signals');
sig('a 1 kHz square wave makes 2 edges per ms on a pin', () => {
  const sim = new KalumaSim();
  sim.drive(9, squareWave(1000));
  sim.run(10);
  assert.is(sim.edgesOn(9), 20);
});
sig.run();
