// Where things are. The toolchain (this folder's package, `threadsafe-toolchain`) and the
// library it builds programs with (`threadsafe`: its src/, its Kaluma typings and its demos in
// board/) are found wherever they are installed:
// - in the repository, scripts/ sits inside the library's checkout;
// - in a user's project, both are in node_modules and the library is found from the folder the
//   command runs in (or, failing that, from beside the toolchain).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The toolchain's own folder (scripts/ in the repository). */
export const TOOL_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const isLibrary = (dir) => {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'threadsafe' && existsSync(join(dir, 'src', 'index.ts'));
  } catch {
    return false;
  }
};

/** The repository checkout the toolchain runs from, or null when it is installed from a package. */
export const REPO_ROOT = isLibrary(join(TOOL_ROOT, '..')) ? resolve(TOOL_ROOT, '..') : null;

/**
 * The folder the user typed the command in: the working directory, except under one of the
 * repository's `npm run` aliases of the command, which change to the package root (npm keeps the
 * folder in INIT_CWD).
 */
export const userCwd = () => (process.env.INIT_CWD && /\bscripts\/cli\.mjs\b/.test(process.env.npm_lifecycle_script || '') ? process.env.INIT_CWD : process.cwd());

let found;
/**
 * The installed library `threadsafe` (the folder holding its package.json, src/ and board/):
 * resolved from the user's folder, then from beside the toolchain, then the repository. Throws an
 * Error saying how to install it when none is found.
 */
export function libraryRoot() {
  if (found) return found;
  for (const from of [userCwd(), TOOL_ROOT]) {
    try {
      const dir = dirname(createRequire(join(from, 'noop.js')).resolve('threadsafe/package.json'));
      if (isLibrary(dir)) return (found = dir);
    } catch {
      // not installed there
    }
  }
  if (REPO_ROOT) return (found = REPO_ROOT);
  throw new Error('the library "threadsafe" is not installed beside the toolchain: install both packages (see the README, "Install")');
}

/** Whether a folder is inside another (or is it). */
export const inside = (dir, file) => {
  const r = resolve(file);
  const d = resolve(dir);
  return r === d || r.startsWith(d + '/');
};
