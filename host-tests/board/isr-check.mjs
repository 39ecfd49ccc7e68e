// The interrupt rule, as a checker (platform facts: a Kaluma attachInterrupt callback runs inside
// the GPIO interrupt and may touch only primitive variables; touching an object, calling a
// function or allocating crashes the firmware when the interrupt lands during garbage
// collection). Two checks:
// - isrViolations(source): the handler's own code, by an allowlist of syntax: no member access,
//   call, `new`, `this`, object/array/function literal, `throw`, string/regex literal, loop,
//   `arguments`, `delete`/`in`/`instanceof`.
// - closureViolations(bundle, source): every variable the handler reads or writes that is not its
//   own is declared in an enclosing function of `bundle` with a numeric initializer and is only
//   ever assigned numbers (by construction: numeric literals, arithmetic/bitwise expressions), or
//   is a Kaluma numeric constant. So the handler cannot reach an object through a variable either.
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
  walk.full(fn.body, (node) => {
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
  const own = new Set(fn.params.filter((p) => p.type === 'Identifier').map((p) => p.name));
  walk.full(fn.body, (node) => {
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier') own.add(node.id.name);
  });
  const free = new Set();
  walk.full(fn.body, (node) => {
    if (node.type === 'Identifier' && !own.has(node.name)) free.add(node.name);
  });
  return [...free].sort();
}

const NUMERIC_BINARY = new Set(['-', '*', '/', '%', '**', '|', '&', '^', '<<', '>>', '>>>']);

/** True when `node` always evaluates to a number, whatever the variables hold. */
function numeric(node) {
  switch (node.type) {
    case 'Literal': return typeof node.value === 'number';
    case 'Identifier': return PRIMITIVE_GLOBALS.has(node.name) && node.name !== 'undefined';
    case 'UnaryExpression': return node.operator === '-' || node.operator === '+' || node.operator === '~';
    case 'UpdateExpression': return true;
    case 'BinaryExpression': return NUMERIC_BINARY.has(node.operator) || (node.operator === '+' && numeric(node.left) && numeric(node.right));
    case 'ConditionalExpression': return numeric(node.consequent) && numeric(node.alternate);
    case 'SequenceExpression': return numeric(node.expressions[node.expressions.length - 1]);
    case 'AssignmentExpression': return node.operator !== '=' && node.operator !== '+=' ? true : numeric(node.right);
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
      if (node.type === 'AssignmentExpression' && node.left.type === 'Identifier' && node.left.name === name && !numeric(node)) {
        problems.push(`${name}: assigned a value that is not a number by construction: ${bundle.slice(node.start, node.end)}`);
      }
    });
  }
  return problems;
}
