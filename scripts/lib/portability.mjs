// Whether a bundle built for Espruino could run on Kaluma too: the Espruino-only globals it uses
// (E, getTime, Pin, the pin names D0..D29 / A0.., LED1, ...), the modules it require()s that
// Kaluma 1.2.1 does not have, and the calls whose arguments are Espruino's (setWatch with an
// options object, pinMode with a mode string, analogWrite with an options object: Kaluma takes
// numbers there). Read from the bundle's text; a name the bundle declares itself is not a global.
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { BUILTINS } from './rollup-board.mjs';

/** Globals Espruino has and Kaluma 1.2.1 does not (Kaluma's are in src/kaluma/kaluma.d.ts). */
export const ESPRUINO_ONLY = new Set([
  'E', 'getTime', 'setTime', 'Pin', 'LED', 'LED1', 'LED2', 'LED3', 'BTN', 'BTN1', 'USB', 'Serial', 'Serial1', 'Serial2', 'I2C', 'I2C1', 'I2C2',
  'SPI', 'SPI1', 'SPI2', 'Waveform', 'Modules', 'digitalPulse', 'changeInterval', 'setDeepSleep', 'setSleepIndicator', 'setBusyIndicator',
  'getSerial', 'peek8', 'peek16', 'peek32', 'poke8', 'poke16', 'poke32', 'save', 'load', 'reset', 'dump', 'edit', 'echo', 'trace', 'getPinMode',
  'shiftOut', 'analog', 'NRF', 'Bluetooth', 'Graphics', 'Flash',
]);
const PIN_NAME = /^[DA]\d{1,2}$/;

/**
 * The Espruino-only uses in `source` (a bundle): [{ what, at }] in text order, `at` the offset;
 * `what` says it in words ("E", "require('Storage')", "setWatch with an options object").
 */
export function espruinoOnlyUses(source) {
  const ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script' });
  const isFn = (n) => /Function/.test(n.type);
  const scopes = new WeakMap(); // Program or function node -> the names declared in it
  const declaredIn = (scope) => {
    if (scopes.has(scope)) return scopes.get(scope);
    const names = new Set();
    const declare = (p) => {
      if (!p) return;
      if (p.type === 'Identifier') names.add(p.name);
      else if (p.type === 'AssignmentPattern') declare(p.left);
      else if (p.type === 'RestElement') declare(p.argument);
      else if (p.type === 'ArrayPattern') p.elements.forEach(declare);
      else if (p.type === 'ObjectPattern') p.properties.forEach((q) => declare(q.type === 'Property' ? q.value : q));
    };
    if (isFn(scope)) {
      scope.params.forEach(declare);
      if (scope.type === 'FunctionExpression' && scope.id) declare(scope.id);
    }
    // its body, not the functions in it (a function declaration's name is declared here)
    const visit = (n) => {
      if (!n || typeof n.type !== 'string') return;
      if (n.type === 'VariableDeclarator') declare(n.id);
      else if (n.type === 'CatchClause') declare(n.param);
      else if ((n.type === 'FunctionDeclaration' || n.type === 'ClassDeclaration') && n.id) declare(n.id);
      if (isFn(n) && n !== scope) return;
      for (const k of Object.keys(n)) {
        const v = n[k];
        if (Array.isArray(v)) v.forEach(visit);
        else if (v && typeof v.type === 'string' && k !== 'id') visit(v);
      }
    };
    visit(isFn(scope) ? scope.body : scope);
    scopes.set(scope, names);
    return names;
  };
  /** Whether `name`, used with these ancestors, is declared by the program (in a scope around it). */
  const isLocal = (name, ancestors) => ancestors.some((a) => (a.type === 'Program' || isFn(a)) && declaredIn(a).has(name));
  const uses = [];
  walk.fullAncestor(ast, (n, _state, ancestors) => {
    if (n.type === 'Identifier') {
      const parent = ancestors[ancestors.length - 2];
      if (parent && parent.type === 'MemberExpression' && parent.property === n && !parent.computed) return;
      if (parent && (parent.type === 'Property' || parent.type === 'MethodDefinition') && parent.key === n && !parent.computed && parent.value !== n) return;
      // `typeof getTime` tests whether the board has it (src/turn.ts picks its clock so): not a use
      if (parent && parent.type === 'UnaryExpression' && parent.operator === 'typeof') return;
      if ((ESPRUINO_ONLY.has(n.name) || PIN_NAME.test(n.name)) && !isLocal(n.name, ancestors)) uses.push({ what: n.name, at: n.start });
      return;
    }
    if (n.type !== 'CallExpression' || n.callee.type !== 'Identifier' || isLocal(n.callee.name, ancestors)) return;
    const [a0, a1, a2] = n.arguments;
    const name = n.callee.name;
    const isString = (a) => a && a.type === 'Literal' && typeof a.value === 'string';
    if (name === 'require' && isString(a0) && !BUILTINS.includes(a0.value)) uses.push({ what: `require('${a0.value}')`, at: n.start });
    else if (name === 'setWatch' && a2 && a2.type === 'ObjectExpression') uses.push({ what: 'setWatch with an options object', at: n.start });
    else if (name === 'pinMode' && isString(a1)) uses.push({ what: `pinMode with the mode '${a1.value}'`, at: n.start });
    else if (name === 'analogWrite' && a2 && a2.type === 'ObjectExpression') uses.push({ what: 'analogWrite with an options object', at: n.start });
  });
  return uses.sort((a, b) => a.at - b.at);
}
