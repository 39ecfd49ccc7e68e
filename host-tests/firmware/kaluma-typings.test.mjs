// The Kaluma declarations (src/kaluma/kaluma.d.ts, src/kaluma/modules.d.ts) against the 1.2.1
// firmware itself: every global function and every method declared for a built-in module's
// class exists there. (Skipped with the reason where ../shared is absent.)
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findFirmware, runOnFirmware, whyMissing } from '../../scripts/firmware.mjs';

const test = suite('Kaluma typings on the firmware');

/** { modules: { gpio: { GPIO: ['read', ...] } }, functions: ['pinMode', ...] } from the .d.ts files. */
function declared() {
  const modules = {};
  const functions = new Set();
  const read = (file) => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  for (const st of read('src/kaluma/kaluma.d.ts').statements) if (ts.isFunctionDeclaration(st) && st.name.text !== 'require') functions.add(st.name.text);
  for (const st of read('src/kaluma/modules.d.ts').statements) {
    if (!ts.isModuleDeclaration(st)) continue;
    const mod = (modules[st.name.text] = {});
    for (const c of st.body.statements) {
      if (!ts.isClassDeclaration(c)) continue;
      mod[c.name.text] = [...new Set(c.members.filter(ts.isMethodDeclaration).map((m) => m.name.text))];
    }
  }
  return { modules, functions: [...functions] };
}

if (!findFirmware()) {
  console.log(`kaluma-typings.test: skipping: ${whyMissing()}`);
} else {
  test('every declared global function and module class method exists on the Kaluma 1.2.1 firmware', async () => {
    const d = declared();
    assert.ok(d.functions.includes('attachInterrupt') && d.modules.gpio.GPIO.includes('irq'), 'the declarations were read');
    const program = `var D = ${JSON.stringify(d)}, missing = [];
      D.functions.forEach(function (f) { if (typeof globalThis[f] !== 'function') missing.push(f); });
      Object.keys(D.modules).forEach(function (m) {
        var mod = require(m);
        Object.keys(D.modules[m]).forEach(function (c) {
          if (typeof mod[c] !== 'function') { missing.push(m + '.' + c); return; }
          D.modules[m][c].forEach(function (k) { if (typeof mod[c].prototype[k] !== 'function') missing.push(m + '.' + c + '#' + k); });
        });
      });
      console.log('MISSING [' + missing.join(',') + ']');`;
    const r = await runOnFirmware({ code: program }, { ms: 2000, until: 'MISSING' });
    const line = r.lines.find((l) => l.text.startsWith('MISSING'));
    assert.ok(line, r.stdout + r.stderr);
    assert.is(line.text, 'MISSING []');
  });
}

test.run();
