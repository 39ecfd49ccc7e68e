// The checker behind scripts/check-bundles.mjs must be able to fail: these are the patterns
// that break on an engine without hoisting (Espruino).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hoistingProblems } from '../scripts/lib/hoisting.mjs';

const test = suite('hoisting check');

test('a function called before its declaration line is reported', () => {
  assert.equal(hoistingProblems('var a = f();\nfunction f() { return 1; }').length, 1);
});

test("TypeScript's ES5 derived class (__extends before function Derived) is reported", () => {
  const src = 'var __extends = function (d, b) {};\nvar B = function () {};\n' +
    'var D = (function (_super) { __extends(D, _super); function D() {} return D; })(B);';
  assert.ok(hoistingProblems(src).some((p) => p.startsWith('D used')));
});

test('a function declared later but only called later passes', () => {
  assert.equal(hoistingProblems('function f() { return g(); }\nfunction g() { return 1; }\nvar x = f;\nx();'), []);
});

test('the library bundle needs no hoisting', async () => {
  const { readFileSync } = await import('node:fs');
  assert.equal(hoistingProblems(readFileSync(new URL('../dist/threadsafe.js', import.meta.url), 'utf8')), []);
});

test.run();
