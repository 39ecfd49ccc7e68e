// The one build of a board program (a demo or a user's own program), as rollup configs and
// plugins:
// - the program imports the library by its package name, `threadsafe` and `threadsafe/kaluma`,
//   which resolve to the installed library's TypeScript sources (its src/);
// - the program is type-checked against Kaluma's globals and built-in modules (the library's
//   src/kaluma/*.d.ts);
// - the library is always compiled to ES5; the program's own files too, unless they use async
//   functions, generators or `for await`: then they are compiled to ES2018 syntax, which
//   Kaluma's engine runs natively (TypeScript's ES5 helpers cost about 5 KB more heap there and
//   fail on Espruino), and the bundle is marked Kaluma-only in its first line (KALUMA_ONLY);
// - with target 'espruino', a program using async syntax is refused;
// - the bundle is minified (terser) and one script: Kaluma's built-in modules stay require()s.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { libraryRoot, userCwd } from './root.mjs';
import { sizeOf } from './size.mjs';
import { plainAssignments } from './plain-assign.mjs';

/** Kaluma 1.2.1's built-in modules, as require() loads them on the firmware (measured: 'pio' and 'startup' do not load). */
export const BUILTINS = ['gpio', 'led', 'button', 'pwm', 'adc', 'i2c', 'spi', 'uart', 'rp2', 'events', 'fs', 'flash', 'storage', 'graphics', 'at', 'net', 'http',
  'wifi', 'vfs_lfs', 'vfs_fat', 'sdcard', 'rtc', 'path', 'stream', 'url', 'wdt'];
/** The package names a board program imports the library by, and the sources they build from. */
export const PACKAGE = { threadsafe: 'src/index.ts', 'threadsafe/kaluma': 'src/kaluma/index.ts', 'threadsafe/espruino': 'src/espruino/index.ts' };
/** Declarations every board program is checked against: Kaluma's globals and built-in modules. */
export const KALUMA_TYPES = ['src/kaluma/kaluma.d.ts', 'src/kaluma/modules.d.ts'];
/** The same for --target espruino: Espruino's globals (E, setWatch with options, D0..D29, ...). */
export const ESPRUINO_TYPES = ['src/espruino/espruino.d.ts', 'src/espruino/types/espruino.d.ts'];
/** First line of a bundle whose program is compiled to ES2018 (async): it runs on Kaluma only. */
export const KALUMA_ONLY = '/* threadsafe board program: Kaluma only (async functions compiled as ES2018 syntax) */';

/** Prints raw/min/gzip bytes of the written bundle and how much of its module code is library (src/). */
function sizeReport(onSize) {
  return {
    name: 'board-size-report',
    async writeBundle(options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        let lib = 0;
        let total = 0;
        for (const [id, m] of Object.entries(chunk.modules)) {
          total += m.renderedLength;
          if (isLibrary(id)) lib += m.renderedLength;
        }
        const s = await sizeOf(options.file);
        const share = total ? Math.round((100 * lib) / total) : 0;
        if (onSize) onSize({ ...s, lib, total });
        else console.log(`${relative(process.cwd(), options.file).padEnd(24)} raw ${String(s.raw).padStart(6)} B  min ${String(s.min).padStart(6)} B  gzip ${String(s.gzip).padStart(5)} B  library code ${share}% (${lib} of ${total} B of module code)`);
      }
    },
  };
}

/** `./x`, `./x.js` or `./x/index` from `importer` → the .ts file, or null. */
function resolveRelative(source, importer) {
  const base = resolve(dirname(importer), source);
  const tries = [base, base + '.ts', join(base, 'index.ts')];
  if (base.endsWith('.js')) tries.unshift(base.slice(0, -3) + '.ts');
  for (const f of tries) if (/\.(ts|js|mjs)$/.test(f) && existsSync(f)) return f;
  return null;
}

/** A path as the user would write it: relative to the working directory when inside it. */
export const shown = (file) => (relative(userCwd(), file).startsWith('..') ? file : relative(userCwd(), file));

const isLibrary = (file) => !relative(join(libraryRoot(), 'src'), file).startsWith('..');

/** The wait options' names: a program whose own code names one of them gets the options' code. */
const OPTION_NAMES = new Set(['signal', 'timeout']);

/** True when `node` names a wait option: `{ timeout: 5 }`, `{ signal }`, `o.timeout`, `o['signal']`. */
function namesOption(node) {
  if (ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) {
    const n = node.name;
    return (ts.isIdentifier(n) || ts.isStringLiteral(n)) && OPTION_NAMES.has(n.text);
  }
  if (ts.isPropertyAccessExpression(node)) return OPTION_NAMES.has(node.name.text);
  if (ts.isElementAccessExpression(node)) return ts.isStringLiteral(node.argumentExpression) && OPTION_NAMES.has(node.argumentExpression.text);
  return false;
}

/**
 * Scans the program's own files (the entry and the files it imports relatively; not the
 * library): `asyncAt`, the first use of async syntax (async function or arrow, await, for await,
 * generator, yield) as "file:line", or null; `badImport`, the first import a board cannot load
 * ("file:line" and the name), or null; `optionsAt`, the first place that names a wait option
 * (`signal` or `timeout` as a property: `wait({ timeout: 100 })`, `opts.signal = s`), or null:
 * the build then turns the options on for the program (boardTypescript).
 */
export function scanProgram(entry) {
  const seen = new Set();
  const pending = [resolve(entry)];
  let asyncAt = null;
  let badImport = null;
  let optionsAt = null;
  while (pending.length) {
    const file = pending.pop();
    if (seen.has(file) || isLibrary(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const at = (pos) => `${shown(file)}:${sf.getLineAndCharacterOfPosition(pos).line + 1}`;
    for (const imp of ts.preProcessFile(text, true, true).importedFiles) {
      if (imp.fileName.startsWith('.')) {
        const f = resolveRelative(imp.fileName, file);
        if (f) pending.push(f);
      } else if (!PACKAGE[imp.fileName] && !BUILTINS.includes(imp.fileName) && !badImport) {
        badImport = { at: at(imp.pos), name: imp.fileName };
      }
    }
    const visit = (node) => {
      if (asyncAt && optionsAt) return;
      if (!optionsAt && namesOption(node)) optionsAt = at(node.getStart());
      if (asyncAt) return ts.forEachChild(node, visit);
      const isAsync = ts.canHaveModifiers(node) && (ts.getModifiers(node) || []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
      const isGenerator = (ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node)) && node.asteriskToken;
      if (isAsync || isGenerator || ts.isAwaitExpression(node) || ts.isYieldExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
        asyncAt = at(node.getStart());
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { asyncAt, badImport, optionsAt };
}

/** What a board program may import, for the message refusing an import. */
const importable = (target) => (target === 'espruino'
  ? "a program for Espruino can import only 'threadsafe', 'threadsafe/espruino' (and 'threadsafe/kaluma', whose TimerSource is the same) and its own files (./...)"
  : `a board program can import only 'threadsafe', 'threadsafe/kaluma', its own files (./...) and Kaluma's built-in modules (${BUILTINS.join(', ')}); 'threadsafe/espruino' with --target espruino`);

/** The compiler options of a board program (the library's own, strict; `paths` to the library). */
function compilerOptions(target) {
  const root = libraryRoot();
  const paths = {};
  for (const [name, file] of Object.entries(PACKAGE)) paths[name] = [join(root, file)];
  return {
    target, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2020.d.ts'], types: [],
    strict: true, noImplicitOverride: true, noFallthroughCasesInSwitch: true, isolatedModules: true, skipLibCheck: true,
    // unused locals and parameters are reported as warnings (UNUSED), not errors
    noUnusedLocals: true, noUnusedParameters: true,
    importHelpers: false, downlevelIteration: false, removeComments: true, noEmit: false, sourceMap: true, inlineSources: true, declaration: false,
    baseUrl: root, paths,
  };
}

/** TypeScript's codes for a declared but unused name: a warning, the build goes on. */
export const UNUSED = new Set([6133, 6138, 6192, 6196, 6198, 6199, 6205]);

/** A diagnostic as the user reads it: `file:line:col: message` (the file relative to where they are). */
export function formatDiagnostic(d) {
  const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file) return text;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start || 0);
  return `${shown(d.file.fileName)}:${line + 1}:${character + 1}: ${text} (TS${d.code})`;
}

/**
 * A program that names a wait option is built from a virtual entry that imports ENABLE (which
 * turns the options on: src/waiters.ts) before the program's own entry, so that the options are
 * on before any of the program's files runs, and the program's text stays as written.
 */
/**
 * The first lines of a Kaluma program that calls attachInterrupt (or GPIO#irq, which calls it)
 * itself: every handler handed to attachInterrupt is also kept in an array nothing reads. Kaluma 1.2.1 releases a handler once
 * per interrupt without taking a reference, so one that only attachInterrupt refers to (an
 * inline `function () {...}`, or a name terser substituted at its one use) is collected at the
 * next garbage collection and then called freed, which stops the firmware (docs/platform.md;
 * host-tests/user runs such a program). The library keeps its own handlers itself. The array is
 * written before attachInterrupt and never read: reading a handler once it is attached is what
 * the firmware cannot take either.
 */
export const KEEP_HANDLERS = 'var keptHandlers = [], attachHandler = attachInterrupt;\n' +
  'attachInterrupt = function (pin, handler, events) { keptHandlers[pin] = handler; return attachHandler(pin, handler, events); };';

const ENTRY = '\0threadsafe-entry';
const ENABLE = '\0threadsafe-wait-options';

/**
 * Rollup plugin: resolves `threadsafe`/`threadsafe/kaluma` to src/, type-checks the program
 * with the Kaluma declarations, and compiles each TypeScript file (library ES5; program ES5,
 * or ES2018 when it uses async syntax). Refuses imports a board cannot load.
 */
function boardTypescript(input, target, state, asyncTarget) {
  let options;
  return {
    name: 'board-typescript',
    // the first line of a bundle compiled to ES2018 (async): it runs on Kaluma only
    banner: () => (state.asyncAt && state.programTarget !== ts.ScriptTarget.ES5 ? KALUMA_ONLY : ''),
    buildStart() {
      const scan = scanProgram(input);
      if (scan.badImport) this.error(`${scan.badImport.at} imports "${scan.badImport.name}": ${importable(target)}`);
      state.asyncAt = scan.asyncAt;
      state.ownHandlers = false; // set by transform()
      state.optionsAt = scan.optionsAt;
      if (state.asyncAt && target === 'espruino') {
        this.error(`${state.asyncAt}: uses async functions, generators or for await, which Espruino cannot run ` +
          '(no async syntax, and TypeScript\'s ES5 helpers need hoisting): write it with .then(), or build it for Kaluma (--target kaluma)');
      }
      state.programTarget = state.asyncAt && asyncTarget !== 'es5' ? ts.ScriptTarget.ES2018 : ts.ScriptTarget.ES5;
      options = compilerOptions(state.programTarget);
      const types = (target === 'espruino' ? ESPRUINO_TYPES : KALUMA_TYPES).map((f) => join(libraryRoot(), f)).filter((f) => existsSync(f));
      const program = ts.createProgram({ rootNames: [resolve(input), ...types], options: { ...options, noEmit: true } });
      const syntax = program.getSyntacticDiagnostics();
      if (syntax.length) this.error(`syntax error${syntax.length > 1 ? 's' : ''}:\n  ${syntax.map(formatDiagnostic).join('\n  ')}`);
      const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics()];
      const errors = diagnostics.filter((d) => !UNUSED.has(d.code));
      state.warnings = diagnostics.filter((d) => UNUSED.has(d.code)).map(formatDiagnostic);
      if (errors.length) this.error(`type error${errors.length > 1 ? 's' : ''}:\n  ${errors.map(formatDiagnostic).join('\n  ')}`);
    },
    resolveId(source, importer) {
      if (PACKAGE[source]) return join(libraryRoot(), PACKAGE[source]);
      if (!importer) return state.optionsAt ? ENTRY : null;
      if (importer === ENTRY) return source === ENABLE ? ENABLE : resolve(input);
      if (source.startsWith('.')) return resolveRelative(source, importer);
      if (BUILTINS.includes(source)) return { id: source, external: true };
      this.error(`${shown(importer)} imports "${source}": ${importable(target)}`);
    },
    load(id) {
      if (id === ENTRY) return `import ${JSON.stringify(ENABLE)};\nimport ${JSON.stringify(resolve(input))};\n`;
      if (id === ENABLE) return "import { enableWaitOptions } from 'threadsafe';\nenableWaitOptions();\n";
      return null;
    },
    // A program that attaches its own handlers gets KEEP_HANDLERS first (Kaluma only: see there).
    intro: () => (state.ownHandlers ? KEEP_HANDLERS : ''),
    transform(code, id) {
      if (!id.endsWith('.ts') || id.endsWith('.d.ts')) return null;
      // GPIO#irq (the gpio module) calls the global attachInterrupt, so the keeper holds those too (measured on the firmware)
      if (target === 'kaluma' && !isLibrary(id) && /\battachInterrupt\b|\.irq\s*\(/.test(code)) state.ownHandlers = true;
      const out = ts.transpileModule(code, { fileName: id, compilerOptions: { ...options, target: isLibrary(id) ? ts.ScriptTarget.ES5 : state.programTarget } });
      const map = JSON.parse(out.sourceMapText);
      map.sources = [id];
      return { code: out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n'), map };
    },
  };
}

/**
 * Rollup plugin: minifies the bundle with terser, then writes compound assignments to variables
 * back as plain ones (scripts/lib/plain-assign.mjs: the interrupt rule). On Kaluma parsed code stays on the heap as
 * bytecode and its load time grows with the source: measured on the firmware, minifying the core
 * cut heap after parse from 13.9 to 11.7 KB and load from 332 to 265 ms. Names are
 * mangled; the strings, the order of declarations (Espruino does not hoist) and the Kaluma-only
 * banner are kept.
 */
export function minify(state = {}) {
  return {
    name: 'board-minify',
    async renderChunk(code, _chunk, outputOptions) {
      const { minify: terser } = await import('terser');
      const withMap = Boolean(outputOptions.sourcemap);
      const es5 = !(state.asyncAt && state.programTarget !== ts.ScriptTarget.ES5);
      const out = await terser(code, {
        ecma: es5 ? 5 : 2018,
        compress: { hoist_funs: false, hoist_vars: false, passes: 1, reduce_funcs: false },
        mangle: true,
        format: { comments: /threadsafe board program/, ascii_only: true },
        sourceMap: withMap ? { asObject: true } : false,
      });
      // terser writes `x = x + 1` as `x += 1`, which inside an attachInterrupt handler can stop
      // Kaluma 1.2.1 (plain-assign.mjs): put the plain assignments back
      const plain = plainAssignments(out.code, withMap ? out.map : null);
      return { code: plain.code, map: plain.map };
    },
  };
}

/**
 * The rollup config of one board program: `input` (a .ts file) → `file`, one script, Kaluma's
 * built-in modules external. Options: target ('kaluma' default, or 'espruino': refuses async),
 * onSize (called with the sizes instead of printing them), state (an object that receives
 * `asyncAt`, the first async use or null), asyncTarget ('es2018' default; 'es5' lowers async with
 * TypeScript's helpers instead, only to measure what they cost: the checks refuse such a bundle).
 */
export function boardProgram(input, file, { target = 'kaluma', onSize, state = {}, asyncTarget = 'es2018' } = {}) {
  return {
    input,
    // the source map (file.map, no comment in the bundle) lets the checks name the program's own lines
    // a built-in module is a require() of Kaluma's, passed in as the IIFE's argument (not a global of its name)
    output: { file, format: 'iife', strict: true, sourcemap: 'hidden', globals: (id) => (BUILTINS.includes(id) ? `require('${id}')` : id) },
    plugins: [boardTypescript(input, target, state, asyncTarget), minify(state), sizeReport(onSize)],
    onwarn(warning, warn) {
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  };
}

