// The demos: one list, the library's board/<name>.ts files (Kaluma), and where a demo's bundle
// goes when it is built.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inside, libraryRoot, REPO_ROOT, userCwd } from './root.mjs';

/** The demo names, sorted: board/<name>.ts of the installed library. */
export function demoNames() {
  const dir = join(libraryRoot(), 'board');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();
}

/** The source of demo `name`. */
export const demoSource = (name) => join(libraryRoot(), 'board', name + '.ts');

/**
 * Where a program's bundle goes by default: in the repository, dist/board/<name>.js for a demo
 * (what the tests and `npm run flash` use) and dist/program/<name>.js for another program built
 * from inside the repository;
 * anywhere else, dist/<name>.js under the folder the command runs in (never into
 * node_modules).
 */
export function defaultBundle(name, { demo }) {
  if (REPO_ROOT && libraryRoot() === REPO_ROOT && (demo || inside(REPO_ROOT, userCwd()))) return join(REPO_ROOT, 'dist', demo ? 'board' : 'program', name + '.js');
  return join(userCwd(), 'dist', name + '.js');
}
