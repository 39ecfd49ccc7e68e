// Undoes the minifier's `x = x + y` -> `x += y` for variables, in a minified board program.
//
// Why: terser rewrites `x = x OP y` (and `x = y OP x` for * | ^ &) into `x OP= y` whatever its
// options. On Kaluma 1.2.1 a compound assignment to a variable of an enclosing scope makes
// JerryScript push a reference to the scope object that holds the variable (vm.c, the
// identifier-reference opcode: ecma_op_get_value_lex_env_base, then ecma_ref_object on that
// scope). Inside an attachInterrupt handler that reference is taken on an object whose count is 0,
// which the garbage collector marks "not visited" in those very bits while it marks: an interrupt
// landing then stops the firmware (jerry_fatal ERR_REF_COUNT_LIMIT), measured on the firmware
// (docs/platform.md, "The interrupt rule"). A plain `=` and `x++`/`x--` take no reference. So the
// board build writes every compound assignment to a plain variable back as `x = x OP (y)`: the
// same value, no reference, a few bytes more.
//
//   plainAssignments(code, map?) -> { code, map, count }
//   map: terser's source map object (version 3) of `code`, or null; the returned one maps the
//   new code to the same sources (columns shifted by the edits; the edits add no line).
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { decode, encode } from '@jridgewell/sourcemap-codec';

/** Rewrites `x op= y` (x a plain identifier) as `x = x op (y)`; see the header. */
export function plainAssignments(code, map = null) {
  const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowHashBang: true });
  const edits = []; // { at, remove, insert }, in order
  walk.full(ast, (node) => {
    if (node.type !== 'AssignmentExpression' || node.operator === '=' || node.left.type !== 'Identifier') return;
    if (node.operator === '&&=' || node.operator === '||=' || node.operator === '??=') return; // not ES2018: Kaluma cannot parse them anyway
    const op = node.operator.slice(0, -1);
    // the operator sits between the target and the value (terser writes no comment there)
    const between = code.slice(node.left.end, node.right.start);
    const i = between.indexOf(node.operator);
    if (i < 0) throw new Error(`plainAssignments: no ${node.operator} between ${node.left.name} and its value at ${node.start}`);
    edits.push({ at: node.left.end + i, remove: node.operator.length, insert: `=${node.left.name}${op}(` });
    edits.push({ at: node.right.end, remove: 0, insert: ')' });
  });
  if (edits.length === 0) return { code, map, count: 0 };
  edits.sort((a, b) => a.at - b.at);
  let out = '';
  let from = 0;
  for (const e of edits) {
    out += code.slice(from, e.at) + e.insert;
    from = e.at + e.remove;
  }
  out += code.slice(from);
  if (!map) return { code: out, map: null, count: edits.length / 2 };
  // old offset -> new offset: every edit before it shifts it by (inserted - removed); an offset
  // inside a removed operator goes to the start of what replaced it
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const moved = (off) => {
    let shift = 0;
    for (const e of edits) {
      if (e.at > off) break;
      if (e.remove && off < e.at + e.remove) return e.at + shift;
      shift += e.insert.length - e.remove;
    }
    return off + shift;
  };
  const lines = decode(map.mappings);
  const newLineStarts = [0];
  for (let i = 0; i < out.length; i++) if (out.charCodeAt(i) === 10) newLineStarts.push(i + 1);
  for (let l = 0; l < lines.length && l < lineStarts.length; l++) {
    for (const seg of lines[l]) seg[0] = moved(lineStarts[l] + seg[0]) - newLineStarts[l];
  }
  return { code: out, map: { ...map, mappings: encode(lines) }, count: edits.length / 2 };
}
