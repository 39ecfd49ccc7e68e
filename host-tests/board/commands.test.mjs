// The `threadsafe` command and the layout behind it: every verb answers --help with its
// options and exit codes; unknown verbs and options are refused naming what is known; the demo
// list is one; imports run one way (commands -> lib -> src; nothing in src/, scripts/ or board/
// imports a test folder, board/ holds demos that import the library by its package name).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DEMOS } from '../../scripts/kaluma-sim/demos.mjs';
import { demoNames } from '../../scripts/lib/demos.mjs';
import { ROOT, run } from './bridge.mjs';

const test = suite('threadsafe command');
const CLI = join(ROOT, 'scripts', 'cli.mjs');
const VERBS = ['build', 'sim', 'emulate', 'flash', 'fetch-firmware'];

test('every verb answers --help (exit 0) with its usage and its exit codes', async () => {
  for (const verb of VERBS) {
    const r = await run(CLI, [verb, '--help']);
    assert.is(r.code, 0, `${verb}: ${r.out}`);
    assert.ok(r.out.startsWith(`threadsafe ${verb}`), `${verb}: ${r.out.slice(0, 80)}`);
    assert.match(r.out, /Exit codes: 0 [^\n]*/, verb);
    assert.match(r.out, /2 bad arguments/, verb);
  }
  const top = await run(CLI, ['--help']);
  assert.is(top.code, 0);
  for (const verb of VERBS) assert.match(top.out, new RegExp(`^  ${verb} `, 'm'));
});

test('an unknown verb and an unknown option are refused with exit 2, naming what is known', async () => {
  const verb = await run(CLI, ['compile', 'event']);
  assert.is(verb.code, 2);
  assert.match(verb.out, /no verb "compile" \(known: build, sim, emulate, flash, fetch-firmware\)/);
  const opt = await run(CLI, ['sim', 'event', '--secs', '2']);
  assert.is(opt.code, 2);
  assert.match(opt.out, /unknown option --secs \(known: --seconds, --wire, --input, --build\)/);
});

test('the demos are one list: board/*.ts, each with its simulation setup', () => {
  const files = readdirSync(join(ROOT, 'board')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
  assert.equal(demoNames(), files);
  assert.equal(Object.keys(DEMOS).sort(), files);
});

/** Every .mjs/.js/.ts file under `dir` (no node_modules). */
function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else if (/\.(mjs|js|ts)$/.test(name)) out.push(path);
  }
  return out;
}
const importsOf = (file) => [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|new URL\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);

test('imports run one way: src/ imports nothing outside it; src/, scripts/ and board/ import no test folder; demos import the library by name', () => {
  const bad = [];
  for (const top of ['src', 'scripts', 'board']) {
    for (const file of filesUnder(join(ROOT, top))) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(ROOT, join(file, '..', spec));
        if (/^(host-tests|bench)\//.test(target)) bad.push(`${relative(ROOT, file)} imports ${target}`);
        if (top === 'src' && !target.startsWith('src/')) bad.push(`${relative(ROOT, file)} imports ${target} (outside src/)`);
        if (top === 'board' && file.endsWith('.ts')) bad.push(`${relative(ROOT, file)} imports ${spec} (a demo imports 'threadsafe' and 'threadsafe/kaluma')`);
      }
    }
  }
  assert.equal(bad, []);
  assert.equal(readdirSync(join(ROOT, 'board')).filter((f) => !/\.ts$|^README\.md$|^tsconfig\.json$|^espruino$/.test(f)), [], 'board/ holds demos only');
  assert.equal(readdirSync(join(ROOT, 'board', 'espruino')).filter((f) => !/\.ts$|^README\.md$|^tsconfig\.json$/.test(f)), [], 'board/espruino/ holds demos only (its build entries live in rollup.espruino.mjs)');
});

const EMU = join(ROOT, '..', 'shared', 'kaluma-emu');
const FILES = { 'kaluma-rp2-pico-1.2.1.uf2': join(EMU, 'kaluma-rp2-pico-1.2.1.uf2'), 'bootrom-b1.bin': join(EMU, 'bootrom-b1.bin') };
if (!Object.values(FILES).every((f) => existsSync(f))) {
  console.log(`commands.test: skipping "fetch-firmware from a mirror": the firmware files (${Object.values(FILES).join(', ')}) are absent`);
} else {
  test('fetch-firmware downloads both files from a mirror (a local HTTP server), checks their sha256, caches them, and does not fetch them again', async () => {
    const served = [];
    const server = createServer((req, res) => {
      const name = req.url.slice(1);
      served.push(name);
      if (!FILES[name]) return res.writeHead(404).end();
      res.writeHead(200).end(readFileSync(FILES[name]));
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const dest = mkdtempSync(join(tmpdir(), 'threadsafe-fetch-'));
    try {
      const url = `http://127.0.0.1:${server.address().port}`;
      const first = await run(CLI, ['fetch-firmware', '--base-url', url, '--dest', dest]);
      assert.is(first.code, 0, first.out);
      assert.match(first.out, /downloaded bootrom-b1\.bin, kaluma-rp2-pico-1\.2\.1\.uf2 in /);
      assert.equal(readdirSync(dest).sort(), ['bootrom-b1.bin', 'kaluma-rp2-pico-1.2.1.uf2']);
      const again = await run(CLI, ['fetch-firmware', '--base-url', url, '--dest', dest]);
      assert.is(again.code, 0, again.out);
      assert.match(again.out, /already cached/);
      assert.is(served.length, 2, served.join(','));
    } finally {
      server.close();
      rmSync(dest, { recursive: true, force: true });
    }
  });
}

test.run();
