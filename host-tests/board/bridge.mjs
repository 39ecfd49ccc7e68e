// Helpers for tests that upload through a real serial port: the emulated Kaluma firmware behind
// a pseudo-terminal (the project's own bridge, scripts/emulator/bridge.mjs, started in-process, on
// the firmware files of ../shared beside the clone as in CI), a pty with nobody behind it, and the
// project's commands run asynchronously (a spawnSync would stop the emulator while it waits). Each
// test says why it skips where the firmware, python3 or the serialport addon is absent.
import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { whyNoBridge as whyNoPty } from '../../scripts/emulator/bridge.mjs';
import { findFirmware, ROOT, whyMissing } from '../../scripts/firmware.mjs';

export { ROOT };
const require = createRequire(join(ROOT, 'package.json'));

/** Null when a test can upload through the bridge; else why not (for a skip line). */
export function whyNoBridge() {
  if (!findFirmware()) return whyMissing();
  return whyNoPty() || whyNoCli();
}

/** Null when @kaluma/cli and its serialport addon load; else why not. */
export function whyNoCli() {
  try {
    const cli = require.resolve('@kaluma/cli/bin/kaluma.js');
    createRequire(cli)('serialport');
    return null;
  } catch (e) {
    return `@kaluma/cli or its serialport addon is not usable (${String(e.message).split('\n')[0]}): npm rebuild @serialport/bindings`;
  }
}

/** Starts the bridge (the emulated Kaluma Pico behind a pty) on a unique link under /tmp. */
export async function startBridge(tag) {
  const { startBridge: start } = await import('../../scripts/emulator/index.mjs');
  const fw = findFirmware();
  return start({ target: 'kaluma', firmware: fw.firmware, bootrom: fw.bootrom, link: `/tmp/threadsafe-${tag}-${process.pid}`, onStatus: () => {} });
}

/**
 * A pseudo-terminal that nothing answers on (as a wrong device, or a port whose replies a serial
 * monitor takes): python3 holds its master side open and never reads. Resolves { path, stop() }.
 */
export function silentPty() {
  const py = 'import os, pty, sys, time\nm, s = pty.openpty()\nprint(os.ttyname(s), flush=True)\nwhile True: time.sleep(1)\n';
  const child = spawn(process.env.PYTHON || 'python3', ['-c', py], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve({ path: String(d).trim(), stop: () => child.kill('SIGKILL') }));
    child.once('error', reject);
  });
}

/** Runs `npm run <script> -- ...args` (or `node file ...args` when script ends with .mjs) asynchronously: { code, out, ms }. */
export function run(script, args, { cwd = ROOT, timeoutMs = 300000, env } = {}) {
  const started = Date.now();
  const [cmd, argv] = script.endsWith('.mjs') ? [process.execPath, [script, ...args]] : ['npm', ['run', '--silent', script, '--', ...args]];
  return new Promise((resolve) => {
    execFile(cmd, argv, { cwd, timeout: timeoutMs, maxBuffer: 1 << 24, env: env ? { ...process.env, ...env } : process.env }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr, ms: Date.now() - started });
    });
  });
}
