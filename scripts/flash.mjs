// `npm run flash -- <name> --port <path>`: builds the board demos and uploads dist/board/<name>.js
// to a Raspberry Pi Pico running Kaluma with @kaluma/cli 1.0.0 (`kaluma write <file> -p <port>`,
// which writes the program to flash by YMODEM and then runs it with `.load`).
// @kaluma/cli is an optional dependency: it needs serialport's native addon, which is compiled
// on install; where it is missing or not built this script says how to get it, and nothing else
// in the project needs it. Options: --no-build (upload what dist/ holds).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const demos = readdirSync(join(root, 'board')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3)).sort();

function fail(code, ...lines) {
  console.error(lines.join('\n'));
  process.exit(code);
}

const args = process.argv.slice(2);
let port;
let build = true;
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--port' || args[i] === '-p') port = args[++i];
  else if (args[i].startsWith('--port=')) port = args[i].slice(7);
  else if (args[i] === '--no-build') build = false;
  else if (args[i] === '--help' || args[i] === '-h') names.length = 0, port = undefined, i = args.length;
  else names.push(args[i]);
}

const usage = `usage: npm run flash -- <${demos.join('|')}> --port <path>\n` +
  '  e.g.  npm run flash -- event --port /dev/ttyACM0   (macOS: /dev/tty.usbmodem1101, Windows: COM3)';
if (names.length !== 1) fail(2, usage);
const name = names[0];
if (!demos.includes(name)) fail(2, `flash: no demo named "${name}"; the demos are: ${demos.join(', ')}`, usage);

if (!port) {
  const candidates = existsSync('/dev') ? readdirSync('/dev').filter((f) => /^(ttyACM\d+|tty\.usbmodem.*|cu\.usbmodem.*)$/.test(f)).map((f) => '/dev/' + f) : [];
  fail(2, 'flash: no port given: add --port <path>, the serial port of the Pico running Kaluma.',
    candidates.length ? `  serial ports that look like a Pico here: ${candidates.join(', ')}` : '  no /dev/ttyACM* or /dev/tty.usbmodem* here: is the Pico plugged in and running Kaluma (see the README: "Put Kaluma on the Pico")?',
    usage);
}
if (process.platform !== 'win32' && !existsSync(port)) fail(2, `flash: the port ${port} does not exist: is the Pico plugged in? (ls /dev/ttyACM* /dev/tty.usbmodem*)`);

let cli;
try {
  cli = require.resolve('@kaluma/cli/bin/kaluma.js');
} catch {
  fail(3, 'flash: @kaluma/cli is not installed (it is an optional dependency and may have been skipped).',
    '  install it:  npm install --no-save @kaluma/cli@1.0.0');
}
try {
  createRequire(cli)('serialport');
} catch (e) {
  fail(3, 'flash: @kaluma/cli is installed but its serial port addon (@serialport/bindings, native) is not built:',
    `  ${String(e.message).split('\n')[0]}`,
    '  build it (needs python3, make and a C++ compiler; no download):',
    '    npm rebuild @serialport/bindings',
    '  or, where npm skips install scripts:',
    '    (cd node_modules/@serialport/bindings && npx --yes node-gyp rebuild)');
}

if (build) {
  console.log('flash: building (npm run build)');
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
const file = join('dist', 'board', `${name}.js`);
if (!existsSync(join(root, file))) fail(1, `flash: ${file} was not built`);
console.log(`flash: kaluma write ${file} -p ${port}`);
const res = spawnSync(process.execPath, [cli, 'write', file, '-p', port], { cwd: root, encoding: 'utf8', stdio: ['inherit', 'pipe', 'pipe'] });
process.stdout.write(res.stdout || '');
process.stderr.write(res.stderr || '');
// kaluma-cli 1.0.0 prints errors but exits 0: judge by its "Done." line.
if (res.status !== 0 || !/Done\./.test(res.stdout || '')) fail(1, `flash: the upload did not finish (kaluma write exited ${res.status})`);
console.log(`flash: ${name} is running. See its output (and Kaluma's REPL) with any serial monitor at 115200 baud, e.g.\n  screen ${port} 115200   (or: picocom -b 115200 ${port})`);
