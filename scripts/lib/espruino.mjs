// A board program on an Espruino interpreter binary the user names (`--espruino PATH`, e.g. the
// Linux build of Espruino 2v29): `espruino file.js` prints a banner, runs the file, then its
// event loop while timers or pending work remain, and exits. Its errors do not change its exit
// status (only a top-level throw exits 1), so they are read from what it prints.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Lines that are Espruino's report of an error the program did not catch. */
export const ESPRUINO_ERROR = /^(Uncaught |ERROR: |New interpreter error|ASSERT|Execution Interrupted)/;

/** What the interpreter printed → the program's lines: banner, `>` prompts, ESC[J and \r gone. */
export function cleanEspruino(raw) {
  let text = raw.replace(/\r/g, '');
  const banner = text.indexOf('espruino.com/Donate\n');
  if (banner >= 0) text = text.slice(text.indexOf('\n', banner) + 1).replace(/^\n/, '');
  return text.replace(/>\x1b\[J/g, '').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split('\n').filter((l, i, all) => !(l === '>' || (l === '' && i === all.length - 1)));
}

/**
 * Runs `code` on the interpreter `bin` for at most `ms` of wall time (it is stopped then).
 * Resolves { lines: [{ ms, text }], errors: [text], code (its exit code, or null if stopped), stopped }.
 * `onLine({ ms, text })` gets each line as it comes (ms: wall time since the start).
 */
export function runEspruino({ bin, code, ms = 5000, onLine }) {
  const dir = mkdtempSync(join(tmpdir(), 'threadsafe-espruino-'));
  const file = join(dir, 'program.js');
  writeFileSync(file, code);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let raw = '';
    let seen = 0;
    const lines = [];
    const take = (final) => {
      if (!final && !raw.replace(/\r/g, '').includes('espruino.com/Donate\n')) return; // the banner is not over yet
      const all = cleanEspruino(raw);
      const complete = final ? all : all.slice(0, -1);
      for (; seen < complete.length; seen++) {
        const l = { ms: Date.now() - started, text: complete[seen] };
        lines.push(l);
        if (onLine) onLine(l);
      }
    };
    child.stdout.on('data', (d) => {
      raw += d;
      take(false);
    });
    child.stderr.on('data', (d) => (raw += d));
    let stopped = false;
    const timer = setTimeout(() => {
      stopped = true;
      child.kill('SIGKILL');
    }, ms);
    child.on('error', (e) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`cannot run the Espruino interpreter ${bin}: ${e.message}`));
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      take(true);
      resolve({ lines, errors: lines.filter((l) => ESPRUINO_ERROR.test(l.text)).map((l) => l.text), code: stopped ? null : status, stopped });
    });
  });
}

/**
 * Variables the program takes once loaded on Espruino's RP2040 port in the emulated Pico (`files`:
 * { firmware, bootrom }): stored as .bootcde and load()ed as the IDE's "save to flash", usage
 * read before its first statement and after its top level. Resolves { vars, before, after, total }.
 */
export async function picoVariables(files, code) {
  const { emulate } = await import('../emulator/index.mjs');
  const probe = `var THREADSAFE_V0 = process.memory().usage;\n${code}\n;print('THREADSAFE_VARS ' + THREADSAFE_V0 + ' ' + process.memory().usage + ' ' + process.memory().total);\n`;
  const r = await emulate({ target: 'espruino', firmware: files.firmware, bootrom: files.bootrom, code: probe, upload: 'flash', ms: 3000, until: 'THREADSAFE_VARS' });
  const line = r.lines.find((l) => l.text.startsWith('THREADSAFE_VARS '));
  if (!line) throw new Error(`the board did not print its memory use (exit ${r.exitCode}${r.errors.length ? ', ' + r.errors[0].text : ''}): ${String(r.output).slice(0, 300)}`);
  const [before, after, total] = line.text.split(' ').slice(1).map(Number);
  return { vars: after - before, before, after, total };
}

/** Variables (Espruino's memory blocks) the program takes once loaded: usage after its top level minus an empty program's. */
export async function espruinoVariables(bin, code) {
  const probe = "\n;print('THREADSAFE_VARS ' + process.memory().usage);\n";
  const usage = async (c) => {
    const r = await runEspruino({ bin, code: c + probe + 'setTimeout(function () { quit(); }, 1);\n', ms: 10000 });
    const line = r.lines.find((l) => l.text.startsWith('THREADSAFE_VARS '));
    if (!line) throw new Error(`the interpreter did not print its memory use: ${r.lines.map((l) => l.text).join(' | ').slice(0, 300)}`);
    return Number(line.text.split(' ')[1]);
  };
  const [empty, full] = [await usage(''), await usage(code)];
  return { vars: full - empty, empty, full };
}
