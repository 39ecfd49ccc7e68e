// `npm run flash -- <program> --port <path> [--timeout S] [--no-build] [--no-verify]`: builds the
// program (a demo name or a path, as for build:board, sim and emulate) and uploads it to a
// Raspberry Pi Pico running Kaluma with @kaluma/cli 1.0.0 (`kaluma write <file> -p <port>`,
// which writes it to flash by YMODEM and then runs it with `.load`).
// It never hangs and never lies:
// - the port must be a terminal device (a serial port), checked before anything is sent;
// - a program larger than Kaluma's program area is refused before the upload;
// - the CLI's own output is streamed as it comes; it is stopped after --timeout seconds
//   (default 30 s + 1 s per 2 KB) with a message naming the likely causes;
// - kaluma-cli prints "Done." and exits 0 even when the device refused the file, so afterwards the
//   device is asked (`.flash -s` in its REPL) how many bytes of program it holds, and that must
//   be the file's size.
// @kaluma/cli is an optional dependency: it needs serialport's native addon, which is compiled
// on install; where it is missing or not built this script says how to get it.
// Exit codes: 0 uploaded and confirmed, 1 build, upload or confirmation failed, 2 bad
// arguments or port, 3 @kaluma/cli unusable, 4 timed out.
import { spawn } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { isatty } from 'node:tty';
import { parseArgs } from './build-board.mjs';
import { PROGRAM_AREA, resolveProgram } from './program.mjs';
import { ROOT } from './firmware.mjs';
import { prepare } from './run.mjs';

const require = createRequire(join(ROOT, 'package.json'));

class Fail extends Error {
  constructor(code, ...lines) {
    super(lines.join('\n'));
    this.code = code;
  }
}

/** Null when `port` is a terminal device; else why not (one line). */
export function notASerialPort(port) {
  if (process.platform === 'win32') return null; // COM3: opened by serialport only
  if (!existsSync(port)) return `the port ${port} does not exist: is the Pico plugged in? (ls /dev/ttyACM* /dev/tty.usbmodem*)`;
  const st = statSync(port);
  if (!st.isCharacterDevice()) return `${port} is not a serial port (a ${st.isDirectory() ? 'directory' : 'file'}, not a device): give the Pico's port, e.g. /dev/ttyACM0`;
  let fd;
  try {
    fd = openSync(port, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (e) {
    return `${port} cannot be opened (${e.code}): ${e.code === 'EACCES' ? 'add yourself to the group that owns it (Linux: sudo usermod -aG dialout $USER, then log in again)' : e.message}`;
  }
  try {
    if (!isatty(fd)) return `${port} is not a serial port (a character device, but not a terminal): give the Pico's port, e.g. /dev/ttyACM0`;
  } finally {
    closeSync(fd);
  }
  return null;
}

/** The seconds an upload of `bytes` may take before it is stopped. */
export const defaultTimeoutS = (bytes) => Math.round(30 + bytes / 2000);

/** Runs `kaluma write`, streaming its output; resolves { code, stdout } or rejects with Fail(4) after timeoutS. */
function kalumaWrite(cli, file, port, timeoutS, out) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'write', file, '-p', port], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      out.stdout(String(d));
    });
    child.stderr.on('data', (d) => {
      stdout += d;
      out.stderr(String(d));
    });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      reject(new Fail(4, `flash: no complete upload through ${port} within ${timeoutS} s; stopped kaluma write. Likely causes:`,
        '  - a serial monitor (screen, picocom, minicom, the Kaluma IDE, another flash) still has the port open and takes the',
        '    device\'s replies: close it, then try again;',
        `  - ${port} is not a Pico running Kaluma (a wrong device: compare ls /dev/ttyACM* with the Pico unplugged and plugged in),`,
        '    or the Pico is in BOOTSEL mode (a USB drive) without Kaluma on it: see docs/kaluma.md, "Put Kaluma on the Pico";',
        '  - the device is busy or wedged: unplug and replug the Pico.',
        `  A large program on a slow link may need more time: --timeout ${timeoutS * 2}`));
    }, timeoutS * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Fail(1, `flash: cannot run kaluma write: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

/** Asks the device how many bytes of program it holds (`.flash -s`); resolves a number or rejects. */
export function storedSize(SerialPort, port, { timeoutMs = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const serial = new SerialPort(port, { autoOpen: false, baudRate: 115200 });
    let text = '';
    let timer;
    let again;
    const finish = (err, n) => {
      clearTimeout(timer);
      clearInterval(again);
      const done = () => (err ? reject(err) : resolve(n));
      if (serial.isOpen) serial.close(done);
      else done();
    };
    serial.on('data', (d) => {
      text += d.toString('latin1');
      const m = /\.flash -s\r?\n(\d+)\r?\n/.exec(text);
      if (m) finish(null, Number(m[1]));
    });
    serial.open((err) => {
      if (err) return finish(new Error(`cannot open ${port} again to confirm the upload: ${err.message}`));
      // The device answers once the program's top level has returned (its parse can take
      // a while after `.load`): ask again every 4 s until then.
      serial.write('\r.flash -s\r');
      again = setInterval(() => serial.write('\r.flash -s\r'), 4000);
      timer = setTimeout(() => finish(new Error(`the device did not answer ".flash -s" within ${timeoutMs} ms`)), timeoutMs);
    });
  });
}

/**
 * The upload, as the CLI runs it. `out` receives the output ({ stdout(text), stderr(text) }).
 * Resolves { name, file, bytes, stored } or rejects with Fail (its `code` is the exit code).
 */
export async function flash({ program: arg, port, timeoutS, build = true, verify = true, out }) {
  const usage = 'usage: npm run flash -- <demo name | path/app.ts> --port <path> [--timeout S] [--no-build] [--no-verify]\n' +
    '  e.g.  npm run flash -- event --port /dev/ttyACM0   (macOS: /dev/tty.usbmodem1101, Windows: COM3)';
  if (!arg) throw new Fail(2, usage);
  let program;
  try {
    program = resolveProgram(arg);
  } catch (e) {
    throw new Fail(2, `flash: ${e.message}`, usage);
  }
  if (!port) {
    const candidates = existsSync('/dev') ? readdirSync('/dev').filter((f) => /^(ttyACM\d+|tty\.usbmodem.*|cu\.usbmodem.*)$/.test(f)).map((f) => '/dev/' + f) : [];
    throw new Fail(2, 'flash: no port given: add --port <path>, the serial port of the Pico running Kaluma.',
      candidates.length ? `  serial ports that look like a Pico here: ${candidates.join(', ')}` : '  no /dev/ttyACM* or /dev/tty.usbmodem* here: is the Pico plugged in and running Kaluma (see docs/kaluma.md: "Put Kaluma on the Pico")?',
      usage);
  }
  if (timeoutS !== undefined && !(timeoutS > 0)) throw new Fail(2, `flash: --timeout must be a number of seconds > 0, not "${timeoutS}"`);
  const bad = notASerialPort(port);
  if (bad) throw new Fail(2, `flash: ${bad}`);

  let cli;
  try {
    cli = require.resolve('@kaluma/cli/bin/kaluma.js');
  } catch {
    throw new Fail(3, 'flash: @kaluma/cli is not installed (it is an optional dependency and may have been skipped).',
      '  install it:  npm install --no-save @kaluma/cli@1.0.0');
  }
  let SerialPort;
  try {
    SerialPort = createRequire(cli)('serialport');
  } catch (e) {
    throw new Fail(3, 'flash: @kaluma/cli is installed but its serial port addon (@serialport/bindings, native) is not built:',
      `  ${String(e.message).split('\n')[0]}`,
      '  build it (needs python3, make and a C++ compiler; no download):',
      '    npm rebuild @serialport/bindings',
      '  or, where npm skips install scripts:',
      '    (cd node_modules/@serialport/bindings && npx --yes node-gyp rebuild)');
  }

  let file;
  try {
    file = await prepare(program, { build });
  } catch (e) {
    throw new Fail(1, `flash: ${e.message}`);
  }
  if (!existsSync(file)) throw new Fail(1, `flash: ${relative(process.cwd(), file)} was not built (drop --no-build)`);
  const bytes = readFileSync(file).length;
  if (bytes + 1 > PROGRAM_AREA) {
    throw new Fail(1, `flash: ${relative(process.cwd(), file)} is ${bytes} bytes; Kaluma's program area holds ${PROGRAM_AREA - 1} at most (512 KB with its end marker): not uploaded.`,
      '  The device would cancel the transfer (Verification failed) while kaluma write still prints Done.');
  }
  const limit = timeoutS || defaultTimeoutS(bytes);
  const shown = relative(process.cwd(), file);
  out.stdout(`flash: kaluma write ${shown} -p ${port}   (${bytes} bytes; stopped after ${limit} s)\n`);
  const res = await kalumaWrite(cli, file, port, limit, out);
  // kaluma-cli 1.0.0 prints errors but exits 0: "Done." is necessary, not sufficient.
  if (res.code !== 0 || !/Done\./.test(res.stdout)) throw new Fail(1, `flash: the upload did not finish (kaluma write exited ${res.code}${/Done\./.test(res.stdout) ? '' : ' without "Done."'})`);
  let stored = null;
  if (verify) {
    try {
      stored = await storedSize(SerialPort, port);
    } catch (e) {
      throw new Fail(1, `flash: kaluma write said Done., but the upload could not be confirmed: ${e.message}`,
        '  (a serial monitor holding the port takes the answer: close it; or skip the check with --no-verify)');
    }
    if (stored !== bytes) {
      throw new Fail(1, `flash: kaluma write said Done., but the device holds ${stored} bytes of program, not the ${bytes} bytes of ${shown}: the upload did not complete. Try again.`);
    }
    out.stdout(`flash: the device confirms ${stored} bytes of program, the size of ${shown}\n`);
  }
  out.stdout(`flash: ${program.name} is running. See its output (and Kaluma's REPL) with any serial monitor at 115200 baud, e.g.\n  screen ${port} 115200   (or: picocom -b 115200 ${port})\n`);
  return { name: program.name, file, bytes, stored };
}

async function main() {
  let o;
  try {
    o = parseArgs(process.argv.slice(2).map((a) => (a === '-p' ? '--port' : a)), ['port', 'timeout']);
  } catch (e) {
    console.error(`flash: ${e.message}`);
    return 2;
  }
  if (o.help || o._.length > 1) {
    console.error('usage: npm run flash -- <demo name | path/app.ts> --port <path> [--timeout S] [--no-build] [--no-verify]');
    return o.help ? 0 : 2;
  }
  try {
    await flash({ program: o._[0], port: o.port, timeoutS: o.timeout === undefined ? undefined : Number(o.timeout), build: o.build !== false, verify: o.verify !== false,
      out: { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) } });
    return 0;
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    console.error(e.message);
    return e.code;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main().then((code) => (process.exitCode = code));
