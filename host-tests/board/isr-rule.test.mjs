// The interrupt rule holds for every function the library hands to attachInterrupt: the
// handlers are captured by the simulated board from the bundles we ship (the library entry and
// every demo), then parsed. And the checker itself can fail.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';
import { DEMOS, runDemo, bundleOf } from '../../scripts/kaluma-sim/demos.mjs';
import { closureViolations, freeNames, isrViolations } from '../../scripts/lib/isr-check.mjs';
import { plainAssignments } from '../../scripts/lib/plain-assign.mjs';
import { minify } from 'terser';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';

const KALUMA = readFileSync(new URL('../../dist/threadsafe-kaluma.js', import.meta.url), 'utf8');
const CORE = readFileSync(new URL('../../dist/threadsafe.js', import.meta.url), 'utf8');

const KALUMA_MIN = readFileSync(new URL('../../dist/threadsafe-kaluma.min.js', import.meta.url), 'utf8');
const CORE_MIN = readFileSync(new URL('../../dist/threadsafe.min.js', import.meta.url), 'utf8');

/** Every handler attachInterrupt receives when the library entry builds sources of each kind. */
function libraryHandlers(core = CORE, kaluma = KALUMA) {
  const sim = new KalumaSim({ countJs: false }); // the handlers' own source, not the cost-counting rewrite
  sim.load(core, 'threadsafe.js').load(kaluma, 'threadsafe-kaluma.js');
  sim.load(`
    var T = threadsafe, K = threadsafeKaluma;
    new K.InterruptSource(2, new T.ThreadSafeEvent());
    new K.InterruptSource(3, new T.ThreadSafeFlag(), { events: RISING, pollMs: 0 });
    new K.InterruptSource(4, new T.ThreadSafeQueue(new Array(8)), { events: FALLING, idle: false });
    new K.InterruptSource(5, new T.ThreadSafeQueue(new Int32Array(8)), { record: function (e, i) { return e * 1000 + i; } });
  `);
  return sim.handlers.map((h) => h.fn.toString());
}

const rule = suite('ISR rule: handlers the library hands to attachInterrupt');

rule('every InterruptSource handler from dist/threadsafe-kaluma.js touches only its closure primitives', () => {
  const handlers = libraryHandlers();
  assert.is(handlers.length, 4);
  for (const src of handlers) {
    assert.equal(isrViolations(src), [], src);
    assert.equal(closureViolations(KALUMA, src), [], src);
  }
});

rule('every InterruptSource handler from the minified dist/threadsafe-kaluma.min.js touches only its closure primitives', () => {
  const handlers = libraryHandlers(CORE_MIN, KALUMA_MIN);
  assert.is(handlers.length, 4);
  for (const src of handlers) {
    assert.equal(isrViolations(src), [], src);
    assert.equal(closureViolations(KALUMA_MIN, src), [], src);
  }
});

for (const name of Object.keys(DEMOS)) {
  rule(`every handler of the ${name} demo bundle obeys the rule`, () => {
    const { sim } = runDemo(name, { seconds: 1, sim: { countJs: false } }); // the handlers' own source
    const bundle = bundleOf(name);
    for (const h of sim.handlers) {
      const src = h.fn.toString();
      assert.equal(isrViolations(src), [], src);
      assert.equal(closureViolations(bundle, src), [], src);
    }
    if (name === 'button') assert.is(sim.handlers.length, 1, 'the button demo attaches one interrupt');
    assert.equal(sim.isrViolations, [], 'no handler called a global while the demo ran');
  });
}

rule.run();

const checker = suite('ISR rule checker');
const real = libraryHandlers()[0];

checker('the real CHANGE handler uses only its counters, its eight slot words and the events argument', () => {
  const free = freeNames(real);
  assert.equal(free.sort(), ['over', 'r', 's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 'w'], free.join(','));
});

checker('the RISING/FALLING handler only counts', () => {
  assert.equal(freeNames(libraryHandlers()[1]), ['w']);
});

checker('a handler edited to push the edge into an array fails: member access and call', () => {
  const edited = real.replace('var sh =', 'log.push(events); var sh =');
  assert.is.not(edited, real);
  const problems = isrViolations(edited);
  assert.ok(problems.some((p) => p.startsWith('member access')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('call')), problems.join('\n'));
});

checker('a handler edited to index an Int32Array slot fails: member access', () => {
  const edited = real.replace('var sh =', 'slots[0] = events; var sh =');
  assert.is.not(edited, real);
  assert.ok(isrViolations(edited).some((p) => p.startsWith('member access')));
});

const cases = [
  ['this', 'function (p, e) { this.n = e; }', 'this'],
  ['new', 'function (p, e) { var d = new Date(); }', 'new'],
  ['an object literal', 'function (p, e) { var o = { e: e }; }', 'object literal'],
  ['an array literal', 'function (p, e) { var a = [e]; }', 'array literal'],
  ['a function literal', 'function (p, e) { var f = function () {}; }', 'function literal'],
  ['throw', 'function (p, e) { if (e === 0) throw 1; }', 'throw'],
  ['a call of a global', 'function (p, e) { n = micros(); }', 'call'],
  ['a string literal', 'function (p, e) { s = "edge"; }', 'string literal'],
  ['a loop', 'function (p, e) { while (e) e--; }', 'loop'],
  // measured on the firmware (docs/platform.md, "The interrupt rule"): a compound assignment to a
  // closure variable takes a reference on the closure's scope object (the encoder demo's crash);
  // fractions, -0 and numbers beyond 27 bits are allocated
  ['a compound assignment to a closure variable', 'function (p, e) { a ^= 1; }', 'compound assignment to a variable outside the handler'],
  ['a += on a closure variable', 'function (p, e) { n += e; }', 'compound assignment to a variable outside the handler'],
  ['a fraction', 'function (p, e) { f = n * 1.5; }', 'a number the engine allocates'],
  ['a division', 'function (p, e) { f = n / 2; }', 'a number the engine allocates'],
  ['a literal beyond 27 bits', 'function (p, e) { n = n + 200000000; }', 'a number the engine allocates'],
  ['a negated variable (-0 when it is 0)', 'function (p, e) { n = -n; }', 'a number the engine allocates'],
];
for (const [what, src, expected] of cases) {
  checker(`a handler with ${what} fails`, () => {
    const problems = isrViolations(src);
    assert.ok(problems.some((p) => p.startsWith(expected)), problems.join('\n') || 'no problem found');
  });
}

checker('the refusal of a compound assignment says why and what to write instead', () => {
  const [problem] = isrViolations('function (p, e) { pos += 1; }');
  assert.match(problem, /^compound assignment to a variable outside the handler at line 1: `pos \+= 1`: JerryScript takes a reference on the scope object that holds the variable/);
  assert.match(problem, /stops Kaluma 1\.2\.1 \(jerry_fatal ERR_REF_COUNT_LIMIT\); write `x = \(x \+ y\) & 0x7ffffff` instead/);
});

checker('what takes no reference and allocates nothing passes: x++, x--, a plain =, compound assignments to the handler\'s own variables and parameters, -1', () => {
  const src = 'function (p, e) { n++; m--; ++k; var x = n; x ^= 1; x += 2; e |= 1; t = (t + 1) & 0x7ffffff; u = -1; v = e === 8 ? 1 : 0; }';
  assert.equal(isrViolations(src), []);
  const bundle = `(function () { var n = 0, m = 0, k = 0, t = 0, u = 0, v = 0; var h = ${src}; })();`;
  assert.equal(closureViolations(bundle, src), []);
});

checker('a variable the program counts up with `n = n + 1` (what the board build writes for `n += 1`) is a number by construction', () => {
  const src = 'function (p, e) { seen = (seen + 1) & 7; }';
  const bundle = `(function () { var seen = 0; setInterval(function () { seen = seen + (1); }, 10); var h = ${src}; })();`;
  assert.equal(closureViolations(bundle, src), []);
  const bad = bundle.replace('seen + (1)', 'seen + other');
  assert.ok(closureViolations(bad, src).some((p) => p.startsWith('seen: assigned a value that is not a number')));
});

checker('terser turns `count = count + 1` into `count += 1`; the board build writes it back as a plain assignment, its source map still right', async () => {
  const src = 'var count = 0;\nvar t = 0;\nattachInterrupt(5, function (p, e) {\n  count = count + 1;\n  t = 2 & t;\n}, 4);\n';
  const out = await minify(src, { compress: { hoist_funs: false, hoist_vars: false }, mangle: true, sourceMap: { asObject: true } });
  assert.match(out.code, /count\+=1/, 'terser writes the compound form (the hazard)');
  const r = plainAssignments(out.code, out.map);
  assert.is(r.count, 2);
  assert.match(r.code, /count=count\+\(1\)/);
  assert.match(r.code, /t=t&\(2\)/);
  assert.not.match(r.code, /[+&]=/);
  const handler = /function\([^)]*\)\{[^}]*\}/.exec(r.code)[0];
  assert.equal(isrViolations(handler), [], handler);
  const map = new TraceMap(r.map);
  const pos = originalPositionFor(map, { line: 1, column: r.code.indexOf('count=count') });
  assert.equal([pos.line, pos.column], [4, 2], 'maps to `count = count + 1` in the source');
  const t = originalPositionFor(map, { line: 1, column: r.code.indexOf('t=t&') });
  assert.equal([t.line, t.column], [5, 2]);
});

checker('a closure variable that holds an object fails the closure check', () => {
  const edited = KALUMA.replace(/var over = 0;/, 'var over = {};');
  assert.is.not(edited, KALUMA);
  const problems = closureViolations(edited, real);
  assert.ok(problems.some((p) => p.startsWith('over: declared without a numeric initializer')), problems.join('\n'));
});

checker('a closure variable later assigned an object fails the closure check', () => {
  const edited = KALUMA.replace(/(var over = 0;)/, '$1 over = { n: 1 };');
  const problems = closureViolations(edited, real);
  assert.ok(problems.some((p) => p.startsWith('over: assigned a value that is not a number')), problems.join('\n'));
});

checker('a handler reading an object global fails the closure check; Kaluma constants pass', () => {
  const src = 'function (p, e) { x = console; y = RISING; }';
  const bundle = `(function () { var x = 0, y = 0; var h = ${src}; })();`;
  const problems = closureViolations(bundle, src);
  assert.ok(problems.some((p) => p.startsWith('console: not declared')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('x: assigned a value that is not a number')), problems.join('\n'));
  assert.not.ok(problems.some((p) => p.startsWith('y')), problems.join('\n'));
});

checker('the simulation flags a handler that calls a global while it runs', () => {
  const sim = new KalumaSim();
  sim.load('var t = 0; attachInterrupt(5, function (p, e) { t = micros(); }, FALLING);');
  sim.drive(5, { initial: 1, next: ((edges) => () => edges.shift() || null)([{ t: 1000, level: 0 }]) });
  sim.run(5);
  assert.equal(sim.isrViolations, ['micros']);
  assert.match(sim.lines()[0], /attachInterrupt handler called micros\(\)/);
});

checker.run();
