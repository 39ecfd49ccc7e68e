// What the JavaScript inside a callback costs on Kaluma, counted deterministically: the program's
// source is rewritten (acorn) so that before each statement, at each loop iteration and in each
// branch of `&&`, `||` and `?:` it adds the static price of what it is about to evaluate to a
// counter (`__kc`, in µs), priced from the unit costs below. The simulation reads the counter
// after every callback, job and interrupt handler and moves its clock on by it.
//
// The unit costs are fitted from generic microbenchmarks run on the real firmware
// (scripts/kaluma-sim/calibrate.mjs, calibrate-program.js): loops, operators, variables,
// property accesses, calls, allocation, promises. None of them is fitted to the library.
// JerryScript as Kaluma builds it has no property lookup cache, so a property access or a
// variable that is not a register (a variable of an enclosing function, or a global) is a
// search, and is priced as one.
//
// Approximations: a short-circuit or conditional charges only the branch taken, but a
// statement is charged in full before it runs (a `return` in the middle of `a(), b()` still
// pays for b); calls made by the engine itself (callbacks of forEach, getters) are not seen;
// hoisted function declarations are charged where they stand.
import * as acorn from 'acorn';

/**
 * Unit costs in µs (emulated RP2040 at 125 MHz, Kaluma 1.2.1), fitted by calibrate.mjs from the
 * mean of two firmware runs (allocation and promises vary by ±10 % with the collector).
 */
export const UNIT_COSTS = {
  op: 4.2, // an operator: arithmetic, comparison, assignment, ++, typeof, !
  branch: 8.7, // a loop iteration's jump, an if
  env: 11, // reading or writing a variable of an enclosing function (a captured variable)
  global: 32, // reading or writing a global variable (a search of the global object)
  prop: 21.1, // a property read or write (own or on the prototype chain)
  call: 31.2, // calling a function (a JS function or a native one)
  arg: 2.9, // each argument passed
  object: 67, // an object literal with one property (more properties: `prop` each)
  array: 127, // an array literal
  construct: 30.5, // `new F()` beyond the call
  closure: 58.4, // creating a function object (a function expression)
  then: 434, // p.then(...) beyond the method call: a new promise and its reaction
  promiseResolve: 596, // Promise.resolve(x) / Promise.reject(x) beyond the method call
  newPromise: 351, // new Promise(executor) beyond `new` and the executor's call
};

const FUNCTION = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const LOOP = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

const cache = new Map();

/** `source` with cost counting added (same behaviour otherwise); unchanged if it does not parse. */
export function instrument(source, costs = UNIT_COSTS, counter = '__kc') {
  const key = JSON.stringify(costs) + counter + '\0' + source;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let ast;
  try {
    ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowHashBang: true });
  } catch {
    return source; // the vm reports the syntax error as the board would
  }
  const out = new Instrumenter(source, costs, counter).run(ast);
  if (cache.size > 200) cache.clear();
  cache.set(key, out);
  return out;
}

class Instrumenter {
  constructor(source, costs, counter) {
    this.src = source;
    this.w = costs;
    this.k = counter;
    this.ins = []; // { pos, rank, text }: rank orders insertions at one position
  }

  run(ast) {
    this.scopes(ast);
    this.statements(ast.body);
    this.ins.sort((a, b) => a.pos - b.pos || a.rank - b.rank);
    let out = '';
    let at = 0;
    for (const i of this.ins) {
      out += this.src.slice(at, i.pos) + i.text;
      at = i.pos;
    }
    return out + this.src.slice(at);
  }

  // ------------------------------------------------------------ scopes: register, env or global

  /** Marks every variable reference with where it lives (node._where: 'local', 'env', 'global'). */
  scopes(ast) {
    const refs = []; // [identifier node, function it is used in]
    const declare = (fn, name) => {
      if (!fn.decls.has(name)) fn.decls.set(name, { captured: false });
    };
    const patternNames = (p, fn) => {
      if (!p) return;
      if (p.type === 'Identifier') declare(fn, p.name);
      else if (p.type === 'ObjectPattern') p.properties.forEach((q) => patternNames(q.type === 'RestElement' ? q.argument : q.value, fn));
      else if (p.type === 'ArrayPattern') p.elements.forEach((q) => patternNames(q, fn));
      else if (p.type === 'RestElement') patternNames(p.argument, fn);
      else if (p.type === 'AssignmentPattern') patternNames(p.left, fn);
    };
    const visit = (node, fn, parent, key) => {
      if (!node || typeof node.type !== 'string') return;
      if (node.type === 'Identifier') {
        if (isReference(node, parent, key)) refs.push([node, fn]);
        return;
      }
      if (FUNCTION.has(node.type)) {
        if (node.type === 'FunctionDeclaration' && node.id) declare(fn, node.id.name);
        const inner = { node, parent: fn, decls: new Map() };
        node._fn = inner;
        if (node.type === 'FunctionExpression' && node.id) declare(inner, node.id.name);
        node.params.forEach((p) => patternNames(p, inner));
        for (const p of node.params) visitChildren(p, inner, true);
        visit(node.body, inner, node, 'body');
        return;
      }
      if (node.type === 'VariableDeclarator') patternNames(node.id, fn);
      if (node.type === 'CatchClause') patternNames(node.param, fn);
      if (node.type === 'ClassDeclaration' && node.id) declare(fn, node.id.name);
      visitChildren(node, fn, false);
    };
    const visitChildren = (node, fn, defaultsOnly) => {
      if (defaultsOnly) {
        if (node.type === 'AssignmentPattern') visit(node.right, fn, node, 'right');
        return;
      }
      for (const key of Object.keys(node)) {
        const v = node[key];
        if (Array.isArray(v)) v.forEach((c) => visit(c, fn, node, key));
        else if (v && typeof v.type === 'string') visit(v, fn, node, key);
      }
    };
    const program = { node: ast, parent: null, decls: new Map(), program: true };
    visit({ type: 'Program-body', body: ast.body }, program, null, null);
    for (const [id, fn] of refs) {
      let f = fn;
      while (f && !f.decls.has(id.name)) f = f.parent;
      if (!f || f.program) id._where = 'global';
      else if (f === fn) id._binding = f.decls.get(id.name);
      else {
        f.decls.get(id.name).captured = true;
        id._where = 'env';
      }
    }
    for (const [id] of refs) if (id._binding) id._where = id._binding.captured ? 'env' : 'local';
  }

  // ------------------------------------------------------------ statements

  charge(pos, us, rank = 2) {
    if (us > 0) this.ins.push({ pos, rank, text: `${this.k}+=${Math.round(us * 10) / 10};` });
  }

  /** A statement in a position that is not a list (if/loop body): made a block to hold a charge. */
  single(stmt, perRun = 0) {
    if (stmt.type === 'BlockStatement') {
      this.charge(stmt.start + 1, perRun, 1);
      this.statements(stmt.body);
      return;
    }
    this.ins.push({ pos: stmt.start, rank: 1, text: '{' });
    this.charge(stmt.start, perRun, 1.5);
    this.statement(stmt);
    this.ins.push({ pos: stmt.end, rank: 0.5, text: '}' });
  }

  statements(list) {
    for (const s of list) this.statement(s);
  }

  /** `at`: where charges for before the statement go (before its label, for a labelled loop). */
  statement(s, at = s.start) {
    const w = this.w;
    switch (s.type) {
      case 'ExpressionStatement': return this.charge(at, this.expr(s.expression));
      case 'VariableDeclaration': return this.charge(at, this.declaration(s));
      case 'ReturnStatement':
      case 'ThrowStatement': return this.charge(at, s.argument ? this.expr(s.argument) : 0);
      case 'IfStatement':
        this.charge(at, w.branch + this.expr(s.test));
        this.single(s.consequent);
        if (s.alternate) this.single(s.alternate);
        return;
      case 'BlockStatement': return this.statements(s.body);
      case 'ForStatement': {
        const init = !s.init ? 0 : s.init.type === 'VariableDeclaration' ? this.declaration(s.init) : this.expr(s.init);
        this.charge(at, init);
        this.single(s.body, w.branch + (s.test ? this.expr(s.test) : 0) + (s.update ? this.expr(s.update) : 0));
        return;
      }
      case 'ForInStatement':
      case 'ForOfStatement':
        this.charge(at, this.expr(s.right));
        this.single(s.body, w.branch + w.prop + w.op + (s.left.type === 'Identifier' ? this.ident(s.left) : 0));
        return;
      case 'WhileStatement':
      case 'DoWhileStatement':
        this.single(s.body, w.branch + this.expr(s.test));
        return;
      case 'SwitchStatement':
        this.charge(at, this.expr(s.discriminant) + s.cases.reduce((sum, c) => sum + (c.test ? w.op + this.expr(c.test) : 0), 0));
        for (const c of s.cases) this.statements(c.consequent);
        return;
      case 'TryStatement':
        this.statements(s.block.body);
        if (s.handler) this.statements(s.handler.body.body);
        if (s.finalizer) this.statements(s.finalizer.body);
        return;
      case 'LabeledStatement':
        // charges before a loop land before its label (`continue label` must still name the loop)
        if (LOOP.has(s.body.type) || s.body.type === 'LabeledStatement') return this.statement(s.body, at);
        return this.single(s.body);
      case 'FunctionDeclaration':
        this.func(s);
        return this.charge(at, w.closure);
      case 'ClassDeclaration':
        return this.charge(at, this.expr(s));
      default: return undefined; // break, continue, empty, debugger
    }
  }

  declaration(d) {
    let us = 0;
    for (const v of d.declarations) {
      if (!v.init) continue;
      us += this.w.op + this.expr(v.init) + (v.id.type === 'Identifier' ? this.ident(v.id) : this.w.prop);
    }
    return us;
  }

  /** A function's body is priced statement by statement when it runs; creating it costs `closure`. */
  func(f) {
    if (f.body.type === 'BlockStatement') this.statements(f.body.body);
    else this.inline(f.body);
  }

  /** An expression evaluated only sometimes: charged when it runs, `(__kc+=N, expr)`. */
  inline(e) {
    const us = this.expr(e);
    if (us <= 0) return;
    this.ins.push({ pos: e.start, rank: 3, text: `(${this.k}+=${Math.round(us * 10) / 10},` });
    this.ins.push({ pos: e.end, rank: 0, text: ')' });
  }

  ident(id) {
    return id._where === 'global' ? this.w.global : id._where === 'env' ? this.w.env : 0;
  }

  // ------------------------------------------------------------ expressions

  /** The static cost of evaluating `e` once, registering inline charges for its conditional parts. */
  expr(e) {
    if (!e) return 0;
    const w = this.w;
    switch (e.type) {
      case 'Identifier': return this.ident(e);
      case 'Literal':
      case 'ThisExpression':
      case 'Super':
      case 'MetaProperty': return 0;
      case 'TemplateLiteral': return w.op * e.quasis.length + this.sum(e.expressions);
      case 'BinaryExpression': return w.op + this.expr(e.left) + this.expr(e.right);
      case 'UnaryExpression': return w.op + this.expr(e.argument);
      case 'UpdateExpression': return w.op + this.target(e.argument, true);
      case 'AssignmentExpression':
        return w.op + this.target(e.left, e.operator !== '=') + this.expr(e.right);
      case 'LogicalExpression':
        this.inline(e.right);
        return w.op + this.expr(e.left);
      case 'ConditionalExpression':
        this.inline(e.consequent);
        this.inline(e.alternate);
        return w.op + this.expr(e.test);
      case 'MemberExpression': return w.prop + this.expr(e.object) + (e.computed ? this.expr(e.property) : 0);
      case 'ChainExpression': return this.expr(e.expression);
      case 'CallExpression': {
        let us = w.call + this.expr(e.callee) + this.sum(e.arguments) + w.arg * e.arguments.length;
        const c = e.callee;
        if (c.type === 'MemberExpression' && !c.computed) {
          if (c.property.name === 'then' || c.property.name === 'catch' || c.property.name === 'finally') us += w.then;
          else if (c.object.type === 'Identifier' && c.object.name === 'Promise') us += w.promiseResolve;
        }
        return us;
      }
      case 'NewExpression': {
        let us = w.call + w.construct + this.expr(e.callee) + this.sum(e.arguments) + w.arg * e.arguments.length;
        if (e.callee.type === 'Identifier' && e.callee.name === 'Promise') us += w.newPromise + w.call;
        return us;
      }
      case 'ObjectExpression': {
        let us = w.object + Math.max(0, e.properties.length - 1) * w.prop;
        for (const p of e.properties) {
          if (p.type === 'SpreadElement') us += w.call + this.expr(p.argument);
          else us += (p.computed ? this.expr(p.key) : 0) + this.expr(p.value);
        }
        return us;
      }
      case 'ArrayExpression': return w.array + this.sum(e.elements.filter(Boolean));
      case 'SpreadElement': return w.call + this.expr(e.argument);
      case 'SequenceExpression': return this.sum(e.expressions);
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.func(e);
        return w.closure;
      case 'ClassExpression':
      case 'ClassDeclaration':
        for (const m of e.body.body) if (m.value && FUNCTION.has(m.value.type)) this.func(m.value);
        return w.closure * (1 + e.body.body.length);
      case 'AwaitExpression':
      case 'YieldExpression': return this.expr(e.argument);
      case 'TaggedTemplateExpression': return w.call + this.expr(e.tag) + this.expr(e.quasi);
      case 'ParenthesizedExpression': return this.expr(e.expression);
      default: return 0;
    }
  }

  /** An assignment target; `readToo` for compound operators and ++ (read, then write). */
  target(t, readToo) {
    if (t.type === 'Identifier') return this.ident(t) * (readToo ? 2 : 1);
    if (t.type === 'MemberExpression') {
      return this.w.prop * (readToo ? 2 : 1) + this.expr(t.object) + (t.computed ? this.expr(t.property) : 0);
    }
    return this.w.prop; // a destructuring pattern
  }

  sum(list) {
    let us = 0;
    for (const e of list) us += this.expr(e);
    return us;
  }
}

/** Whether an Identifier node is a variable reference (not a property name, label or key). */
function isReference(node, parent, key) {
  if (!parent) return true;
  switch (parent.type) {
    case 'MemberExpression': return key !== 'property' || parent.computed;
    case 'Property':
    case 'MethodDefinition':
    case 'PropertyDefinition': return key !== 'key' || parent.computed;
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement': return false;
    case 'VariableDeclarator': return true; // the declared variable: its initialisation is a write
    default: return true;
  }
}
