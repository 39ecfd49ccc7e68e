// Finds names a script uses, while it is being evaluated, before the line that declares them.
// Engines without hoisting (Espruino) throw a ReferenceError there; Kaluma and Node do not,
// so only a static check catches it. Conservative: a function expression passed to or called
// by top-level code (an IIFE, the UMD factory) counts as running at once, and calling a
// function declared in the same scope runs its body at that point.
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

const isFn = (n) => n && (n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'FunctionDeclaration');

/** Names declared directly in a statement list (var/let/const/function/class), with their index. */
function declarationsOf(body) {
  const declared = new Map();
  body.forEach((stmt, i) => {
    if (stmt.type === 'FunctionDeclaration' || stmt.type === 'ClassDeclaration') declared.set(stmt.id.name, i);
    if (stmt.type === 'VariableDeclaration') for (const d of stmt.declarations) if (d.id.type === 'Identifier') declared.set(d.id.name, i);
  });
  return declared;
}

/**
 * The identifiers `node` reads while it is evaluated: nested function bodies are skipped unless
 * the function is invoked right there (callee or argument of a call). `run(fn)` is called for
 * each such invoked function, and `call(name)` for each identifier that is called.
 */
function evalTimeRefs(node, run, call) {
  const refs = [];
  const visit = (n, parentIsCall) => {
    if (!n || typeof n.type !== 'string') return;
    if (isFn(n)) {
      if (parentIsCall) run(n);
      return;
    }
    if (n.type === 'Identifier') {
      refs.push(n.name);
      return;
    }
    if (n.type === 'CallExpression' || n.type === 'NewExpression') {
      if (n.callee.type === 'Identifier') call(n.callee.name);
      visit(n.callee, true);
      for (const a of n.arguments) visit(a, true);
      return;
    }
    for (const key of Object.keys(n)) {
      if (key === 'type' || key === 'start' || key === 'end') continue;
      if (n.type === 'MemberExpression' && key === 'property' && !n.computed) continue;
      if (n.type === 'Property' && key === 'key' && !n.computed) continue;
      if (n.type === 'VariableDeclarator' && key === 'id') continue;
      const v = n[key];
      if (Array.isArray(v)) v.forEach((c) => visit(c, false));
      else if (v && typeof v.type === 'string') visit(v, false);
    }
  };
  visit(node, false);
  return refs;
}

/** Problems as strings: "name used before its declaration (line L)". */
export function hoistingProblems(source) {
  const problems = [];
  const ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script', locations: true });
  const seen = new Set();
  const checkScope = (body) => {
    if (seen.has(body)) return;
    seen.add(body);
    const declared = declarationsOf(body);
    const fnDecls = new Map(body.filter((s) => s.type === 'FunctionDeclaration').map((s) => [s.id.name, s]));
    body.forEach((stmt, i) => {
      if (stmt.type === 'FunctionDeclaration') return; // declaring runs nothing
      const called = new Set();
      const pending = [stmt];
      while (pending.length) {
        const node = pending.pop();
        const refs = evalTimeRefs(
          node.type === 'FunctionDeclaration' ? node.body : node,
          (fn) => checkScope(fn.body.type === 'BlockStatement' ? fn.body.body : [fn.body]),
          (name) => {
            if (fnDecls.has(name) && !called.has(name)) {
              called.add(name);
              pending.push(fnDecls.get(name)); // its body runs now
            }
          },
        );
        for (const name of refs) {
          const at = declared.get(name);
          if (at !== undefined && at > i) {
            problems.push(`${name} used at line ${stmt.loc.start.line} before its declaration (line ${body[at].loc.start.line})`);
          }
        }
      }
    });
  };
  checkScope(ast.body);
  return [...new Set(problems)];
}
