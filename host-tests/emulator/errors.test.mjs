// One truth about errors on the Kaluma 1.2.1 firmware: each case below is run on the firmware,
// and the table in docs/emulator.md is what these runs print and how emulate() counts it.
// An uncaught error fails the run (exitCode 1) wherever it is thrown; a rejection the program
// catches does not, though the firmware prints it as "Uncaught (in promise)" (misreported).
// About 20 s of wall time (three runs at once).
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { emulate } from '../../scripts/emulator/index.mjs';
import { accountErrors } from '../../scripts/emulator/kaluma-errors.mjs';
import { KALUMA, ROOT, whyNoKaluma } from './helpers.mjs';

const test = suite('errors on the Kaluma firmware');
const why = whyNoKaluma();

if (why) {
  console.log(`  errors on the Kaluma firmware: skipped: ${why}`);
} else {
  const base = { firmware: KALUMA.uf2, bootrom: KALUMA.bootrom };
  const lib = readFileSync(new URL('dist/threadsafe.js', 'file://' + ROOT), 'utf8');
  const caught = lib + `
var evt = new threadsafe.ThreadSafeEvent();
async function timeout() { try { await evt.wait({ timeout: 100 }); } catch (e) { console.log('caught ' + e.name + ' ' + (e instanceof threadsafe.TimeoutError)); } }
async function later() { try { await new Promise(function (_, reject) { setTimeout(function () { reject(new Error('later')); }, 200); }); } catch (e) { console.log('caught ' + e.message); } }
async function now() { try { await Promise.reject(new Error('now')); } catch (e) { console.log('caught ' + e.message); } }
new Promise(function (_, reject) { setTimeout(function () { reject(new Error('then-catch')); }, 50); }).catch(function (e) { console.log('caught ' + e.message); });
async function inner() { await null; throw new Error('nested'); }
async function outer() { try { await inner(); } catch (e) { console.log('caught ' + e.message); } }
Promise.all([Promise.reject(new Error('all'))]).catch(function (e) { console.log('caught ' + e.message); });
timeout(); later(); now(); outer();
// END from a timer the loop sets: a top-level setTimeout counts from before the library's load and
// comes early (docs/platform.md), while the wait's timeout counts its 100 ms from the call
setTimeout(function () { setTimeout(function () { console.log('END'); }, 400); }, 0);`;
  const thrown = `
pinMode(17, INPUT_PULLUP);
setWatch(function () { throw new Error('in a setWatch callback'); }, 17, FALLING, 0);
setTimeout(function () { throw new TypeError('in a timer'); }, 100);
setTimeout(function () { Promise.reject(new RangeError('nobody catches')); }, 200);
async function noCatch() { await new Promise(function (_, reject) { setTimeout(function () { reject(new Error('awaited, not caught')); }, 250); }); }
noCatch();
setTimeout(function () { console.log('END'); }, 400);`;
  const runs = {
    caught: emulate({ ...base, code: caught, ms: 1500, until: 'END' }),
    top: emulate({ ...base, code: "console.log('before'); setTimeout(function () { console.log('timer'); }, 100); throw new RangeError('at the top level');", ms: 300 }),
    thrown: emulate({ ...base, code: thrown, ms: 800, until: 'END', pins: [{ at: 150, pin: 17, value: 0 }, { at: 160, pin: 17, value: 1 }] }),
  };

  test('rejections caught with try/await/catch or .catch() fail nothing; the firmware misreports the awaited ones', async () => {
    const r = await runs.caught;
    assert.is(r.exitCode, 0, JSON.stringify(r, null, 1));
    assert.equal(r.errors, []);
    const texts = r.lines.map((l) => l.text);
    for (const t of ['caught TimeoutError true', 'caught later', 'caught now', 'caught then-catch', 'caught nested', 'caught all']) assert.ok(texts.includes(t), `${t} in ${texts}`);
    // each awaited rejection is printed as "Uncaught (in promise)", a .catch() on a pending promise
    // is not; Promise.all's already rejected input is printed twice (rejected, then handled)
    assert.equal(r.misreported.map((m) => m.text).sort(), [
      'Uncaught (in promise) Error: all',
      'Uncaught (in promise) Error: all',
      'Uncaught (in promise) Error: later',
      'Uncaught (in promise) Error: nested',
      'Uncaught (in promise) Error: now',
      'Uncaught (in promise) TimeoutError: the wait timed out',
    ]);
    assert.equal(texts.filter((t) => t.startsWith('Uncaught')).length, r.misreported.length, 'every such line is accounted');
    assert.equal(r.notes, []);
  });

  test('a throw at the top level fails the run: printed in red without the word "Uncaught", and ends the program', async () => {
    const r = await runs.top;
    assert.is(r.exitCode, 1);
    assert.equal(r.errors.map((e) => [e.kind, e.where, e.text]), [['uncaught', 'top level', 'RangeError: at the top level']]);
    assert.ok(r.errors[0].stack.length >= 1, 'the "at" line belongs to the error');
    assert.ok(!r.output.includes('Uncaught'), r.output);
    assert.equal(r.lines.map((l) => l.text), ['before', 'RangeError: at the top level', '  at <anonymous>:1'], 'a timer set before the throw never runs');
  });

  test('a throw in a timer or a setWatch callback and unhandled rejections each count, and the loop goes on', async () => {
    const r = await runs.thrown;
    assert.is(r.exitCode, 1);
    assert.is(r.untilSeen, true, 'the program went on after each error');
    assert.equal(r.errors.map((e) => [e.kind, e.where ?? null, e.text]), [
      ['uncaught', 'callback', 'TypeError: in a timer'],
      ['uncaught', 'callback', 'Error: in a setWatch callback'],
      ['unhandled rejection', null, 'Uncaught (in promise) RangeError: nobody catches'],
      ['unhandled rejection', null, 'Uncaught (in promise) Error: awaited, not caught'],
    ]);
    // the awaited promise's own report is the firmware's misreport; the async function's rejected
    // promise, which nobody awaits, is the real unhandled rejection
    assert.equal(r.misreported.map((m) => m.text), ['Uncaught (in promise) Error: awaited, not caught']);
  });
}

test('without the firmware\'s promise functions every "Uncaught (in promise)" counts, and the result says why', () => {
  const lines = [
    { ms: 1, text: 'Uncaught (in promise) Error: x', red: false },
    { ms: 2, text: 'Error: y', red: true },
    { ms: 2.5, text: '  at <anonymous>:3', red: true },
    { ms: 3, text: 'ok', red: false },
  ];
  const r = accountErrors(lines, { tracker: null, topLevelEndMs: 0 });
  assert.equal(r.errors.map((e) => [e.kind, e.text, e.stack]), [['unhandled rejection', 'Uncaught (in promise) Error: x', []], ['uncaught', 'Error: y', ['at <anonymous>:3']]]);
  assert.equal(r.misreported, []);
  assert.match(r.notes[0], /cannot be told/);
});

test.run();
