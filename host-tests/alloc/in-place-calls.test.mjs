// The minified bundles (and the board programs, built as a user's program is) call no function
// expression in place inside a function that runs more than once. terser substitutes a function
// used once at its call site, and when it cannot flatten the body into an expression it writes
// `function(){...}()`: a new closure at every call (the Kaluma delivery made one per collection,
// the consumer's clock one per loop turn). The builds set `reduce_funcs: false`; this holds them
// to it. Allowed: the bundle's own wrapper, and the class wrappers TypeScript writes at its top
// level (they run once, at load).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

const test = suite('no function expression called in place per call');
const dist = new URL('../../dist/', import.meta.url);
const FILES = ['threadsafe.min.js', 'threadsafe-kaluma.min.js', 'threadsafe.espruino.min.js', 'threadsafe-espruino.min.js']
  .concat(readdirSync(new URL('board/', dist)).filter((f) => f.endsWith('.js')).map((f) => 'board/' + f))
  .concat(readdirSync(new URL('espruino/', dist)).filter((f) => f.endsWith('.js')).map((f) => 'espruino/' + f));

const isFn = (n) => n.type === 'FunctionExpression' || n.type === 'FunctionDeclaration';

/** The in-place calls of function expressions that sit in a function which is not itself run once at load. */
function perCallIifes(code) {
  const ast = acorn.parse(code, { ecmaVersion: 2020 });
  const hits = [];
  walk.ancestor(ast, {
    CallExpression(node, ancestors) {
      if (node.callee.type !== 'FunctionExpression') return;
      const outer = ancestors.slice(0, -1).filter(isFn);
      // run once: the outermost function (the bundle's wrapper), and functions called in place themselves
      const once = (fn, i) => i === 0 || ancestors.some((a) => a.type === 'CallExpression' && a.callee === fn);
      if (!outer.every(once)) hits.push(code.slice(node.start, node.start + 80));
    },
  });
  return hits;
}

test('the detector finds a closure made per call, and passes a class wrapper run once', () => {
  assert.equal(perCallIifes('!function(){var C=function(){function C(){}return C}();window.C=C}()'), []);
  assert.is(perCallIifes('!function(){function d(s){return function(){return s+1}()}window.d=d}()').length, 1);
});

for (const f of FILES) {
  test(`dist/${f}: none`, () => {
    const hits = perCallIifes(readFileSync(new URL(f, dist), 'utf8'));
    assert.equal(hits, [], `a closure per call in dist/${f}: ${hits.join(' | ')}`);
  });
}

test.run();
