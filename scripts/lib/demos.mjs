// The demos: one list per target, the library's board/<name>.ts files (Kaluma) and
// board/espruino/<name>.ts (Espruino), and where a demo's bundle goes when it is built.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inside, libraryRoot, REPO_ROOT, userCwd } from './root.mjs';

const demoDir = (target) => join(libraryRoot(), 'board', ...(target === 'espruino' ? ['espruino'] : []));

/** The demo names of `target` ('kaluma' default, or 'espruino'), sorted: board/<name>.ts (board/espruino/<name>.ts) of the installed library. */
export function demoNames(target = 'kaluma') {
  const dir = demoDir(target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();
}

/** The source of demo `name` of `target`. */
export const demoSource = (name, target = 'kaluma') => join(demoDir(target), name + '.ts');

/**
 * Where a program's bundle goes by default: in the repository, dist/board/<name>.js for a demo
 * (what the tests and `npm run flash` use; an Espruino demo's dist/espruino/<name>.js, as
 * `npm run build` writes it) and dist/program/<name>.js for another program built from inside
 * the repository;
 * anywhere else, dist/<name>.js under the folder the command runs in (never into
 * node_modules).
 */
export function defaultBundle(name, { demo, target = 'kaluma' }) {
  if (REPO_ROOT && libraryRoot() === REPO_ROOT && (demo || inside(REPO_ROOT, userCwd()))) return join(REPO_ROOT, 'dist', demo ? (target === 'espruino' ? 'espruino' : 'board') : 'program', name + '.js');
  return join(userCwd(), 'dist', name + '.js');
}
