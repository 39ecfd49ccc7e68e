// The user tier: what a user does, from the packages a user installs, in a folder of their own.
// `npm pack` (the library) and `npm pack -w scripts` (the toolchain) → installed into a temporary
// folder outside the repository, with no `shared` folder beside it or above it → only the files
// a user has copied in (the Kaluma .uf2 as Kaluma publishes it, the raw 16 KB bootrom, their own
// programs) → the commands run from there with `npx threadsafe`:
// - the demos and a new program (attachInterrupt handlers, a TimerSource, async functions)
//   build, run on the simulated Pico and on the emulated firmware;
// - a program that throws at its top level fails both sim and emulate; a caught TimeoutError the
//   firmware misreports fails nothing and is shown apart;
// - a handler that touches an object is refused, naming its own file:line:col;
// - build, emulate and the threadsafe-toolchain/firmware module find the firmware files the user
//   put in their folder (or beside the program), and say where they looked when there are none;
// - build --target espruino names the Espruino-only globals and calls a program uses;
// - a plain install of the library alone installs nothing else; flash without the serial stack
//   says how to get it; with it, flash through the serial bridge and the program runs there;
//   flash --target espruino the same through a pty in front of the emulated Espruino Pico, its
//   output read back, a program that throws failing it.
// Needs the firmware files and the serial bridge of the maintainers' instruments beside the
// clone (CI has them); where they are absent it prints why and runs nothing.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, silentPty, startBridge, whyNoBridge } from '../board/bridge.mjs';
import { startBridge as startPty, whyNoBridge as whyNoPty } from '../../scripts/emulator/bridge.mjs';

const ROOT_PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const EMU = join(ROOT, '..', 'shared', 'kaluma-emu');
const UF2 = join(EMU, 'kaluma-rp2-pico-1.2.1.uf2');
const BOOTROM = join(EMU, 'bootrom-b1.bin');
const test = suite('a user of the packages, in a folder of their own');

/** Runs a command in `cwd` with a user's environment (none of the maintainers' variables): { code, out }. */
function sh(cmd, args, cwd, { timeoutMs = 300000, env = {} } = {}) {
  const clean = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(KALUMA_|RP2040_|ESPRUINO_|THREADSAFE_|INIT_CWD$|npm_)/.test(k)) clean[k] = v;
  return new Promise((done) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 1 << 24, env: { ...clean, THREADSAFE_CACHE: join(cwd, '.no-cache'), ...env } }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr });
    });
  });
}
const npx = (args, cwd, o) => sh('npx', ['--no-install', 'threadsafe', ...args], cwd, o);

/** The first `shared` or `node_modules` folder in `dir` or above it (a user's folder has neither near it), or null. */
function sharedNear(dir) {
  for (let d = resolve(dir); ; d = dirname(d)) {
    for (const name of ['shared', 'node_modules']) if (existsSync(join(d, name))) return join(d, name);
    if (dirname(d) === d) return null;
  }
}

const APP = `// A program of one's own: two interrupt handlers counting edges, a TimerSource sampling the
// ADC into a queue, and async functions consuming both.
import { ThreadSafeQueue } from 'threadsafe';
import { TimerSource } from 'threadsafe/kaluma';

let rising = 0;
let falling = 0;
pinMode(17, INPUT);
pinMode(18, INPUT);
attachInterrupt(17, function (_pin: number, _events: number) {
  rising = (rising + 1) & 0x7ffffff;
}, RISING);
attachInterrupt(18, function (_pin: number, _events: number) {
  falling = (falling + 1) & 0x7ffffff;
}, FALLING);
analogWrite(16, 0.5, 200);

const samples = new ThreadSafeQueue<number>(new Float32Array(16));
const timer = new TimerSource(samples, 50, { record: () => analogRead(26) });

async function sample(n: number): Promise<number> {
  let got = 0;
  for await (const _v of samples) {
    got++;
    if (got === n) break;
  }
  timer.stop();
  return got;
}

async function main(): Promise<void> {
  const got = await sample(10);
  console.log('samples ' + got + ' ticks ' + timer.ticks() + ' dropped ' + timer.dropped());
  console.log('edges ' + (rising > 5 && falling > 5 ? 'counted' : 'missing: ' + rising + ' ' + falling));
  console.log('app done');
}
main();
`;

const THROWS = "console.log('starting');\nthrow new Error('top-level failure');\n";
const CAUGHT = `import { ThreadSafeEvent } from 'threadsafe';
const evt = new ThreadSafeEvent();
async function main(): Promise<void> {
  try {
    await evt.wait({ timeout: 100 });
  } catch (e) {
    console.log('caught ' + (e as Error).name);
  }
}
main();
`;
const BAD = `const stats = { edges: 0 };
attachInterrupt(17, function () {
  stats.edges++;
}, RISING);
setInterval(function () { console.log('edges ' + stats.edges); }, 1000);
`;
const TYPES = `/// <reference types="threadsafe/kaluma-globals" />
const level: number = digitalRead(board.LED);
const bytes: Uint8Array = atob(btoa('ok'));
storage.setItem('level', String(level + bytes.length));
`;

// An Espruino board program: a TimerSource of threadsafe/espruino feeding a queue, read with .then (ES5).
const ESP_BOARD = `import { ThreadSafeQueue } from 'threadsafe';
import { TimerSource } from 'threadsafe/espruino';

const q = new ThreadSafeQueue<number>(new Array(8));
const timer = new TimerSource(q, 20, { record: function (_state: number, tick: number) { return tick; } });
let got = 0;
function take(): void {
  q.get().then(function (v: number) {
    got++;
    if (got < 5) return take();
    timer.stop();
    console.log('esp-board: ticks ' + timer.ticks() + ' got ' + got + ' last ' + v);
    console.log('esp-board done');
  });
}
take();
`;

const why = !existsSync(UF2) || !existsSync(BOOTROM) ? `the Kaluma firmware files (${UF2}, ${BOOTROM}) are absent: they come with the maintainers' instruments beside the clone, as in CI` : null;
if (why) {
  console.log(`user.test: skipping the user tier: ${why}`);
} else {
  const base = mkdtempSync(join(tmpdir(), 'threadsafe-user-'));
  const project = join(base, 'my-board');
  let installed = null;

  /** Packs both packages and installs them into the user's folder (once). */
  async function install() {
    if (installed) return installed;
    installed = (async () => {
      const near = sharedNear(base);
      assert.is(near, null, `the user's folder must have no shared or node_modules folder above it (found ${near})`);
      const packs = join(base, 'packs');
      mkdirSync(packs);
      const lib = await sh('npm', ['pack', '--ignore-scripts', '--pack-destination', packs], ROOT);
      assert.is(lib.code, 0, lib.out);
      const tool = await sh('npm', ['pack', '--ignore-scripts', '-w', 'scripts', '--pack-destination', packs], ROOT);
      assert.is(tool.code, 0, tool.out);
      const tgz = readdirSync(packs).sort();
      assert.equal(tgz, ['threadsafe-0.1.0.tgz', 'threadsafe-toolchain-0.1.0.tgz']);
      mkdirSync(project);
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-board', version: '1.0.0', private: true }, null, 2));
      const npmi = await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tgz.map((t) => join(packs, t))], project);
      assert.is(npmi.code, 0, npmi.out);
      mkdirSync(join(project, 'firmware'));
      copyFileSync(UF2, join(project, 'firmware', 'kaluma-rp2-pico-1.2.1.uf2'));
      copyFileSync(BOOTROM, join(project, 'firmware', 'bootrom-b1.bin'));
      for (const [name, text] of [['app.ts', APP], ['throws.ts', THROWS], ['caught.ts', CAUGHT], ['bad.ts', BAD], ['types.ts', TYPES]]) writeFileSync(join(project, name), text);
      return { packs, tgz };
    })();
    return installed;
  }
  const FW = ['--firmware', 'firmware/kaluma-rp2-pico-1.2.1.uf2', '--bootrom', 'firmware/bootrom-b1.bin'];

  test('the library alone installs nothing else and compiles nothing; the package has no build leftovers; its Kaluma typings are reachable', async () => {
    const { packs } = await install();
    const alone = join(base, 'library-only');
    mkdirSync(alone);
    writeFileSync(join(alone, 'package.json'), '{ "name": "lib-only", "version": "1.0.0", "private": true }');
    const r = await sh('npm', ['install', '--no-audit', '--no-fund', '--offline', join(packs, 'threadsafe-0.1.0.tgz')], alone);
    assert.is(r.code, 0, r.out);
    assert.equal(readdirSync(join(alone, 'node_modules')).filter((n) => !n.startsWith('.')), ['threadsafe']);
    const files = readdirSync(join(alone, 'node_modules', 'threadsafe', 'dist'));
    assert.not.ok(files.includes('program'), 'no dist/program in the package');
    assert.not.ok(files.some((f) => f.endsWith('.map')), 'no source maps of local builds');
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2018', module: 'esnext', moduleResolution: 'bundler', lib: ['es2020'], types: [] }, files: ['types.ts'] }));
    const tsc = await sh(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
    assert.is(tsc.code, 0, tsc.out);
  });

  test('every demo builds, runs on the simulated Pico, and on the emulated firmware from the .uf2 and the raw bootrom', async () => {
    await install();
    const demos = readdirSync(join(project, 'node_modules', 'threadsafe', 'board')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    assert.ok(demos.includes('button') && demos.includes('event'), demos.join(','));
    // two at a time: one per core
    const pairs = (fn) => (async () => {
      const out = [];
      for (let i = 0; i < demos.length; i += 2) out.push(...(await Promise.all(demos.slice(i, i + 2).map(async (d) => ({ d, r: await fn(d) })))));
      return out;
    })();
    for (const { d, r } of await pairs((d) => npx(['build', d, '--no-heap'], project))) {
      assert.is(r.code, 0, `${d}: ${r.out}`);
      assert.match(r.out, new RegExp(`dist/${d}\\.js: one script for Kaluma`));
    }
    for (const { d, r } of await pairs((d) => npx(['sim', d, '--seconds', '2', '--no-build'], project))) {
      assert.is(r.code, 0, `${d}: ${r.out}`);
      assert.match(r.out, /0 uncaught errors/);
    }
    const runs = await pairs((d) => npx(['emulate', d, '--seconds', '1.2', '--no-build', ...FW], project));
    for (const { d, r } of runs) {
      assert.is(r.code, 0, `${d}: ${r.out}`);
      assert.match(r.out, /0 uncaught errors; 0 misreported by the firmware; no crash/, d);
    }
    assert.match(runs.find((x) => x.d === 'event').r.out, /\[\s+10\d\d ms\] Cleared event/, 'stamps count from the program start: the 1000 ms timer at about 1000 ms');
  });

  test('a new program with attachInterrupt handlers, a TimerSource and async functions builds, simulates and emulates', async () => {
    await install();
    const b = await npx(['build', 'app.ts'], project); // the firmware files found in ./firmware/
    assert.is(b.code, 0, b.out);
    assert.match(b.out, /dist\/app\.js: one script for Kaluma only: async functions at app\.ts:\d+/);
    assert.match(b.out, /heap after parse: \d+ B of Kaluma's 184,312 B \(measured on firmware\/kaluma-rp2-pico-1\.2\.1\.uf2/);
    const s = await npx(['sim', 'app.ts', '--wire', '16:17,16:18', '--seconds', '2'], project);
    assert.is(s.code, 0, s.out);
    assert.match(s.out, /samples 10 ticks 1\d dropped 0\n.*edges counted\n.*app done/, s.out);
    const e = await npx(['emulate', 'app.ts', '--wire', '16:17,16:18', '--seconds', '1.5', '--no-build', ...FW], project);
    assert.is(e.code, 0, e.out);
    assert.match(e.out, /samples 10 ticks 1\d dropped 0\n.*edges counted\n.*app done/, e.out);
  });

  test('a top-level throw fails sim and emulate; a caught TimeoutError that the firmware misreports fails nothing and is shown apart', async () => {
    await install();
    const [s, e, c] = await Promise.all([
      npx(['sim', 'throws.ts', '--seconds', '0.5'], project),
      npx(['emulate', 'throws.ts', '--seconds', '0.5', ...FW], project),
      npx(['emulate', 'caught.ts', '--seconds', '0.5', ...FW], project),
    ]);
    assert.is(s.code, 1, s.out);
    assert.match(s.out, /Error: top-level failure[\s\S]*1 uncaught error,/);
    assert.is(e.code, 1, e.out);
    assert.match(e.out, /top-level failure[\s\S]*1 uncaught error;/);
    assert.is(c.code, 0, c.out);
    assert.match(c.out, /caught TimeoutError/);
    assert.match(c.out, /0 uncaught errors; 1 misreported by the firmware \(caught by the program/);
  });

  test('a handler that touches an object is refused, naming its own file:line:col and identifiers', async () => {
    await install();
    const r = await npx(['build', 'bad.ts', '--no-heap'], project);
    assert.is(r.code, 1, r.out);
    assert.match(r.out, /bad\.ts:3:3: `stats\.edges`: touches an object \(member access\)/);
    assert.is(r.out.match(/bad\.ts:\d+:\d+/g).length, 1, r.out);
  });

  const ESPRUINO = join(ROOT, '..', 'shared', 'espruino', 'espruino');
  if (!existsSync(ESPRUINO)) console.log(`user.test: skipping "on Espruino": ${ESPRUINO} (the Espruino 2v29 Linux build) is absent`);
  else {
    test('on Espruino: build --target espruino reports the variables the program takes; emulate runs it on the interpreter named (a late throw fails it) and on Espruino\'s RP2040 port', async () => {
      await install();
      writeFileSync(join(project, 'esp.ts'), "import { ThreadSafeQueue } from 'threadsafe';\nconst q = new ThreadSafeQueue<number>(new Array(4));\nq.putSync(7);\nsetTimeout(function () { console.log('got ' + q.getSync()); }, 50);\n");
      writeFileSync(join(project, 'esp-throws.js'), "setTimeout(function () { throw new Error('late failure'); }, 20);\n");
      const b = await npx(['build', 'esp.ts', '--target', 'espruino', '--espruino', ESPRUINO], project);
      assert.is(b.code, 0, b.out);
      assert.match(b.out, /variables after load: \d+ \(measured on /);
      assert.not.match(b.out, /heap|Kaluma's/);
      const e = await npx(['emulate', 'esp.ts', '--target', 'espruino', '--espruino', ESPRUINO, '--seconds', '3', '--no-build'], project);
      assert.is(e.code, 0, e.out);
      assert.match(e.out, /\] got 7\n[\s\S]*0 uncaught errors/);
      const t = await npx(['emulate', 'esp-throws.js', '--target', 'espruino', '--espruino', ESPRUINO, '--seconds', '3'], project);
      assert.is(t.code, 1, t.out);
      assert.match(t.out, /Uncaught Error: late failure[\s\S]*1 uncaught error/);
      const PORT = join(ROOT, '..', 'shared', 'espruino-rp2040', 'espruino_rp2040_pico.bin');
      if (!existsSync(PORT)) return console.log(`user.test: skipping "on Espruino's RP2040 port": ${PORT} is absent`);
      copyFileSync(PORT, join(project, 'firmware', 'espruino_rp2040_pico.bin'));
      const pico = await npx(['emulate', 'esp.ts', '--target', 'espruino', '--firmware', 'firmware/espruino_rp2040_pico.bin', '--bootrom', 'firmware/bootrom-b1.bin', '--seconds', '1', '--no-build'], project);
      assert.is(pico.code, 0, pico.out);
      assert.match(pico.out, /on Espruino's RP2040 port \(emulated RP2040\)[\s\S]*\] got 7\n[\s\S]*0 uncaught errors/);
    });
  }

  test('emulate finds the firmware files put beside the program, and says every place it looked where there are none; threadsafe-toolchain/firmware runs a program from the files in the folder', async () => {
    await install();
    const away = join(project, 'elsewhere');
    mkdirSync(away);
    writeFileSync(join(away, 'blink.js'), "console.log('blink ran');\n");
    const none = await npx(['emulate', 'blink.js', '--seconds', '0.3'], away);
    assert.is(none.code, 3, none.out);
    for (const p of ['elsewhere/kaluma-rp2-pico-1.2.1.uf2', 'elsewhere/firmware/kaluma-rp2-pico-1.2.1.uf2', 'elsewhere/b1.bin', 'elsewhere/.no-cache/bootrom-b1.bin']) assert.ok(none.out.includes(join(project, p)), `${p} is among the places named: ${none.out}`);
    // beside the program, under the release names (the bootrom as pico-bootrom's release calls it)
    copyFileSync(UF2, join(away, 'kaluma-rp2-pico-1.2.1.uf2'));
    copyFileSync(BOOTROM, join(away, 'b1.bin'));
    const [beside, fw] = await Promise.all([
      npx(['emulate', 'elsewhere/blink.js', '--seconds', '0.3'], project),
      sh(process.execPath, ['--input-type=module', '-e', "import { runOnFirmware } from 'threadsafe-toolchain/firmware';\n" +
        "const r = await runOnFirmware({ code: \"console.log('fw ' + (40 + 2))\" }, { ms: 300 });\nconsole.log(JSON.stringify({ code: r.code, texts: r.lines.map((l) => l.text) }));"], project),
    ]);
    assert.is(beside.code, 0, beside.out);
    assert.match(beside.out, /\] blink ran\n[\s\S]*0 uncaught errors/);
    assert.is(fw.code, 0, fw.out);
    assert.equal(JSON.parse(fw.out.trim().split('\n').pop()), { code: 0, texts: ['fw 42'] });
  });

  test('build --target espruino names the Espruino-only globals and calls a program uses, with their places; one without them may run on Kaluma too; a demo name is the Espruino demo', async () => {
    await install();
    writeFileSync(join(project, 'esp-watch.js'), "E.on('errorFlag', function (f) { console.log(f); });\nsetWatch(function (e) { console.log(e.time); }, D17, { edge: 'rising', repeat: true });\n");
    writeFileSync(join(project, 'esp-plain.ts'), "import { ThreadSafeFlag } from 'threadsafe';\nconst f = new ThreadSafeFlag();\nf.wait().then(function () { console.log('set'); });\nsetTimeout(function () { f.set(); }, 10);\n");
    const [only, plain, demo] = await Promise.all([npx(['build', 'esp-watch.js', '--target', 'espruino'], project), npx(['build', 'esp-plain.ts', '--target', 'espruino'], project),
      npx(['build', 'button', '--target', 'espruino', '--no-heap'], project)]);
    assert.is(demo.code, 0, demo.out);
    assert.match(demo.out, /dist\/button\.js: one script for Espruino only \(ES5\): it uses E \(node_modules\/threadsafe\/src\/espruino\/watch-source\.ts:\d+:\d+\), setWatch with an options object \(node_modules\/threadsafe\/src\/espruino\/watch-source\.ts:\d+:\d+\), D16 \(node_modules\/threadsafe\/board\/espruino\/button\.ts:\d+:\d+\)/,
      'a demo name with --target espruino is the Espruino demo (board/espruino/button.ts), and the library\'s own Espruino calls are named too');
    assert.is(only.code, 0, only.out);
    assert.match(only.out, /esp-watch\.js: a program for Espruino only \(ES5\): it uses E \(esp-watch\.js:1:1\), setWatch with an options object \(esp-watch\.js:2:1\), D17 \(esp-watch\.js:2:49\), which Kaluma does not have/);
    assert.is(plain.code, 0, plain.out);
    assert.match(plain.out, /dist\/esp-plain\.js: one script for Espruino \(ES5; it uses no Espruino-only global or call, so it may run on Kaluma too/);
  });

  const PICO_FW = join(ROOT, '..', 'shared', 'espruino-rp2040', 'espruino_rp2040_pico.bin');
  const whyNoEspruinoFlash = !existsSync(PICO_FW) ? `${PICO_FW} (Espruino's RP2040 port) is absent` : whyNoPty();
  if (whyNoEspruinoFlash) console.log(`user.test: skipping "flash --target espruino through a pty": ${whyNoEspruinoFlash}`);
  else {
    test('flash --target espruino: without serialport it says how to install it; with it, the program is stored on the emulated Espruino Pico through a pty, its CRC confirmed, its output read back; a program that throws fails the flash', async () => {
      await install();
      writeFileSync(join(project, 'esp-board.ts'), ESP_BOARD);
      writeFileSync(join(project, 'esp-late.js'), "console.log('late: started');\nsetTimeout(function () { throw new Error('late failure'); }, 30);\n");
      copyFileSync(PICO_FW, join(project, 'firmware', 'espruino_rp2040_pico.bin'));
      const built = await npx(['build', 'esp-board.ts', '--target', 'espruino'], project);
      assert.is(built.code, 0, built.out);
      assert.match(built.out, /variables after load: \d+ of \d+ \(measured on firmware\/espruino_rp2040_pico\.bin in the emulated Pico/);
      assert.match(built.out, /dist\/esp-board\.js: one script for Espruino \(ES5; it uses no Espruino-only global/, 'its TimerSource is the one both boards have');
      // The emulated Pico running Espruino's RP2040 port behind a pseudo-terminal, as a board on USB is.
      const b = await startPty({ target: 'espruino', firmware: PICO_FW, bootrom: join(project, 'firmware', 'bootrom-b1.bin') });
      try {
        const none = await npx(['flash', 'esp-board.ts', '--target', 'espruino', '--port', b.path, '--no-build'], project);
        assert.is(none.code, 3, none.out);
        assert.match(none.out, /the serialport package is not installed[\s\S]*npm install --save-dev serialport/);
        // as the message says (the version the repository pins, so that npm's cache has it)
        const sp = await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', `serialport@${ROOT_PKG.devDependencies.serialport}`], project);
        assert.is(sp.code, 0, sp.out);
        const from = b.mark();
        const up = await npx(['flash', 'esp-board.ts', '--target', 'espruino', '--port', b.path, '--no-build', '--until', 'esp-board done', '--watch', '120'], project);
        assert.is(up.code, 0, up.out);
        assert.match(up.out, /the board confirms: stored \.bootcde: \d+ bytes, CRC-32 [0-9a-f]{8}, the CRC-32 of what was sent/);
        assert.match(up.out, /\] esp-board: ticks [5-9] got 5 last \d\n[\s\S]*\] esp-board done\n[\s\S]*0 uncaught errors/, 'the program ran on the chip and its output came back through flash');
        await b.waitFor('esp-board done', { from, timeoutMs: 5000 });
        const stored = await npx(['flash', 'esp-late.js', '--target', 'espruino', '--port', b.path, '--until', 'late failure', '--watch', '120'], project);
        assert.is(stored.code, 1, stored.out);
        assert.match(stored.out, /\] late: started\n[\s\S]*\] Uncaught Error: late failure\n[\s\S]*1 uncaught error/);
        assert.match(stored.out, /esp-late threw on the board:\n  callback: Uncaught Error: late failure/);
        const ram = await npx(['flash', 'throws.ts', '--target', 'espruino', '--port', b.path, '--ram', '--watch', '1'], project);
        assert.is(ram.code, 1, ram.out);
        assert.match(ram.out, /to RAM on [\s\S]*\] starting\n[\s\S]*Uncaught Error: top-level failure[\s\S]*1 uncaught error/);
        writeFileSync(join(project, 'esp-quiet.js'), "console.log('quiet');\n");
        const quiet = await npx(['flash', 'esp-quiet.js', '--target', 'espruino', '--port', b.path, '--ram', '--until', 'never printed', '--watch', '1'], project);
        assert.is(quiet.code, 1, quiet.out);
        assert.match(quiet.out, /\] quiet\n[\s\S]*esp-quiet did not print "never printed" within 1 s after its top level returned/);
        // a port where nothing answers (a wrong device, or a monitor holding the port): refused in seconds, saying why
        const silent = await silentPty();
        try {
          const nobody = await npx(['flash', 'esp-quiet.js', '--target', 'espruino', '--port', silent.path], project);
          assert.is(nobody.code, 1, nobody.out);
          assert.match(nobody.out, /the upload failed: no ACK for FILE_SEND \(is it Espruino 2v25 or later\?\) within 5000 ms[\s\S]*a board running Espruino 2v25 or later/);
        } finally {
          silent.stop();
        }
      } finally {
        await b.close();
      }
    });
  }

  const noBridge = whyNoBridge();
  test('flash without the serial stack says how to install it; with it, the program uploads through the serial bridge and runs', async () => {
    await install();
    const missing = await npx(['flash', 'app.ts', '--port', '/dev/null', '--no-build'], project);
    assert.is(missing.code, 2, missing.out); // the port is checked first: /dev/null is no serial port
    assert.match(missing.out, /\/dev\/null is not a serial port/);
    if (noBridge) {
      console.log(`user.test: skipping the upload through the bridge: ${noBridge}`);
      return;
    }
    const b = await startBridge('user');
    try {
      const noCli = await npx(['flash', 'app.ts', '--port', b.path, '--no-build'], project);
      assert.is(noCli.code, 3, noCli.out);
      assert.match(noCli.out, /@kaluma\/cli is not installed[\s\S]*npm install --save-dev @kaluma\/cli@1\.0\.0/);
      // The serial stack as the message says, from the copy the repository's install built
      // (a registry install compiles serialport's addon, which takes minutes here).
      const cli = await sh('npm', ['install', '--no-audit', '--no-fund', '--offline', '--no-save', join(ROOT, 'node_modules', '@kaluma', 'cli')], project);
      assert.is(cli.code, 0, cli.out);
      const from = b.mark();
      const up = await npx(['flash', 'app.ts', '--port', b.path, '--no-build'], project);
      assert.is(up.code, 0, up.out);
      assert.match(up.out, /the device confirms \d+ bytes of program/);
      await b.waitFor('app done', { from, timeoutMs: 60000 });
    } finally {
      await b.stop();
    }
  });

  test.after(() => rmSync(base, { recursive: true, force: true }));
}

test.run();
