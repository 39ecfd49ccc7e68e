// The interrupt rule, as a checker (docs/platform.md, "The interrupt rule": a Kaluma
// attachInterrupt callback runs inside the GPIO interrupt and may touch only primitive
// variables; touching an object, calling a function or allocating crashes the firmware when the
// interrupt lands during garbage collection). Two checks:
// - isrViolations(source): the handler's own code, by an allowlist of syntax: no member access,
//   call, `new`, `this`, object/array/function literal, `throw`, string/regex literal, loop,
//   `arguments`, `delete`/`in`/`instanceof`; no compound assignment (`x += 1`, `x ^= 1`) to a
//   variable that is not the handler's own (JerryScript takes a reference on the scope object
//   that holds it: measured on the firmware, it is what stopped the encoder demo); no number the
//   engine must allocate: a literal that is not an integer within +-(2^27 - 1), `/`, `%`, `*`,
//   `**`, `>>>` and unary `-` of a variable (fractions, -0 and numbers beyond 27 bits are boxed
//   on the heap; measured: `n * 1.5`, `-n` with n 0 and `n + 200000000` allocate).
// - closureViolations(bundle, source): every variable the handler reads or writes that is not its
//   own is declared in an enclosing function of `bundle` with a numeric initializer and is only
//   ever assigned numbers (by construction: numeric literals, arithmetic/bitwise expressions), or
//   is a Kaluma numeric constant. So the handler cannot reach an object through a variable either.
// handlerViolations(bundle, ast, fn) gives both as records with their offsets in the bundle, for
// the build to name the user's own file, line, column and identifiers through the source map.
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

const FORBIDDEN = {
  MemberExpression: 'member access',
  ChainExpression: 'member access',
  CallExpression: 'call',
  NewExpression: 'new',
  ThisExpression: 'this',
  ObjectExpression: 'object literal',
  ArrayExpression: 'array literal',
  FunctionExpression: 'function literal',
  ArrowFunctionExpression: 'function literal',
  FunctionDeclaration: 'function literal',
  ClassExpression: 'class literal',
  ClassDeclaration: 'class literal',
  ThrowStatement: 'throw',
  TemplateLiteral: 'template literal (allocates a string)',
  TaggedTemplateExpression: 'call',
  AwaitExpression: 'await',
  YieldExpression: 'yield',
  TryStatement: 'try (a catch binding may hold an object)',
  WhileStatement: 'loop (an interrupt must finish in bounded time)',
  DoWhileStatement: 'loop (an interrupt must finish in bounded time)',
  ForStatement: 'loop (an interrupt must finish in bounded time)',
  ForInStatement: 'loop (an interrupt must finish in bounded time)',
  ForOfStatement: 'loop (an interrupt must finish in bounded time)',
  SpreadElement: 'spread',
  WithStatement: 'with',
};

const ALLOWED = new Set([
  'Identifier', 'Literal', 'BinaryExpression', 'LogicalExpression', 'UnaryExpression', 'UpdateExpression',
  'AssignmentExpression', 'ConditionalExpression', 'SequenceExpression', 'ExpressionStatement', 'BlockStatement',
  'IfStatement', 'SwitchStatement', 'SwitchCase', 'BreakStatement', 'ReturnStatement', 'VariableDeclaration',
  'VariableDeclarator', 'EmptyStatement', 'ParenthesizedExpression',
]);

/** Kaluma globals that hold numbers (src/global.c) and JS's primitive globals. */
export const PRIMITIVE_GLOBALS = new Set([
  'undefined', 'NaN', 'Infinity', 'LOW', 'HIGH', 'INPUT', 'OUTPUT', 'INPUT_PULLUP', 'INPUT_PULLDOWN',
  'LOW_LEVEL', 'HIGH_LEVEL', 'FALLING', 'RISING', 'CHANGE',
]);

/** JerryScript's direct integers (ECMA_INTEGER_NUMBER_MAX): a larger or fractional number is allocated on the heap. */
const DIRECT_MAX = 0x7ffffff;

/** Operators whose result may be a fraction, -0 or beyond 27 bits for integer operands: the engine allocates it. */
const BOXING_BINARY = new Set(['/', '%', '*', '**', '>>>']);

const COMPOUND = 'compound assignment to a variable outside the handler';
const COMPOUND_WHY = 'JerryScript takes a reference on the scope object that holds the variable for `x op= y`, and an interrupt that lands while ' +
  'the garbage collector marks stops Kaluma 1.2.1 (jerry_fatal ERR_REF_COUNT_LIMIT); write `x = (x + y) & 0x7ffffff` instead ' +
  '(`x++`, `x--` and a plain `=` take none; to count up without passing 2^27, which the engine allocates, `x = (x - 0x7ffffff) & 0x7ffffff`; ' +
  'a program built from TypeScript needs no such care, as the build writes every `x op= y` back as `x = x op (y)`, but a .js program is checked as written)';
const BOXING = 'a number the engine allocates';
const BOXING_WHY = 'JerryScript keeps integers within +-(2^27 - 1) in the value itself and allocates every other number (a fraction, -0, ' +
  'a larger integer) on the heap, which an interrupt must never do; use integers, `+ - & | ^ << >>` and mask with `& 0x7ffffff`';

/** The handler's own names: its plain parameters and the variables it declares. */
function ownNames(fn) {
  const own = new Set(fn.params.filter((p) => p.type === 'Identifier').map((p) => p.name));
  walk.full(fn.body, (node) => {
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier') own.add(node.id.name);
  });
  return own;
}

/** What of the engine's number and scope rules `node` breaks, as [key, why], or null. */
function engineRule(node, own) {
  if (node.type === 'AssignmentExpression' && node.operator !== '=' && node.left.type === 'Identifier' && !own.has(node.left.name)) return [COMPOUND, COMPOUND_WHY];
  if (node.type === 'Literal' && typeof node.value === 'number' && !(Number.isInteger(node.value) && Math.abs(node.value) <= DIRECT_MAX)) return [BOXING, BOXING_WHY];
  if (node.type === 'BinaryExpression' && BOXING_BINARY.has(node.operator)) return [BOXING, BOXING_WHY];
  if (node.type === 'AssignmentExpression' && BOXING_BINARY.has(node.operator.slice(0, -1))) return [BOXING, BOXING_WHY];
  if (node.type === 'UnaryExpression' && node.operator === '-' && !(node.argument.type === 'Literal' && typeof node.argument.value === 'number' && node.argument.value !== 0)) return [BOXING, BOXING_WHY];
  return null;
}

/** The forbidden syntax as a user reads it in the build's report. */
const IN_WORDS = {
  'member access': 'touches an object (member access)',
  call: 'calls a function',
  new: 'allocates an object (new)',
  this: 'touches an object (this)',
  'object literal': 'allocates an object (object literal)',
  'array literal': 'allocates an array (array literal)',
  'function literal': 'allocates a function (function literal)',
  'class literal': 'allocates a class',
  throw: 'throws (allocates an error)',
};

/** Parses the source of one function (declaration or expression) and returns its node. */
export function parseFunction(source) {
  const ast = acorn.parse(`(${source})`, { ecmaVersion: 'latest', sourceType: 'script', preserveParens: false });
  const fn = ast.body[0] && ast.body[0].expression;
  if (!fn || (fn.type !== 'FunctionExpression' && fn.type !== 'ArrowFunctionExpression')) throw new Error('not a function: ' + source.slice(0, 60));
  return fn;
}

const at = (source, node) => {
  const line = source.slice(0, node.start - 1).split('\n').length;
  return `line ${line}: \`${source.slice(node.start - 1, Math.min(node.end - 1, node.start + 40)).replace(/\s+/g, ' ')}\``;
};

/** The rule broken by each offending node of the handler `source`, as strings; [] when it obeys. */
export function isrViolations(source) {
  const fn = parseFunction(source);
  const problems = [];
  if (fn.type === 'ArrowFunctionExpression' && fn.expression) problems.push('an arrow function with an expression body: use a block');
  if (fn.async || fn.generator) problems.push('an async function or generator allocates');
  for (const p of fn.params) if (p.type !== 'Identifier') problems.push(`parameter ${at(source, p)}: only plain parameters (no default, destructuring or rest)`);
  const own = ownNames(fn);
  walk.full(fn.body, (node) => {
    const engine = engineRule(node, own);
    if (engine) problems.push(`${engine[0]} at ${at(source, node)}: ${engine[1]}`);
    if (FORBIDDEN[node.type]) problems.push(`${FORBIDDEN[node.type]} at ${at(source, node)}`);
    else if (!ALLOWED.has(node.type)) problems.push(`${node.type} is not allowed at ${at(source, node)}`);
    else if (node.type === 'Literal' && !(typeof node.value === 'number' || typeof node.value === 'boolean' || node.value === null)) {
      problems.push(`${node.regex ? 'regex' : typeof node.value} literal at ${at(source, node)}: only numbers, booleans and null`);
    } else if (node.type === 'UnaryExpression' && node.operator === 'delete') problems.push(`delete at ${at(source, node)}`);
    else if (node.type === 'BinaryExpression' && (node.operator === 'in' || node.operator === 'instanceof')) problems.push(`${node.operator} (needs an object) at ${at(source, node)}`);
    else if (node.type === 'Identifier' && node.name === 'arguments') problems.push(`arguments (an object) at ${at(source, node)}`);
  });
  return problems;
}

/** Names the handler reads or writes that are not its parameters or its own `var`s. */
export function freeNames(source) {
  const fn = parseFunction(source);
  const own = ownNames(fn);
  const free = new Set();
  walk.full(fn.body, (node) => {
    if (node.type === 'Identifier' && !own.has(node.name)) free.add(node.name);
  });
  return [...free].sort();
}

const NUMERIC_BINARY = new Set(['-', '*', '/', '%', '**', '|', '&', '^', '<<', '>>', '>>>']);

/**
 * True when `node` always evaluates to a number, whatever the variables hold; `self` (the variable
 * whose assignments are checked) counts as a number, by induction: it starts as one and every
 * assignment keeps it one (so `n = n + 1`, what the board build writes for `n += 1`, passes).
 */
function numeric(node, self) {
  switch (node.type) {
    case 'Literal': return typeof node.value === 'number';
    case 'Identifier': return (self !== undefined && node.name === self) || (PRIMITIVE_GLOBALS.has(node.name) && node.name !== 'undefined');
    case 'UnaryExpression': return node.operator === '-' || node.operator === '+' || node.operator === '~';
    case 'UpdateExpression': return true;
    case 'BinaryExpression': return NUMERIC_BINARY.has(node.operator) || (node.operator === '+' && numeric(node.left, self) && numeric(node.right, self));
    case 'ConditionalExpression': return numeric(node.consequent, self) && numeric(node.alternate, self);
    case 'SequenceExpression': return numeric(node.expressions[node.expressions.length - 1], self);
    case 'AssignmentExpression': return node.operator !== '=' && node.operator !== '+=' ? true : numeric(node.right, self);
    default: return false;
  }
}

/**
 * Checks, in the bundle that contains the handler, that every free variable of the handler is a
 * number by construction (declared with a numeric initializer in an enclosing function, every
 * assignment to it numeric) or a Kaluma numeric constant. Returns problems as strings.
 */
export function closureViolations(bundle, source) {
  const start = bundle.indexOf(source);
  if (start < 0) return ['the handler source was not found in the bundle'];
  const ast = acorn.parse(bundle, { ecmaVersion: 'latest', sourceType: 'script' });
  let ancestors = null;
  walk.fullAncestor(ast, (node, _state, anc) => {
    if (ancestors === null && (node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration') && node.start === start) ancestors = anc.slice(0, -1);
  });
  if (ancestors === null) return ['the handler was not found as a function in the bundle'];
  const scopes = ancestors.filter((n) => n.type === 'FunctionExpression' || n.type === 'FunctionDeclaration' || n.type === 'ArrowFunctionExpression').reverse();
  const problems = [];
  for (const name of freeNames(source)) {
    let decl = null;
    let scope = null;
    for (const s of scopes) {
      walk.full(s.body, (node) => {
        if (decl === null && node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.id.name === name) decl = node;
      });
      if (decl === null && s.params.some((p) => p.type === 'Identifier' && p.name === name)) {
        problems.push(`${name}: a parameter of an enclosing function (could be an object)`);
        decl = 'param';
      }
      if (decl !== null) {
        scope = s;
        break;
      }
    }
    if (decl === 'param') continue;
    if (decl === null) {
      if (!PRIMITIVE_GLOBALS.has(name)) problems.push(`${name}: not declared in an enclosing function and not a Kaluma numeric constant`);
      continue;
    }
    if (decl.init && !numeric(decl.init)) problems.push(`${name}: declared without a numeric initializer (${decl.init ? bundle.slice(decl.init.start, decl.init.end) : 'none'})`);
    walk.full(scope.body, (node) => {
      if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier' && node.left.name === name && !numeric(node, name)) {
        problems.push(`${name}: assigned a value that is not a number by construction: ${bundle.slice(node.start, node.end)}`);
      }
    });
  }
  return problems;
}

/**
 * Both checks on the handler `fn` (a function node of `ast`, the parsed `bundle`), as records:
 * { at (offset in the bundle), rule (what is broken, in words), code (the bundle's text of it),
 * names: [{ at, name }] (identifiers of the bundle to name in the user's words), decl? (offset of
 * the declaration of a variable the handler reaches) }. [] when the handler obeys the rule.
 */
export function handlerViolations(bundle, ast, fn) {
  const out = [];
  const text = (n) => bundle.slice(n.start, n.end);
  const ids = (n) => {
    const names = [];
    walk.full(n, (x) => {
      if (x.type === 'Identifier') names.push({ at: x.start, name: x.name });
    });
    return names;
  };
  if (fn.type === 'ArrowFunctionExpression' && fn.expression) out.push({ at: fn.start, rule: 'an arrow function with an expression body: use a block', code: '', names: [] });
  if (fn.async || fn.generator) out.push({ at: fn.start, rule: 'an async function or generator allocates', code: '', names: [] });
  for (const p of fn.params) if (p.type !== 'Identifier') out.push({ at: p.start, rule: 'only plain parameters (no default, destructuring or rest)', code: text(p), names: ids(p) });
  const mine = ownNames(fn);
  walk.full(fn.body, (node) => {
    const engine = engineRule(node, mine);
    if (engine) out.push({ at: node.start, end: node.end, rule: `${engine[0]}: ${engine[1]}`, code: text(node), names: ids(node) });
    let rule = null;
    if (FORBIDDEN[node.type]) rule = FORBIDDEN[node.type];
    else if (!ALLOWED.has(node.type)) rule = `${node.type} is not allowed`;
    else if (node.type === 'Literal' && !(typeof node.value === 'number' || typeof node.value === 'boolean' || node.value === null)) rule = `a ${node.regex ? 'regex' : typeof node.value} literal (only numbers, booleans and null)`;
    else if (node.type === 'UnaryExpression' && node.operator === 'delete') rule = 'delete';
    else if (node.type === 'BinaryExpression' && (node.operator === 'in' || node.operator === 'instanceof')) rule = `${node.operator} (needs an object)`;
    else if (node.type === 'Identifier' && node.name === 'arguments') rule = 'arguments (an object)';
    if (rule) out.push({ at: node.start, end: node.end, rule: IN_WORDS[rule] || rule, code: text(node), names: ids(node) });
  });
  // keep the outermost of nested reports of the same rule (a.b.c is one member access)
  const kept = out.filter((r) => r.end === undefined || !out.some((o) => o !== r && o.end !== undefined && o.rule === r.rule && o.at <= r.at && o.end >= r.end && (o.at < r.at || o.end > r.end)));
  out.length = 0;
  let ancestors = null;
  walk.fullAncestor(ast, (node, _s, anc) => {
    if (ancestors === null && node === fn) ancestors = anc.slice(0, -1);
  });
  const scopes = (ancestors || []).filter((n) => /Function/.test(n.type)).reverse();
  const own = mine;
  const firstUse = new Map();
  walk.full(fn.body, (node) => {
    if (node.type === 'Identifier' && !own.has(node.name) && !firstUse.has(node.name)) firstUse.set(node.name, node);
  });
  for (const [name, use] of firstUse) {
    let decl = null;
    let scope = null;
    for (const s of scopes) {
      walk.full(s.body, (node) => {
        if (decl === null && node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.id.name === name) decl = node;
      });
      if (decl === null && s.params.some((p) => p.type === 'Identifier' && p.name === name)) decl = 'param';
      if (decl !== null) {
        scope = s;
        break;
      }
    }
    const names = [{ at: use.start, name }];
    if (decl === 'param') {
      out.push({ at: use.start, rule: 'a parameter of an enclosing function (it could hold an object)', code: name, names });
      continue;
    }
    if (decl === null) {
      if (!PRIMITIVE_GLOBALS.has(name)) out.push({ at: use.start, rule: 'not a variable of the program that holds a number, nor a Kaluma numeric constant', code: name, names });
      continue;
    }
    if (decl.init && !numeric(decl.init)) {
      out.push({ at: use.start, rule: 'a variable that does not start as a number (the handler may touch only variables that always hold numbers)', code: name, names, decl: decl.start });
      continue;
    }
    walk.full(scope.body, (node) => {
      if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier' && node.left.name === name && !numeric(node, name)) {
        out.push({ at: use.start, rule: 'a variable the program assigns something that is not a number by construction', code: name, names, decl: node.start });
      }
    });
  }
  // a variable already named inside a reported node (stats in stats.edges) is not reported again
  const covered = (r) => kept.some((k) => k.end !== undefined && k.at <= r.at && r.at < k.end);
  return [...kept, ...out.filter((r) => !covered(r))];
}
