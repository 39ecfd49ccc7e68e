// Kaluma's globals three ways, held in agreement: the declarations (src/kaluma/kaluma.d.ts,
// src/kaluma/modules.d.ts), the host simulation's globals and modules (scripts/kaluma-sim), and
// the Kaluma 1.2.1 firmware itself (emulated; that part skipped with the reason where the
// firmware files are absent). Every name beyond standard JavaScript is in all three, every
// declared module class method exists in the simulation and on the firmware.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import ts from 'typescript';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findFirmware, runOnFirmware, whyMissing } from '../../scripts/firmware.mjs';
import { KalumaSim } from '../../scripts/kaluma-sim/index.mjs';

const test = suite('Kaluma globals: typings, simulation, firmware');

/** { globals: [names], modules: { gpio: { GPIO: ['read', ...] } } } from the .d.ts files. */
function declared() {
  const modules = {};
  const globals = new Set();
  const read = (file) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  for (const st of read('src/kaluma/kaluma.d.ts').statements) {
    if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) globals.add(st.name.text);
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) globals.add(d.name.text);
  }
  for (const st of read('src/kaluma/modules.d.ts').statements) {
    if (!ts.isModuleDeclaration(st)) continue;
    const mod = (modules[st.name.text] = {});
    for (const c of st.body.statements) {
      if (!ts.isClassDeclaration(c)) continue;
      mod[c.name.text] = [...new Set(c.members.filter(ts.isMethodDeclaration).map((m) => m.name.text))];
    }
  }
  return { globals: [...globals].sort(), modules };
}

/** The globals of standard JavaScript (a fresh V8 context's). */
const STANDARD = new Set(vm.runInNewContext('Object.getOwnPropertyNames(globalThis)'));
const kalumaOnly = (names) => names.filter((n) => !STANDARD.has(n) && !n.startsWith('__') && !['escape', 'unescape'].includes(n)).sort();

/** The check, as a board program: prints "GLOBALS a,b,..." and "MISSING [...]" (declared module methods absent). */
const probe = (d) => `(function () { var D = ${JSON.stringify(d.modules)}, missing = [];
  Object.keys(D).forEach(function (m) {
    var mod;
    try { mod = require(m); } catch (e) { missing.push(m); return; }
    Object.keys(D[m]).forEach(function (c) {
      if (typeof mod[c] !== 'function') { missing.push(m + '.' + c); return; }
      D[m][c].forEach(function (k) { if (typeof mod[c].prototype[k] !== 'function') missing.push(m + '.' + c + '#' + k); });
    });
  });
  console.log('GLOBALS ' + Object.getOwnPropertyNames(globalThis).join(','));
  console.log('MISSING [' + missing.join(',') + ']'); })();`;

test('the simulation has every declared global and module, and no Kaluma global the typings lack', () => {
  const d = declared();
  assert.ok(d.globals.includes('attachInterrupt') && d.globals.includes('TextEncoder') && d.modules.gpio.GPIO.includes('irq'), 'the declarations were read');
  const sim = new KalumaSim();
  sim.load(probe(d));
  const lines = sim.lines();
  assert.equal(sim.errors, []);
  assert.is(lines.find((l) => l.startsWith('MISSING')), 'MISSING []');
  const globals = lines.find((l) => l.startsWith('GLOBALS ')).slice(8).split(',');
  assert.equal(kalumaOnly(globals), kalumaOnly(d.globals));
});

if (!findFirmware()) {
  console.log(`kaluma-typings.test: skipping the firmware half: ${whyMissing()}`);
} else {
  test('the Kaluma 1.2.1 firmware has exactly the declared globals beyond standard JavaScript, and every declared module method', async () => {
    const d = declared();
    const r = await runOnFirmware({ code: probe(d) }, { ms: 2000, until: 'MISSING' });
    const line = (p) => r.lines.find((l) => l.text.startsWith(p));
    assert.ok(line('MISSING'), r.stdout + r.stderr);
    assert.is(line('MISSING').text, 'MISSING []');
    assert.equal(kalumaOnly(line('GLOBALS ').text.slice(8).split(',')), kalumaOnly(d.globals));
  });
}

test.run();
