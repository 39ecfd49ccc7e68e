// What a bundle that runs on a board must not contain: TypeScript's downlevel helpers, which
// need hoisting or Symbol (they fail on Espruino and cost heap on Kaluma).
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

export const HELPERS = ['__awaiter', '__generator', '__extends', '__spreadArray', '__asyncValues', '__assign', '__rest',
  '__values', '__read', '__await', '__asyncGenerator', '__makeTemplateObject', '__classPrivateFieldGet'];

/** Names of TypeScript helpers referenced or declared in `source`. */
export function helpersIn(source) {
  const found = new Set();
  const ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script' });
  walk.full(ast, (node) => {
    if (node.type === 'Identifier' && HELPERS.includes(node.name)) found.add(node.name);
  });
  return [...found];
}
