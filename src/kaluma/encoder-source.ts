/**
 * EncoderSource: a quadrature rotary encoder on two pins, decoded inside the pin interrupts with
 * primitive variables only; the position is read and delivered on the main loop.
 */
import { checkMs, checkPin, checkSourceOptions, construct, describe, kindOf, MSG, OFFER_CLOSED, OFFER_FULL, OFFER_REJECTED, offer, pinsInUse, PUT, rejection, Target } from './target';

/** Options of `new EncoderSource(pinA, pinB, target, options)`. */
export interface EncoderSourceOptions {
  /** Milliseconds between main-loop deliveries while a task waits (default 0: every loop iteration). */
  pollMs?: number;
  /**
   * True (default): deliver only while a task waits on the target (or steps are pending for a
   * queue), idle otherwise; the position is decoded all the time. False: every `pollMs`.
   */
  idle?: boolean;
}

/** The decoder of one encoder: the interrupt function of both pins over a closure of six numbers, and its readers. */
interface Decoder {
  isr: (pin: number, events: number) => void;
  /** The position counter, unsigned 27 bits (main loop). */
  pos: () => number;
  invalid: () => number;
  latched: () => number;
}

/** Positions and counters wrap at 2^27 (JerryScript's largest direct integer: larger numbers are boxed, allocated). */
const MASK = 0x7ffffff;

/** The signed value of a 27-bit count (main loop: it may allocate). */
function signed(x: number): number {
  return x >= 0x4000000 ? x - 0x8000000 : x;
}

/**
 * Builds the decoder. How it works (x4 decoding, every edge of either pin is one step): the
 * closure keeps the last level of each pin (`a`, `b`). On an edge the pin's new level is the edge
 * kind (RISING 8 → 1, FALLING 4 → 0); an edge of A is +1 when A now differs from B, else -1; an
 * edge of B is +1 when B now equals A. Turning forward, AB goes 00 → 10 → 11 → 01 → 00.
 * - An edge to the level the pin already had means an edge of that pin was missed (the pins
 *   cannot both change in one step): counted in `bad`, the position is not moved.
 * - Both edges latched before the interrupt ran (events 12: a bounce, or a step back and forth
 *   faster than the interrupt): the level is back where it was and the two steps cancel; counted
 *   in `both`, the position is not moved.
 * One function for both pins (the `pin` argument tells them apart): half the bytecode on the heap.
 * Few names in this scope on purpose: JerryScript looks a closure variable up by name, and the
 * interrupt pays for every name in scope (see interrupt-engine.ts).
 */
function makeDecoder(pinA: number, levelA: number, levelB: number): Decoder {
  let pa = pinA | 0;
  let a = levelA & 1;
  let b = levelB & 1;
  let pos = 0;
  let bad = 0;
  let both = 0;
  // Runs INSIDE the GPIO interrupt on Kaluma. The rule (docs/platform.md): primitive variables
  // only: no member access, no call, no `new`, no `this`, no literal but numbers, no throw, no
  // loop, and a variable of this closure is only ever written with a plain `=`: a compound
  // assignment (`a ^= 1`, `pos += 1`) makes JerryScript take a reference on the closure's
  // environment object, which stops the firmware (jerry_fatal ERR_REF_COUNT_LIMIT) when the
  // interrupt lands while the collector is marking: what crashed the encoder demo until
  // 2026-12-03. Counting up is `(x - 0x7ffffff) & 0x7ffffff`, which is x + 1 modulo 2^27
  // without `x + 1` ever reaching 2^27, a number JerryScript would allocate (at position -1 → 0).
  // The interrupt-rule tests parse it out of the shipped bundles and enforce it; the firmware
  // soak (host-tests/firmware/isr-soak.test.mjs) watches it take no reference and allocate nothing.
  function isr(pin: number, events: number): void {
    if (events === 12) {
      both = (both - 0x7ffffff) & 0x7ffffff;
      return;
    }
    const level = (events >> 3) & 1;
    if (pin === pa) {
      if (level === a) {
        bad = (bad - 0x7ffffff) & 0x7ffffff;
        return;
      }
      a = 1 - a; // the new level (it differs from the old one)
      pos = a === b ? (pos - 1) & 0x7ffffff : (pos - 0x7ffffff) & 0x7ffffff; // publish: the main loop sees the step from here on
    } else {
      if (level === b) {
        bad = (bad - 0x7ffffff) & 0x7ffffff;
        return;
      }
      b = 1 - b;
      pos = a === b ? (pos - 0x7ffffff) & 0x7ffffff : (pos - 1) & 0x7ffffff; // publish
    }
  }
  return {
    isr: isr,
    pos: function () {
      return pos;
    },
    invalid: function () {
      return bad;
    },
    latched: function () {
      return both;
    },
  };
}

/**
 * A quadrature rotary encoder (the interrupt-driven `Encoder` of micropython-async): both pins on
 * `attachInterrupt(pin, fn, CHANGE)`, every edge decoded inside the interrupt with primitive
 * variables only (no object, no call: the interrupt rule of docs/platform.md), so an edge that
 * lands during garbage collection cannot crash the firmware. One edge of either pin is one step
 * (x4 decoding: a detent of a common encoder is usually 4 steps).
 *
 * - `position()` (main loop) is the signed step count since construction; it wraps at ±2^26.
 * - Target (optional), fed on the main loop when the position moved since the last delivery: a
 *   ThreadSafeQueue gets the signed step count since the last delivery (a full queue keeps the
 *   steps for the next delivery: none is lost, they add up), a ThreadSafeEvent/Flag is `set()`,
 *   a ThreadSafeMessage is `set(position())`. Deliveries run in a main-loop timer, like
 *   InterruptSource's: while a task waits on the target (idle, the default) or always (`idle: false`).
 * - Errors are counted, never silent: `invalid()` edges to the level a pin already had (an edge
 *   of it was missed: the position may be off by two), `latched()` both edges of a pin latched
 *   before its interrupt ran (a bounce: they cancel), `dropped()` steps a queue refused.
 * - Contexts: construct, query, `flush()` and `detach()` on the main loop; nothing allocates per
 *   edge; a delivery to a queue allocates nothing, to a message nothing but the library's own.
 * - Pull-ups are the program's: call `pinMode(pin, INPUT_PULLUP)` on both pins first.
 *
 * ```js
 * pinMode(2, INPUT_PULLUP); pinMode(3, INPUT_PULLUP);
 * const moved = new ThreadSafeMessage();
 * const enc = new EncoderSource(2, 3, moved);
 * function show() { moved.wait().then(function (p) { moved.clear(); print('position ' + p); show(); }); }
 * show();
 * ```
 */
export class EncoderSource {
  private _pinA: number;
  private _pinB: number;
  private _d: Decoder;
  /** Our own reference to the interrupt function: the firmware releases it once per interrupt. */
  private _isr: (pin: number, events: number) => void;
  private _target: any;
  private _kind: number;
  private _hooked: boolean;
  private _pollMs: number;
  private _timer: any;
  private _tick: () => void;
  private _start: () => void;
  private _empty: number;
  private _dropped: number;
  private _delivered: number;
  private _lastError: unknown;
  private _attached: boolean;
  /** The position counter (27 bits) at the last delivery. */
  private _last: number;

  /**
   * Attaches both pins at once, or throws and leaves nothing behind: RangeError for a pin that is
   * not a GPIO 0..29, TypeError for the same pin twice, a pin that already has a source, a bad
   * target, option, pollMs or idle, without `new` or with a fifth argument.
   */
  constructor(pinA: number, pinB: number, target?: Target<number>, options?: EncoderSourceOptions) {
    const what = 'EncoderSource';
    construct(this, EncoderSource, arguments.length, 4, what);
    checkPin(pinA, what);
    checkPin(pinB, what);
    if (pinA === pinB) throw new TypeError(what + ': pinA and pinB must differ, got ' + pinA + ' twice');
    const kind = target === undefined ? -1 : kindOf(target, what);
    const o: EncoderSourceOptions = checkSourceOptions(options, 'pollMs, idle', what);
    const pollMs = o.pollMs === undefined ? 0 : o.pollMs;
    checkMs(pollMs, 'options.pollMs', what);
    if (o.idle !== undefined && typeof o.idle !== 'boolean') {
      throw new TypeError(what + ': options.idle must be a boolean, got ' + describe(o.idle));
    }
    const t = target as any;
    const hook = kind >= 0 && o.idle !== false && typeof t.hasWaiters === 'function' && 'onwait' in t;
    if (hook && t.onwait !== null && t.onwait !== undefined) {
      throw new TypeError(what + ': target already has an onwait listener; use one source per target, or idle: false');
    }
    for (const p of [pinA, pinB]) {
      const holder = pinsInUse[p];
      if (holder !== undefined) throw new TypeError(what + ': pin ' + p + ' already has an ' + holder + ' (the firmware keeps one interrupt per pin); detach() it first');
    }
    const d = makeDecoder(pinA, digitalRead(pinA), digitalRead(pinB));
    const self = this;
    this._pinA = pinA;
    this._pinB = pinB;
    this._d = d;
    this._isr = d.isr;
    this._target = t;
    this._kind = kind;
    this._hooked = hook;
    this._pollMs = pollMs;
    this._timer = null;
    this._empty = 0;
    this._dropped = 0;
    this._delivered = 0;
    this._lastError = undefined;
    this._last = 0;
    this._tick = function () {
      self._poll();
    };
    this._start = function () {
      if (self._timer === null && self._attached) self._timer = setInterval(self._tick, self._pollMs);
    };
    attachInterrupt(pinA, this._isr, 12);
    try {
      attachInterrupt(pinB, this._isr, 12);
    } catch (e) {
      detachInterrupt(pinA);
      throw e;
    }
    pinsInUse[pinA] = pinsInUse[pinB] = what;
    this._attached = true;
    if (kind >= 0) {
      if (hook) t.onwait = this._start;
      this._start(); // serves waits begun before the source; stops once nobody waits (idle)
    }
  }

  /** The signed step count since construction (main loop; wraps at ±2^26). */
  position(): number {
    return signed(this._d.pos());
  }

  /** Steps decoded and not yet delivered to the target (signed; 0 without a target). */
  pending(): number {
    return this._kind < 0 ? 0 : signed((this._d.pos() - this._last) & MASK);
  }

  /** Deliveries made to the target (queue items put, or set() calls). */
  delivered(): number {
    return this._delivered;
  }

  /** Steps a queue target refused (e.g. a TypedArray queue that cannot hold the value): counted, with `lastError()`. */
  dropped(): number {
    return this._dropped;
  }

  /** What the target threw for the last refused delivery, or undefined. */
  lastError(): unknown {
    return this._lastError;
  }

  /** Edges to the level the pin already had: an edge of that pin was missed (wraps at 2^27). */
  invalid(): number {
    return this._d.invalid();
  }

  /** Interrupts that found both edges of their pin latched (a bounce; the steps cancel; wraps at 2^27). */
  latched(): number {
    return this._d.latched();
  }

  /** True until `detach()`. */
  attached(): boolean {
    return this._attached;
  }

  /** True while the delivering timer runs. */
  polling(): boolean {
    return this._timer !== null;
  }

  /** Delivers the steps decoded so far to the target now (main loop); returns true if it delivered. */
  flush(): boolean {
    return this._kind >= 0 && this._deliver();
  }

  /**
   * Detaches both interrupts, delivers what was decoded (steps a full queue cannot take stay in
   * `pending()`), stops the timer and unhooks the target's `onwait`. Twice does nothing.
   */
  detach(): void {
    if (!this._attached) return;
    detachInterrupt(this._pinA);
    detachInterrupt(this._pinB);
    pinsInUse[this._pinA] = pinsInUse[this._pinB] = undefined;
    this._attached = false;
    try {
      if (this._kind >= 0) this._deliver();
    } finally {
      this._stop();
      if (this._hooked && this._target.onwait === this._start) this._target.onwait = null;
      this._hooked = false;
    }
  }

  /** The timer: deliver, or every 8th empty tick stop once idle (or detach once a queue is closed). */
  private _poll(): void {
    if (this._d.pos() !== this._last) this._deliver();
    else if ((this._empty = (this._empty + 1) & 7) === 0) {
      const t = this._target;
      if (this._kind === PUT && typeof t.closed === 'function' && t.closed()) this.detach();
      else if (this._hooked && !t.hasWaiters()) this._stop();
    }
  }

  private _deliver(): boolean {
    const pos = this._d.pos();
    const last = this._last;
    if (pos === last) return false;
    const t = this._target;
    const kind = this._kind;
    if (kind === PUT) {
      const step = signed((pos - last) & MASK);
      const res = offer(t, step);
      if (res === OFFER_FULL) return false; // the steps stay pending and add up
      this._last = pos;
      if (res === OFFER_CLOSED) {
        this._dropped += step < 0 ? -step : step;
        this.detach();
        return false;
      }
      if (res === OFFER_REJECTED) {
        this._dropped += step < 0 ? -step : step;
        this._lastError = rejection;
        return false;
      }
    } else {
      this._last = pos;
      if (kind === MSG) t.set(signed(pos));
      else t.set();
    }
    this._delivered++;
    return true;
  }

  private _stop(): void {
    if (this._timer !== null) {
      clearInterval(this._timer); // never with undefined: it throws on Kaluma
      this._timer = null;
    }
  }
}
