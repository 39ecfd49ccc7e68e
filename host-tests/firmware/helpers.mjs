// Helpers of the firmware tier: every test here runs a program on the real Kaluma 1.2.1
// firmware in the rp2040js emulator (scripts/firmware.mjs). Where the firmware is absent (a
// user's clone without ../shared), each file prints why and registers nothing.
import { readFileSync } from 'node:fs';
import { findFirmware, runOnFirmware, whyMissing } from '../../scripts/firmware.mjs';

export { runOnFirmware };

/** True where the firmware tier can run; otherwise prints why it is skipped (once per file). */
export function firmwareHere(file) {
  if (findFirmware()) return true;
  console.log(`  skipped ${file}: ${whyMissing()}`);
  return false;
}

const dist = (name) => readFileSync(new URL(`../../dist/${name}`, import.meta.url), 'utf8');

/**
 * A program made of the library bundles (globals `threadsafe`, `threadsafeKaluma`) and `code`;
 * `min: true` takes the minified bundles (dist/*.min.js).
 */
export function withLibrary(code, { kaluma = true, min = false } = {}) {
  const ext = min ? '.min.js' : '.js';
  return { code: dist('threadsafe' + ext) + '\n' + (kaluma ? dist('threadsafe-kaluma' + ext) + '\n' : '') + code };
}

/** A program file of host-tests/firmware/programs/, with the library bundles before it. */
export function program(name, prelude = '', options = {}) {
  return withLibrary(prelude + readFileSync(new URL(`./programs/${name}`, import.meta.url), 'utf8'), options);
}

/** Pin script: `count` rising edges on `pin`, `periodMs` apart (high for half of it), from `atMs`. */
export function risingEdges(pin, count, periodMs, atMs = 50) {
  const pins = [];
  for (let i = 0; i < count; i++) {
    const t = atMs + i * periodMs;
    pins.push({ atMs: +t.toFixed(4), pin, level: 1 }, { atMs: +(t + periodMs / 2).toFixed(4), pin, level: 0 });
  }
  return pins;
}

/** The lines printed, without timestamps. */
export const texts = (res) => res.lines.map((l) => l.text);

/** Parses "key value key value ..." counters from a line into an object of numbers. */
export function counters(line) {
  const out = {};
  const words = line.trim().split(/\s+/);
  for (let i = 0; i + 1 < words.length; i += 2) out[words[i]] = Number(words[i + 1]);
  return out;
}

/** A short account of a run for assertion messages. */
export function account(res) {
  return `exit ${res.code}${res.crash ? ', CRASH ' + res.crash : ''}\n${res.stdout.slice(-3000)}\n${res.stderr.split('\n').filter((l) => !/us GP\d/.test(l)).join('\n').slice(-1500)}`;
}
