// The simulation's cost model (scripts/kaluma-sim/cost.mjs): the rewrite that counts what the
// JavaScript costs keeps the program's behaviour, charges only what runs, and reproduces the
// firmware's microbenchmark figures it was fitted from (scripts/kaluma-sim/calibration.json,
// measured on the emulated firmware by calibrate.mjs), deterministically and without the firmware.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { instrument, UNIT_COSTS } from '../../scripts/kaluma-sim/cost.mjs';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';
import { simFigures } from '../../scripts/kaluma-sim/calibrate.mjs';

const CALIBRATION = JSON.parse(readFileSync(new URL('../../scripts/kaluma-sim/calibration.json', import.meta.url), 'utf8'));

/** Runs `code` rewritten in a fresh simulation; returns `result` as JSON. */
function run(code) {
  const sim = new KalumaSim();
  sim.load(code);
  assert.equal(sim.errors, []);
  return sim.evaluate('JSON.stringify(result)');
}

function charged(code) {
  const sim = new KalumaSim();
  const before = sim.now;
  sim.load(code);
  return sim.now - before;
}

const rewrite = suite('cost model: the rewrite keeps behaviour');

rewrite('a "use strict" directive stays first: an undeclared assignment still throws', () => {
  const sim = new KalumaSim();
  sim.load('"use strict"; var a = 1 + 2; undeclared = a;');
  assert.equal(sim.errors.length, 1, sim.errors.join('\n'));
  assert.match(sim.errors[0], /ReferenceError/);
  assert.ok(instrument('"use strict"; var a = 1 + 2;').startsWith('"use strict";'));
});

rewrite('labels, continue, brace-less if/else and loops, switch fall-through, arrows and short circuits compute what they computed', () => {
  const code = `
    var result = [];
    outer: for (var i = 0; i < 4; i++) {
      for (var j = 0; j < 4; j++) { if (j > i) continue outer; if (i === 3) break outer; result.push(i * 10 + j); }
    }
    var k = 0; while (k < 3) k++; result.push(k);
    do k--; while (k > 0); result.push(k);
    if (k) result.push('no'); else result.push('else');
    switch (2) { case 1: result.push(1); case 2: result.push(2); case 3: result.push(3); break; default: result.push(4); }
    var f = (x) => x * 2, g = () => ({ v: 7 }), h = (a) => a && a.v;
    result.push(f(4), g().v, h(null), h(g()), k ? f(1) : f(2), 0 || 'b', null ?? 'c');
    for (var key in { p: 1, q: 2 }) result.push(key);`;
  const expected = JSON.stringify(new Function(code + '; return result;')());
  assert.is(run(code), expected);
});

const price = suite('cost model: what is charged');

price('an empty loop of 200 iterations costs 200 × (jump + compare + increment)', () => {
  const us = charged('(function () { for (var i = 0; i < 200; i++) {} })();');
  const loop = 200 * (UNIT_COSTS.branch + 2 * UNIT_COSTS.op);
  assert.ok(us >= loop && us <= loop + 200, `${us} µs`);
});

price('a short circuit charges only the branch that runs', () => {
  const cheap = charged('var o = { a: 1 }; var x = false && o.a.b.c.d;');
  const dear = charged('var o = { a: { b: { c: { d: 1 } } } }; var x = true && o.a.b.c.d;');
  assert.ok(dear - cheap >= 4 * UNIT_COSTS.prop, `${cheap} vs ${dear}`);
});

price('a variable of an enclosing function and a global cost a search, a register costs nothing', () => {
  const reg = charged('(function () { var a = 1, b; for (var i = 0; i < 100; i++) b = a; })();');
  const env = charged('(function () { var a = 1; (function () { var b; for (var i = 0; i < 100; i++) b = a; })(); })();');
  const glob = charged('var a = 1; (function () { var b; for (var i = 0; i < 100; i++) b = a; })();');
  assert.ok(env - reg >= 100 * UNIT_COSTS.env * 0.9, `register ${reg}, env ${env}`);
  assert.ok(glob - reg >= 100 * UNIT_COSTS.global * 0.9, `register ${reg}, global ${glob}`);
});

price('a callback\'s JavaScript moves the clock on: micros() inside it sees the work done', () => {
  const sim = new KalumaSim();
  sim.load(`var t = []; setTimeout(function () { var a = micros(); for (var i = 0; i < 100; i++) {} t.push(micros() - a); }, 1);`);
  sim.run(5);
  const us = JSON.parse(sim.evaluate('JSON.stringify(t)'))[0];
  assert.ok(us >= 100 * (UNIT_COSTS.branch + 2 * UNIT_COSTS.op), `${us} µs`);
});

price('countJs: false charges the engine costs only', () => {
  const sim = new KalumaSim({ countJs: false });
  sim.load('for (var i = 0; i < 1000; i++) {} function f() { return 1 + 1; }');
  assert.is(sim.now, 0);
  assert.not.match(sim.evaluate('String(f)'), /__kc/);
});

const fit = suite('cost model: the microbenchmarks it was fitted from');

fit('each microbenchmark on the simulation is within 1.5× of the firmware figure in calibration.json', () => {
  const sim = simFigures();
  const off = [];
  for (const [name, fw] of Object.entries(CALIBRATION.firmware)) {
    if (name === 'isrEdges') continue; // a count, not a cost
    const ratio = sim[name] / fw;
    if (!(ratio <= 1.5 && ratio >= 1 / 1.5)) off.push(`${name}: simulation ${sim[name]} µs, firmware ${fw} µs (${ratio.toFixed(2)}×)`);
  }
  assert.equal(off, []);
});

rewrite.run();
price.run();
fit.run();
