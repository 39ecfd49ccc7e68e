// `npm test` after the build: every check, then ONE honest total as the last line:
//   N passed, N failed, N skipped
// - the bundle checks (scripts/check-bundles.mjs), the uvu suites (host-tests/**/*.test.mjs),
//   the type tests (tsc -p host-tests/types) and the byte budgets (size-limit) run in turn, their
//   output shown as it comes;
// - passed/failed: uvu's tests, plus one per other check;
// - skipped: uvu's skipped tests, plus every suite or part that did not run, which says so on a
//   line of its own ("... skipping ...: why" / "... skipped: why"); their reasons are listed
//   again just above the total, so a run without the maintainers' instruments cannot look complete.
// Exit code 1 when anything failed.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// the packages' own scripts, as npm installs them (not every package exports its package.json)
const bin = (pkg, file) => join(ROOT, 'node_modules', pkg, file);

const STEPS = [
  { name: 'bundle checks (scripts/check-bundles.mjs)', argv: [join(ROOT, 'scripts', 'check-bundles.mjs')] },
  // `npm test -- <dir> [pattern]` narrows the suites (e.g. `npm test -- host-tests/board commands`)
  { name: 'uvu suites', argv: [bin('uvu', 'bin.js'), process.argv[2] || 'host-tests', process.argv[3] || '\\.test\\.(m?js)$'], uvu: true },
  { name: 'type tests (tsc -p host-tests/types)', argv: [bin('typescript', 'bin/tsc'), '-p', 'host-tests/types'] },
  { name: 'byte budgets (size-limit)', argv: [bin('size-limit', 'bin.js')] },
];

const plain = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
const SKIP = /\bskip(?:ped|ping)\b/i;

function runStep(step) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, step.argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' } });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, out: plain(out) }));
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const reasons = [];
const failures = [];
for (const step of STEPS) {
  const r = await runStep(step);
  for (const line of r.out.split('\n')) {
    const t = line.trim();
    if (SKIP.test(t) && !/^Skipped:/.test(t)) {
      skipped++;
      reasons.push(t);
    }
  }
  if (step.uvu) {
    const num = (label) => {
      const m = new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm').exec(r.out);
      return m ? Number(m[1]) : null;
    };
    const total = num('Total');
    const ok = num('Passed');
    const skip = num('Skipped') || 0;
    if (total === null || ok === null) {
      failed++;
      failures.push(`${step.name}: ended without uvu's totals (exit ${r.code}${r.signal ? ', ' + r.signal : ''}): a suite crashed while loading`);
    } else {
      passed += ok;
      skipped += skip;
      failed += total - ok - skip;
      if (total - ok - skip > 0) failures.push(`${step.name}: ${total - ok - skip} failed (see FAIL above)`);
      if (r.code !== 0 && total - ok - skip === 0) {
        failed++;
        failures.push(`${step.name}: exit ${r.code} though every test passed`);
      }
    }
  } else if (r.code === 0) passed++;
  else {
    failed++;
    failures.push(`${step.name}: exit ${r.code}`);
  }
}

console.log('');
if (reasons.length) console.log(`did not run (${reasons.length}):\n${reasons.map((r) => '  - ' + r).join('\n')}`);
if (failures.length) console.log(`failed:\n${failures.map((f) => '  - ' + f).join('\n')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed ? 1 : 0;
