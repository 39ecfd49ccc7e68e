// Ordering tests under two event loops: the model of Kaluma's loop (the simulated Pico:
// all timer and watch callbacks of one iteration run, then promise jobs drain until empty) and
// Node's real loop. Each scenario is one ES5 function run unchanged under both; most orders
// must be the same, which is what makes a program portable between them. The one order that
// differs is asserted too, per loop, so the model can be seen to model something.
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';

const require = createRequire(import.meta.url);
const lib = require('../../dist/threadsafe.js');
const CORE = readFileSync(new URL('../../dist/threadsafe.js', import.meta.url), 'utf8');

/** Runs `scenario(lib, log)` on the simulated Pico for `ms` of virtual time; returns the log. */
function underModel(scenario, ms = 200) {
  const sim = new KalumaSim();
  sim.load(CORE);
  // the scenario starts in a loop iteration of its own, as on Node: on Kaluma a timer set by the
  // top level counts from the start of the iteration that loaded the library (docs/platform.md)
  sim.step();
  const log = [];
  sim.context.__log = (s) => log.push(s);
  sim.load(`(${scenario})(threadsafe, __log);`);
  sim.run(ms);
  assert.equal(sim.errors, []);
  return log;
}

/** Runs `scenario(lib, log)` on Node's loop with real timers until it logs 'end' (at most 2 s). */
async function underNode(scenario) {
  const log = [];
  vm.runInThisContext(`(${scenario})`)(lib, (s) => log.push(s));
  const deadline = Date.now() + 2000;
  while (!log.includes('end') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return log;
}

const both = suite('loop order: the same under the Kaluma model and Node');

const SAME = {
  'a waiter woken by set() in a timer callback runs before the timer of a later iteration': {
    scenario: function (T, log) {
      var evt = new T.ThreadSafeEvent();
      evt.wait().then(function () { log('woken'); });
      setTimeout(function () { log('set'); evt.set(); }, 5);
      setTimeout(function () { log('later timer'); log('end'); }, 20);
    },
    expected: ['set', 'woken', 'later timer', 'end'],
  },
  'set(); clear() in one callback wakes the current waiters and leaves nothing pending for the next wait': {
    scenario: function (T, log) {
      var evt = new T.ThreadSafeEvent();
      evt.wait().then(function () {
        log('first woken, isSet=' + evt.isSet());
        evt.wait().then(function () { log('second woken'); });
      });
      setTimeout(function () { evt.set(); evt.clear(); }, 5);
      setTimeout(function () { log('nothing pending'); evt.set(); }, 20);
      setTimeout(function () { log('end'); }, 40);
    },
    expected: ['first woken, isSet=false', 'nothing pending', 'second woken', 'end'],
  },
  'items putSync from successive timer callbacks reach the consumer in order, each before the next callback': {
    scenario: function (T, log) {
      var q = new T.ThreadSafeQueue(new Array(4));
      var n = 0;
      function consume() { q.next().then(function (r) { log('got ' + r.value); consume(); }); }
      consume();
      var id = setInterval(function () {
        n++;
        log('put ' + n);
        q.putSync(n);
        if (n === 3) { clearInterval(id); setTimeout(function () { log('end'); }, 10); }
      }, 5);
    },
    expected: ['put 1', 'got 1', 'put 2', 'got 2', 'put 3', 'got 3', 'end'],
  },
  'a long promise chain started by a callback finishes before the next timer (jobs drain until empty)': {
    scenario: function (T, log) {
      var flag = new T.ThreadSafeFlag();
      flag.wait().then(function () {
        var p = Promise.resolve(0);
        for (var i = 0; i < 200; i++) p = p.then(function (k) { return k + 1; });
        return p;
      }).then(function (k) { log('chain ' + k); });
      setTimeout(function () { flag.set(); }, 5);
      setTimeout(function () { log('next timer'); log('end'); }, 7);
    },
    expected: ['chain 200', 'next timer', 'end'],
  },
  'a put() waiting on a full queue completes once a timer callback takes an item, before the next timer': {
    scenario: function (T, log) {
      var q = new T.ThreadSafeQueue(new Array(2));
      q.putSync('a');
      q.put('b').then(function () { log('put b done, qsize=' + q.qsize()); });
      setTimeout(function () { log('took ' + q.getSync()); }, 5);
      setTimeout(function () { log('took ' + q.getSync()); log('end'); }, 20);
    },
    expected: ['took a', 'put b done, qsize=1', 'took b', 'end'],
  },
};

for (const [name, { scenario, expected }] of Object.entries(SAME)) {
  both(`${name} (Kaluma model)`, () => {
    assert.equal(underModel(scenario.toString()), expected);
  });
  both(`${name} (Node)`, async () => {
    assert.equal(await underNode(scenario.toString()), expected);
  });
}

both.run();

const differ = suite('loop order: where Kaluma and Node differ');

// Two timers due in the same iteration; the first sets the event.
function sameIteration(T, log) {
  var evt = new T.ThreadSafeEvent();
  evt.wait().then(function () { log('woken'); });
  setTimeout(function () { log('A sets'); evt.set(); }, 5);
  setTimeout(function () { log('B'); }, 5);
  setTimeout(function () { log('end'); }, 20);
}

differ('Kaluma model: both callbacks of the iteration run first, then the woken waiter', () => {
  assert.equal(underModel(sameIteration.toString()), ['A sets', 'B', 'woken', 'end']);
});

differ('Node: the woken waiter runs right after the callback that set the event', async () => {
  assert.equal(await underNode(sameIteration.toString()), ['A sets', 'woken', 'B', 'end']);
});

differ('Kaluma model: an async loop that always finds data ready starves the loop, and the simulation says so', () => {
  const sim = new KalumaSim({ drainTimeoutMs: 200 });
  sim.load(CORE);
  sim.load(`
    // hand-written: the library's consumers yield to the loop after 10 ms (host-tests/core/turn.test.mjs)
    setTimeout(function () {
      function spin() { Promise.resolve(1).then(spin); }
      spin();
    }, 5);
  `);
  assert.throws(() => sim.run(50), /did not drain within 200 ms at t=\d+ ms: an async loop that always finds work ready starves/);
});

differ.run();
