// What went wrong in a Kaluma 1.2.1 program, told from what the firmware printed and from hooks
// on the firmware's own promise functions.
//
// Measured on the firmware (host-tests/emulator/errors.test.mjs holds each case):
//   - an uncaught error (top level, timer, setWatch/attachInterrupt callback) is printed in red
//     (ESC[31m) as "Name: message" and "  at <where>" lines, without the word "Uncaught";
//   - a rejection nobody handles is printed as "Uncaught (in promise) Name: message" (not red), by
//     the engine's rejection tracker (jerry_port_track_promise_rejection, operation REJECT), at
//     the moment the promise is rejected; the tracker prints the same line again when a handler
//     is added to a promise already rejected (operation HANDLE), e.g. Promise.all's .catch();
//   - JerryScript's `await` (ecma_promise_async_then) adds its reaction to the awaited promise
//     without marking it handled, so a rejection that try/await/catch catches is printed as
//     "Uncaught (in promise)" too: before the await, when the promise is rejected while awaited,
//     or just after it, when an already rejected promise is awaited. Those are `misreported`.
// Hooks: at ecma_promise_async_then (r0 = the awaited promise), ecma_reject_promise and
// ecma_fulfill_promise (r0 = the promise) and jerry_port_track_promise_rejection (r0 = the
// promise, r1 = 0 REJECT / 1 HANDLE). A report on a promise that is awaited when it is rejected,
// or that is awaited or handled within the same turn of the loop (20 ms), is misreported; any other report is an unhandled rejection.
// The functions are found by the firmware's symbols (an .elf) or, in a .uf2/.bin, by the first
// 16 bytes of each in the Kaluma 1.2.1 build; where they are not found, every "Uncaught (in
// promise)" counts as an error and the result says why in `notes`.

// First 16 bytes of each function in Kaluma 1.2.1 for the Pico (the build whose sha256 is in fetch.mjs).
export const SIGNATURES = {
  jerry_port_track_promise_rejection: 'f0b5c64600b500af27f034fb',
  ecma_reject_promise: 'f8b50d00f4f7e8f90126438a',
  ecma_promise_async_then: 'f8b50d00f3f77bfe0126478a',
  ecma_fulfill_promise: 'f8b507000c00f4f7c9f90500',
};

/** Addresses of the hooked functions: from symbols, else by their signatures in the flash image; null when one is missing. */
export function findPromiseFunctions(flash, symbols) {
  const found = {};
  for (const [name, hex] of Object.entries(SIGNATURES)) {
    let at = symbols && symbols.get(name);
    if (at == null) {
      const sig = Buffer.from(hex, 'hex');
      const b = Buffer.from(flash.buffer, flash.byteOffset, flash.byteLength);
      const i = b.indexOf(sig);
      if (i < 0 || b.indexOf(sig, i + 1) >= 0) return null;
      at = 0x10000000 + i;
    }
    found[name] = at;
  }
  return found;
}

// A report is taken back only when the await/handler comes within this time (the same turn of the
// loop: Kaluma drains all promise jobs at once); later, the address may be another promise's.
const LATE_NS = 20e6;

/**
 * Watches a KalumaBoard's promise functions; `reports` gets one entry per call of the rejection
 * tracker, which prints one "Uncaught (in promise)" line for either operation (measured: a
 * .catch() added to a rejected promise prints the line a second time).
 */
export class RejectionTracker {
  constructor(board, fns) {
    this.board = board;
    this.awaited = new Set(); // promises an `await` waits on, not yet settled
    this.rejectingAwaited = -1; // the awaited promise being rejected right now
    this.reports = []; // { ns, promise, misreported, why }
    this.pending = new Map(); // promise -> report not yet known to be misreported
    const reg = () => board.mcu.core.registers;
    board.hook(fns.ecma_promise_async_then, () => {
      const p = reg()[0] >>> 0;
      const r = this.pending.get(p);
      if (r && board.nowNs - r.ns < LATE_NS) {
        r.misreported = true;
        r.why = 'the rejected promise was awaited just after (try/await/catch sees it)';
        this.pending.delete(p);
      } else this.awaited.add(p);
    });
    board.hook(fns.ecma_fulfill_promise, () => this.awaited.delete(reg()[0] >>> 0));
    board.hook(fns.ecma_reject_promise, () => {
      const p = reg()[0] >>> 0;
      this.rejectingAwaited = this.awaited.delete(p) ? p : -1;
    });
    board.hook(fns.jerry_port_track_promise_rejection, () => {
      const p = reg()[0] >>> 0;
      const op = reg()[1] >>> 0;
      if (op === 1) {
        // Kaluma's tracker prints "Uncaught (in promise)" for this operation too
        const r = this.pending.get(p);
        if (r && board.nowNs - r.ns < LATE_NS) {
          r.misreported = true;
          r.why = 'a handler was added to the rejected promise in the same turn of the loop';
          this.pending.delete(p);
        }
        this.reports.push({ ns: board.nowNs, promise: p, misreported: true, why: 'printed as a handler was added to the rejected promise (the operation HANDLE)' });
        return;
      }
      const r = { ns: board.nowNs, promise: p, misreported: false, why: null };
      if (this.rejectingAwaited === p) {
        r.misreported = true;
        r.why = 'the promise was rejected while an await waited on it (try/await/catch sees it)';
      } else this.pending.set(p, r);
      this.rejectingAwaited = -1;
      this.reports.push(r);
    });
  }
}

/**
 * Sorts a program's lines ([{ ms, text, red }]) into errors and misreports.
 * tracker: a RejectionTracker or null; topLevelEndMs: when the top level returned (errors before
 * it are 'top level'). Returns { errors: [{ kind, text, ms, stack }], misreported: [{ text, ms, why }], notes }.
 */
export function accountErrors(lines, { tracker = null, topLevelEndMs = Infinity, msOf = (ns) => ns / 1e6 } = {}) {
  const errors = [];
  const misreported = [];
  const notes = [];
  let last = null;
  let report = 0;
  for (const l of lines) {
    if (l.red) {
      if (/^\s+at /.test(l.text) && last) {
        last.stack.push(l.text.trim());
        continue;
      }
      last = { kind: 'uncaught', where: l.ms <= topLevelEndMs ? 'top level' : 'callback', text: l.text, ms: l.ms, stack: [] };
      errors.push(last);
      continue;
    }
    last = null;
    if (l.text.startsWith('Uncaught (in promise)')) {
      const r = tracker ? tracker.reports[report++] : null;
      if (r && r.misreported) misreported.push({ text: l.text, ms: l.ms, why: r.why });
      else errors.push({ kind: 'unhandled rejection', text: l.text, ms: l.ms, stack: [] });
    }
  }
  if (!tracker) notes.push("the firmware's promise functions were not found (no .elf symbols, and not the Kaluma 1.2.1 build), so a rejection caught with try/await/catch cannot be told from an unhandled one: every \"Uncaught (in promise)\" counts as an error");
  return { errors, misreported, notes };
}
