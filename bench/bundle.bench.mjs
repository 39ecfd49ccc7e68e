// Bundle size: raw, minified (terser, as a user would ship it) and gzip bytes of every bundle
// that goes on a board (dist/threadsafe.js and each dist/board/*.js), and how many bytes of
// each are TypeScript downlevel helpers (__awaiter, __generator, ...: should be 0, they cost
// heap on Kaluma and need hoisting on Espruino). Peer: the queue alone, tree-shaken from the
// ESM build, against it-pushable 3 bundled with its one dependency (p-defer).
// Correctness first: the minified library must load as a board loads it (no module/exports,
// it sets the global `threadsafe`) and move items through a queue; it-pushable's bundle too.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { rollup } from 'rollup';
import { minify } from 'terser';
import { boardBundles, helpersIn } from '../scripts/check-bundles.mjs';
import { sizeOf } from '../scripts/size.mjs';

export const title = 'Bundle size (terser-minified, gzip -9) and TypeScript helper code';

const require = createRequire(import.meta.url);
const ROOT = new URL('..', import.meta.url).pathname;

/** Bytes of the declarations of the given helper names in `source` (0 when there are none). */
export function helperBytes(source, names) {
  if (names.length === 0) return 0;
  const ast = acorn.parse(source, { ecmaVersion: 'latest', sourceType: 'script' });
  let bytes = 0;
  walk.full(ast, (node) => {
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && names.includes(node.id.name)) bytes += node.end - node.start;
    if (node.type === 'FunctionDeclaration' && node.id && names.includes(node.id.name)) bytes += node.end - node.start;
  });
  return bytes;
}

/** Bundles `entry` (ESM source text) with rollup, resolving bare imports from node_modules. */
async function bundle(entrySource) {
  const bundleIt = await rollup({
    input: 'entry',
    plugins: [{
      name: 'bench-resolve',
      resolveId(id, importer) {
        if (id === 'entry') return id;
        if (importer === 'entry' || !id.startsWith('.')) return require.resolve(id, { paths: [ROOT] });
        return null;
      },
      load(id) {
        return id === 'entry' ? entrySource : null;
      },
    }],
    onwarn: () => {},
  });
  const { output } = await bundleIt.generate({ format: 'es' });
  await bundleIt.close();
  return output[0].code;
}

async function sizeOfText(text, label) {
  const dir = mkdtempSync(join(tmpdir(), 'threadsafe-bench-'));
  try {
    const file = join(dir, 'bundle.js');
    writeFileSync(file, text);
    const s = await sizeOf(file);
    return { ...s, file: label };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Loads the minified UMD bundle the way a board does (a plain script, global `threadsafe`). */
async function checkMinifiedLibrary() {
  const { code } = await minify(readFileSync(ROOT + 'dist/threadsafe.js', 'utf8'), { ecma: 5, compress: true, mangle: true });
  const context = vm.createContext({ Promise, setTimeout, clearTimeout, Symbol, Error, TypeError, RangeError, Object, Array, Int32Array, ArrayBuffer, DataView });
  vm.runInContext(code, context);
  const lib = context.threadsafe;
  if (!lib || typeof lib.ThreadSafeQueue !== 'function') throw new Error('the minified bundle did not set the global threadsafe.ThreadSafeQueue');
  const q = new lib.ThreadSafeQueue(new Array(4));
  q.putSync('a');
  q.putSync('b');
  if (q.getSync() !== 'a' || q.getSync() !== 'b' || !q.empty()) throw new Error('the minified bundle\'s queue gave the wrong items');
}

async function checkEsm(code, use) {
  const mod = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
  await use(mod);
}

export default async function run() {
  // 1. Correctness.
  await checkMinifiedLibrary();
  const queueOnly = await bundle(`export { ThreadSafeQueue } from ${JSON.stringify(ROOT + 'dist/threadsafe.mjs')};`);
  await checkEsm(queueOnly, async ({ ThreadSafeQueue }) => {
    const q = new ThreadSafeQueue(new Array(3));
    const p = q.get();
    q.putSync(42);
    if ((await p) !== 42) throw new Error('tree-shaken ThreadSafeQueue gave the wrong item');
  });
  if (/ThreadSafeEvent|ThreadSafeFlag/.test(queueOnly)) throw new Error('tree-shaking kept Event/Flag in the queue-only bundle');
  const pushableCode = await bundle(`export { pushable } from 'it-pushable';`);
  await checkEsm(pushableCode, async ({ pushable }) => {
    const src = pushable({ objectMode: true });
    src.push(1);
    src.push(2);
    src.end();
    const got = [];
    for await (const x of src) got.push(x);
    if (got.join() !== '1,2') throw new Error('bundled it-pushable gave the wrong items');
  });

  // 2. Sizes.
  const rows = [];
  let helperTotal = 0;
  const files = boardBundles();
  for (const file of files) {
    const s = await sizeOf(ROOT + file);
    const source = readFileSync(ROOT + file, 'utf8');
    const names = helpersIn(source);
    const hb = helperBytes(source, names);
    helperTotal += hb;
    rows.push({
      name: `${file}, minified + gzip`,
      unit: 'B',
      value: s.gzip,
      higherIsBetter: false,
      peers: [],
      note: `raw ${s.raw} B, minified ${s.min} B, gzip ${s.gzip} B; TypeScript helpers: ${names.length ? `${names.join(', ')} = ${hb} B raw` : 'none (0 B)'}`,
    });
  }
  rows.push({
    name: `TypeScript helper code in the ${files.length} board bundle${files.length > 1 ? 's' : ''}`,
    unit: 'B',
    value: helperTotal,
    higherIsBetter: false,
    peers: [],
    note: helperTotal === 0 ? 'goal met: none' : 'goal is 0 (scripts/check-bundles.mjs fails the build)',
  });
  const q = await sizeOfText(queueOnly, 'ThreadSafeQueue alone');
  const ip = await sizeOfText(pushableCode, 'it-pushable');
  rows.push({
    name: 'ThreadSafeQueue alone (tree-shaken from dist/threadsafe.mjs), minified + gzip',
    unit: 'B',
    value: q.gzip,
    higherIsBetter: false,
    peers: [{ name: 'it-pushable 3 + p-defer, bundled', value: ip.gzip }],
    note: `ours: raw ${q.raw} B, minified ${q.min} B; it-pushable: raw ${ip.raw} B, minified ${ip.min} B (ES2020 source; ours is ES5)`,
  });
  return rows;
}
