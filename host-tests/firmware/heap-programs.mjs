// The one-primitive board programs (heap-programs/*.ts), built as a user builds a program of
// their own (the board build: library from src/, tree-shaken, minified) and measured on the
// firmware: heap after load (parse + top level) and start-up time over an empty program.
// Used by heap.test.mjs (budgets) and bench/kaluma-fw.bench.mjs (figures).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../../scripts/lib/program.mjs';
import { loadCost } from '../../scripts/firmware-heap.mjs';

const DIR = fileURLToPath(new URL('./heap-programs/', import.meta.url));

/**
 * Program name → what it uses, its budget of heap after load (bytes over an empty program: about
 * 3 % over what was measured, so that growth fails the test) and the goal it is measured against.
 */
export const PROGRAMS = {
  flag: { what: 'only ThreadSafeFlag', budget: 4096, goal: 4096 }, // 4,040 B with no function substituted as a closure per call (terser reduce_funcs: false, +160 B); 3,880 B measured with the wait options apart (enableWaitOptions, src/waiters.ts) (7,576 B before; 16,640 B before tree-shaking)
  event: { what: 'only ThreadSafeEvent', budget: 4050, goal: 5120 }, // 3,920 B (+160 B, as the flag's); 3,760 B (7,184 B; 15,864 B)
  queue: { what: 'only ThreadSafeQueue', budget: 17200, goal: 8192 }, // 16,952 B (+144 B, as the flag's); 16,808 B with putSync()'s hand-over apart in _give() (16,536 B before); 16,112 B (17,896 B with the overflow policies; 16,880 B before them; 15,728 B)
  all: { what: 'the three primitives and InterruptSource, each used once', budget: 30500, goal: 14336 }, // 30,160 B (+448 B, as the flag's); 29,712 B with the hand-over apart (29,272 B before); 28,616 B (30,752 B with the overflow policies; 29,448 B before them; 27,536 B)
};

/** Builds each program into a temporary folder: { name: { code, min } } (min: minified bytes). */
export async function buildPrograms(names = Object.keys(PROGRAMS)) {
  const tmp = mkdtempSync(join(tmpdir(), 'threadsafe-heap-'));
  try {
    const out = {};
    for (const name of names) {
      const file = join(tmp, name + '.js');
      const built = await buildProgram({ name, source: join(DIR, name + '.ts'), bundle: file, demo: false }, { out: file });
      out[name] = { code: readFileSync(file, 'utf8'), min: built.sizes ? built.sizes.min : null };
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The hand-written flag (heap-programs/hand-flag.js) on the firmware: { heap, heapAfterRun, loadUs, bytes }. */
export async function measureHandFlag() {
  const code = readFileSync(join(DIR, 'hand-flag.js'), 'utf8');
  return { ...(await loadCost(code)), bytes: code.length };
}

/** { name: { heap, heapAfterRun, loadUs, bytes, code } } on the firmware. */
export async function measurePrograms(names = Object.keys(PROGRAMS)) {
  const built = await buildPrograms(names);
  const entries = await Promise.all(
    names.map(async (name) => {
      const c = await loadCost(built[name].code + "\n;console.log('LOADED');\n");
      return [name, { ...c, bytes: built[name].code.length, code: built[name].code }];
    }),
  );
  return Object.fromEntries(entries);
}
