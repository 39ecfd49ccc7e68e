// A host simulation of a Raspberry Pi Pico running Kaluma 1.2.1, on virtual time.
//
// What it models (sources: Kaluma src/io.c, src/global.c; docs/platform.md):
// - The program runs in a Node `vm` context holding Kaluma's globals and constants and nothing
//   of Node's (no setImmediate, queueMicrotask, AbortController, module/exports).
// - The main loop, one iteration: update the ms clock -> run due timers (list order, fire when
//   `due < now_ms`, setInterval keeps its phase; a timer is due its delay after the clock of the
//   iteration that set it, so one set after a long synchronous stretch comes early) -> setWatch checks (Kaluma's debounce code)
//   -> drain the promise job queue until empty. Promise jobs never run between two timer or
//   watch callbacks: the context has its own microtask queue (microtaskMode 'afterEvaluate'),
//   drained only in the idle step. A job queue that never empties (an async loop that always
//   finds data) is reported as starving the loop, as it would hang the board.
// - attachInterrupt handlers run between loop steps and between the callbacks of a step, at the
//   virtual time of the edge plus the interrupt latency; edges on a pin that arrive before its
//   handler runs latch into one call (events 12 = both). Each handler call steals its CPU time.
// - Virtual pins: outputs (digitalWrite, analogWrite PWM), inputs driven by the simulation
//   (square waves, button patterns with bounce) or wired to an output pin.
// - Costs, fitted from generic microbenchmarks run on the real firmware (calibrate.mjs; no
//   figure of the library is fitted): the JavaScript itself, counted deterministically by
//   rewriting the loaded source (cost.mjs: operators, loop iterations, variables that are not
//   registers, property accesses, calls, allocations, promises, each at its measured unit cost),
//   plus what the engine does around it: an idle loop iteration `loopUs`, calling each timer or
//   watch callback `callbackUs`, running each promise job `jobUs` (jobs are counted with a
//   promise hook while the queue drains), entering an interrupt handler `isrUs`. The clock moves
//   on by these costs after each callback, job and handler (and when the program reads micros()
//   or millis()), never by Node's wall time: a run is deterministic. Idle stretches are skipped
//   in whole iterations, so a pulse shorter than an iteration can fall between two watch polls
//   and be missed, as on the board. `countJs: false` charges the fixed costs only.
// - Kaluma's globals as the typings declare them (src/kaluma/kaluma.d.ts; a test holds the
//   typings, these globals and the firmware's in agreement): pins, PWM, analogRead (a level the
//   test sets, 0 by default), tone/noTone, pulseRead/pulseWrite, seed (Math.random), btoa/atob,
//   TextEncoder/TextDecoder, storage (in memory), and the modules gpio, led, pwm, adc, events
//   and button; `print` writes without a newline and the next console.log clears that line
//   first, as Kaluma's terminal does (ESC[2K).
// - Uncaught errors: a throw at the top level or in a callback, and a rejection still unhandled
//   at the end of the run (finish()); a rejection the program handles counts nothing.
// Not modelled: memory limits, the REPL, other modules (a
// program requiring one is refused before it runs, naming it: SIM_MODULES),
// parsing time, the collector (its average cost is in the allocation and promise prices; on
// the board it comes in lumps, so single figures vary by ±10-30 % between runs).
// How true it is: host-tests/firmware/sim-calibration.test.mjs holds five scenarios within 2×
// of the firmware (they came out within 0.95-1.5× when calibrated).
import vm from 'node:vm';
import { TextDecoder as NodeDecoder } from 'node:util';
import { instrument, UNIT_COSTS } from './cost.mjs';

export { UNIT_COSTS };

// Counts promise jobs (reactions) while a simulated board drains its queue, to charge each its
// CPU time: the context's own Promise.prototype.then wraps both reactions with a counter
// (catch and finally go through then). Board bundles are ES5, so every job they make is such a
// reaction; an `await` in non-ES5 test code is not counted. (Not async_hooks: with vm contexts
// that own their microtask queue, async hooks crashed Node 20 at random later in the same
// process: "Assertion failed: (env_->execution_async_id()) == (0)".)
const COUNT_JOBS = `(function () {
  var then = Promise.prototype.then, jobs = 0;
  Promise.prototype.then = function (onFulfilled, onRejected) {
    return then.call(this,
      function (v) { jobs++; return typeof onFulfilled === 'function' ? onFulfilled(v) : v; },
      function (e) { jobs++; if (typeof onRejected === 'function') return onRejected(e); throw e; });
  };
  return function () { var n = jobs; jobs = 0; return n; };
})()`;

export const CONSTANTS = {
  LOW: 0, HIGH: 1, INPUT: 0, OUTPUT: 1, INPUT_PULLUP: 2, INPUT_PULLDOWN: 3,
  LOW_LEVEL: 1, HIGH_LEVEL: 2, FALLING: 4, RISING: 8, CHANGE: 12,
};

// The engine's own costs in µs, measured on the firmware by calibrate.mjs (emulated RP2040 at
// 125 MHz, Kaluma 1.2.1); the JavaScript a callback runs is charged on top (cost.mjs).
export const DEFAULTS = {
  loopUs: 12.5, // one main-loop iteration, its timer and watch checks and its (empty) job drain
  callbackUs: 25, // calling one timer or watch callback
  drainUs: 0, // entering the job drain of an iteration that ran callbacks (part of loopUs)
  jobUs: 118, // running one promise job (a reaction: calling a `then` callback)
  irqLatencyUs: 29, // edge -> first line of the handler (docs/platform.md)
  isrUs: 0, // entering and leaving one interrupt handler beyond its body (measured: nothing more)
  countJs: true, // charge the JavaScript inside callbacks, jobs and handlers (cost.mjs)
  costs: UNIT_COSTS, // unit costs of that JavaScript
  // Charge the top-level code of load() (the library's own setup takes ms on the board); false
  // keeps the clock at 0 through the loads, for tests that place edges at times from the start.
  chargeLoad: true,
  // Wall ms allowed to drain one iteration's jobs before the loop is reported as starved; 0 = no
  // limit (a drain with a limit costs ~250 µs of wall time instead of ~4 µs: a watchdog thread).
  drainTimeoutMs: 0,
};

/** A periodic square wave: rising at start + k*period, falling `duty` of a period later. */
export function squareWave(hz, { duty = 0.5, startUs = 0, until = Infinity } = {}) {
  const period = 1e6 / hz;
  let k = 0;
  let high = false; // the next edge is rising
  return {
    describe: `${hz} Hz square wave`,
    initial: 0,
    next() {
      const t = startUs + k * period + (high ? duty * period : 0);
      if (t > until) return null;
      const edge = { t, level: high ? 0 : 1 };
      if (high) k++;
      high = !high;
      return edge;
    },
  };
}

/**
 * A button: `presses` are [downMs, upMs] pairs; the pin idles at `idle` (1 with a pull-up) and
 * each press and release bounces `bounces` times, `bounceUs` apart.
 */
export function buttonPattern(presses, { idle = 1, bounces = 0, bounceUs = 200 } = {}) {
  const edges = [];
  for (const [down, up] of presses) {
    for (const [ms, level] of [[down, 1 - idle], [up, idle]]) {
      const t0 = ms * 1000;
      for (let b = 0; b < bounces; b++) {
        edges.push({ t: t0 + 2 * b * bounceUs, level });
        edges.push({ t: t0 + (2 * b + 1) * bounceUs, level: 1 - level });
      }
      edges.push({ t: t0 + 2 * bounces * bounceUs, level });
    }
  }
  let i = 0;
  return { describe: `button (${presses.length} presses)`, initial: idle, next: () => (i < edges.length ? edges[i++] : null) };
}

// Kaluma's `gpio` and `led` modules, written over the globals as the firmware's own JS modules
// are (Kaluma docs, docs/api/gpio.md and led.md), evaluated in the board's context on require().
export const SIM_MODULES = {
  gpio: `(function () {
    function GPIO(pin, mode) { this.pin = pin; this.setMode(mode); }
    GPIO.prototype.read = function () { return digitalRead(this.pin); };
    GPIO.prototype.write = function (value) { digitalWrite(this.pin, value); };
    GPIO.prototype.toggle = function () { digitalToggle(this.pin); };
    GPIO.prototype.low = function () { digitalWrite(this.pin, 0); };
    GPIO.prototype.high = function () { digitalWrite(this.pin, 1); };
    GPIO.prototype.setMode = function (mode) { this.mode = typeof mode === 'number' ? mode : INPUT; pinMode(this.pin, this.mode); };
    GPIO.prototype.irq = function (callback, event) { attachInterrupt(this.pin, callback, typeof event === 'number' ? event : CHANGE); };
    return { GPIO: GPIO };
  })()`,
  led: `(function () {
    function LED(pin) { this.pin = pin; pinMode(pin, OUTPUT); }
    LED.prototype.on = function () { digitalWrite(this.pin, 1); };
    LED.prototype.off = function () { digitalWrite(this.pin, 0); };
    LED.prototype.toggle = function () { digitalToggle(this.pin); };
    LED.prototype.read = function () { return digitalRead(this.pin); };
    return { LED: LED };
  })()`,
  pwm: `(function () {
    function PWM(pin, frequency, duty) {
      this.pin = pin; this.frequency = typeof frequency === 'number' ? frequency : 490; this.duty = typeof duty === 'number' ? duty : 1; this.on = false;
    }
    PWM.prototype.start = function () { this.on = true; analogWrite(this.pin, this.duty, this.frequency); };
    PWM.prototype.stop = function () { this.on = false; analogWrite(this.pin, 0, this.frequency); };
    PWM.prototype.getFrequency = function () { return this.frequency; };
    PWM.prototype.setFrequency = function (f) { this.frequency = f; if (this.on) this.start(); };
    PWM.prototype.getDuty = function () { return this.duty; };
    PWM.prototype.setDuty = function (d) { this.duty = d; if (this.on) this.start(); };
    PWM.prototype.close = function () { this.stop(); };
    return { PWM: PWM };
  })()`,
  adc: `(function () {
    function ADC(pin) { this.pin = pin; analogRead(pin); }
    ADC.prototype.read = function () { return analogRead(this.pin); };
    return { ADC: ADC };
  })()`,
  events: `(function () {
    function EventEmitter() { this._events = {}; }
    EventEmitter.prototype.on = EventEmitter.prototype.addListener = function (e, l) { (this._events[e] = this._events[e] || []).push(l); return this; };
    EventEmitter.prototype.once = function (e, l) { var self = this; function w() { self.removeListener(e, w); l.apply(self, arguments); } w.listener = l; return this.on(e, w); };
    EventEmitter.prototype.off = EventEmitter.prototype.removeListener = function (e, l) {
      var a = this._events[e]; if (!a) return this;
      for (var i = 0; i < a.length; i++) if (a[i] === l || a[i].listener === l) { a.splice(i, 1); break; }
      return this;
    };
    EventEmitter.prototype.removeAllListeners = function (e) { if (e === undefined) this._events = {}; else delete this._events[e]; return this; };
    EventEmitter.prototype.emit = function (e) {
      var a = this._events[e]; if (!a || !a.length) return false;
      var args = Array.prototype.slice.call(arguments, 1);
      a.slice().forEach(function (l) { l.apply(this, args); }, this);
      return true;
    };
    EventEmitter.prototype.listeners = function (e) { return (this._events[e] || []).slice(); };
    EventEmitter.prototype.listenerCount = function (e) { return (this._events[e] || []).length; };
    return { EventEmitter: EventEmitter };
  })()`,
  button: `(function () {
    var EventEmitter = require('events').EventEmitter;
    function Button(pin, options) {
      EventEmitter.call(this);
      options = options || {};
      this.pin = pin;
      pinMode(pin, typeof options.mode === 'number' ? options.mode : INPUT_PULLUP);
      var self = this;
      this._watch = setWatch(function () { self.emit('click'); }, pin, typeof options.event === 'number' ? options.event : FALLING, typeof options.debounce === 'number' ? options.debounce : 50);
    }
    Button.prototype = Object.create(EventEmitter.prototype);
    Button.prototype.constructor = Button;
    Button.prototype.read = function () { return digitalRead(this.pin); };
    Button.prototype.close = function () { clearWatch(this._watch); };
    return { Button: Button };
  })()`,
};

// Globals whose values must belong to the board's realm (a Uint8Array the program makes is the
// context's own), written in JavaScript and evaluated in the context.
const CONTEXT_GLOBALS = `(function (g) {
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function utf8(str) {
    var out = [];
    for (var i = 0; i < str.length; i++) {
      var c = str.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < str.length) { var d = str.charCodeAt(i + 1); if (d >= 0xdc00 && d < 0xe000) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; } }
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return new Uint8Array(out);
  }
  g.btoa = function btoa(data) {
    var bytes = typeof data === 'string' ? data.split('').map(function (ch) { return ch.charCodeAt(0) & 255; }) : Array.prototype.slice.call(data);
    var s = '';
    for (var i = 0; i < bytes.length; i += 3) {
      var n = (bytes[i] << 16) | ((bytes[i + 1] || 0) << 8) | (bytes[i + 2] || 0);
      s += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
    }
    return s;
  };
  g.atob = function atob(encoded) {
    var clean = String(encoded).replace(/[^A-Za-z0-9+/]/g, ''), out = [], bits = 0, acc = 0;
    for (var i = 0; i < clean.length; i++) {
      acc = (acc << 6) | B64.indexOf(clean[i]); bits += 6;
      if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 255); }
    }
    return new Uint8Array(out);
  };
  function TextEncoder(label) { this.encoding = label === 'ascii' ? 'ascii' : 'utf-8'; }
  TextEncoder.prototype.encode = function (input) {
    var s = input === undefined ? '' : String(input);
    if (this.encoding === 'ascii') return new Uint8Array(s.split('').map(function (ch) { return ch.charCodeAt(0) & 127; }));
    return utf8(s);
  };
  function TextDecoder(label) { this.encoding = label === 'ascii' ? 'ascii' : 'utf-8'; }
  TextDecoder.prototype.decode = function (input) { return __decode(input, this.encoding); };
  function SystemError(errno, code) { var e = new Error(code); Object.setPrototypeOf(e, SystemError.prototype); e.errno = errno; e.code = code; return e; }
  SystemError.prototype = Object.create(Error.prototype);
  SystemError.prototype.name = 'SystemError';
  SystemError.prototype.constructor = SystemError;
  g.SystemError = SystemError;
  g.TextEncoder = TextEncoder;
  g.TextDecoder = TextDecoder;
  var items = {};
  g.storage = {
    setItem: function (k, v) { items[String(k)] = String(v); },
    getItem: function (k) { return Object.prototype.hasOwnProperty.call(items, String(k)) ? items[String(k)] : null; },
    removeItem: function (k) { delete items[String(k)]; },
    clear: function () { items = {}; },
    key: function (i) { var ks = Object.keys(items); return i < ks.length ? ks[i] : null; },
  };
  Object.defineProperty(g.storage, 'length', { get: function () { return Object.keys(items).length; } });
  var state = 0;
  g.seed = function seed(n) {
    state = (Number(n) >>> 0) || 1;
    Math.random = function () { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0; return state / 4294967296; };
  };
})(globalThis)`;

// Unhandled rejections of the simulated boards: V8 reports them to Node, which hands over those
// still unhandled at the end of the current turn ('unhandledRejection'). Each goes to the board
// whose realm made the promise; others keep Node's own behaviour (thrown).
const boards = new Set();
let listening = false;
function trackRejections(sim) {
  boards.add(new WeakRef(sim));
  if (listening) return;
  listening = true;
  process.on('unhandledRejection', (reason, promise) => {
    for (const ref of boards) {
      const b = ref.deref();
      if (!b) {
        boards.delete(ref);
        continue;
      }
      if (Object.getPrototypeOf(promise) === b._promise.prototype) {
        b._uncaught(reason, 'Uncaught (in promise) ');
        return;
      }
    }
    throw reason;
  });
}

export class KalumaSim {
  constructor(options = {}) {
    this.opt = { ...DEFAULTS, ...options };
    this.now = 0; // µs since boot, main-loop time
    this.output = []; // lines printed by the program: { t (ms), line }
    this.errors = []; // errors printed by the firmware (uncaught in callbacks)
    this.echo = options.echo || null; // (line) => void, to print live
    this.stats = { iterations: 0, callbacks: 0, jobs: 0, edges: 0, irqCalls: 0, irqEdges: 0, latched: 0 };
    this.pins = new Map();
    this.timers = []; // { id, fn, due (ms), interval, repeat, active }
    this.loopMs = 0; // the ms clock as the current loop iteration read it (km_io_update_time)
    this.watches = []; // { id, fn, pin, mode, debounceDelay, debounceTime, lastVal, val, active }
    this.irq = new Map(); // pin -> { fn, events, latched, serviceAt }
    this.irqEnabled = true;
    this.handlers = []; // every function ever handed to attachInterrupt
    this.inIsr = false;
    this.isrViolations = []; // names of globals an interrupt handler called
    this.signals = []; // { pin, gen, next }
    this.traced = new Set(); // pins whose changes go to pinLog (trace())
    this.pinLog = []; // { us, pin, level }
    this.nextId = 1;
    this.isrBusyUntil = 0;
    this.endUs = Infinity;
    this.busy = false; // the current iteration ran a callback
    this.isrRan = false; // an interrupt handler ran since the last drain
    this.modules = {}; // built-in modules required so far (SIM_MODULES)
    this.context = vm.createContext(this._globals(), { microtaskMode: 'afterEvaluate' });
    this.context.global = this.context;
    this._jobsRun = vm.runInContext(COUNT_JOBS, this.context);
    // µs of JavaScript run since the last call (a script-scope `let`: no global object property).
    this._take = vm.runInContext('let __kc = 0; (function () { var us = __kc; __kc = 0; return us; })', this.context);
    this._drainScript = new vm.Script('0');
    this.context.__decode = (bytes, encoding) => new NodeDecoder(encoding === 'ascii' ? 'latin1' : 'utf-8').decode(Uint8Array.from(bytes || []));
    vm.runInContext(CONTEXT_GLOBALS, this.context);
    this.pending = ''; // text print() wrote after the last newline
    this.analog = new Map(); // pin -> 0.0..1.0 for analogRead
    this._promise = vm.runInContext('Promise', this.context);
    trackRejections(this);
  }

  /** Sets the level analogRead(pin) (and an ADC on the pin) reads: 0.0..1.0. */
  setAnalog(pin, value) {
    this.analog.set(pin, value);
    return this;
  }

  /**
   * Ends a run: lets Node hand over the rejections still unhandled (each is an uncaught error,
   * printed as the firmware prints it), and prints what print() left without a newline.
   */
  async finish() {
    await new Promise((r) => setImmediate(r));
    if (this.pending) {
      this.output.push({ t: this.millis(), line: this.pending });
      if (this.echo) this.echo(this.pending, this.millis());
      this.pending = '';
    }
    return this;
  }

  // ---------------------------------------------------------------- program and output

  /** Runs `source` as Kaluma runs a program: one strict-mode script; its jobs drain after it. */
  load(source, filename = 'program.js') {
    try {
      const code = this.opt.countJs ? instrument(source, this.opt.costs) : source;
      // the program runs inside one loop iteration: files loaded one after the other before the
      // loop runs count as one program (the library and a program using it, as one upload)
      if (this._stepped || this.stats.iterations === 0 && !this._loaded) this.loopMs = this.millis();
      this._stepped = false;
      this._loaded = true;
      new vm.Script(code, { filename }).runInContext(this.context, { timeout: this.opt.drainTimeoutMs || 10000 });
    } catch (e) {
      this._uncaught(e);
    }
    if (this.opt.chargeLoad) this._charge(); // the top-level code and its jobs ran before the loop starts
    else {
      this._take();
      this._jobsRun();
    }
    return this;
  }

  /** Evaluates an expression in the program's global scope (for tests). */
  evaluate(code) {
    this.loopMs = this.millis(); // as code run by a loop iteration of its own
    try {
      return vm.runInContext(code, this.context, { timeout: this.opt.drainTimeoutMs || 10000 });
    } finally {
      this._take(); // a test's look at the state costs the board nothing
      this._jobsRun();
    }
  }

  /** Moves the clock on by the JavaScript and the promise jobs run since the last charge. */
  _charge() {
    if (this.inIsr) return; // a handler's own work is charged when it returns
    const us = this._take();
    const jobs = this._jobsRun();
    this.stats.jobs += jobs;
    this.now += us + jobs * this.opt.jobUs; // the jobs ran on the main loop, one after another
  }

  /** The printed lines, without times. */
  lines() {
    return this.output.map((o) => o.line);
  }

  millis() {
    return Math.floor(this.now / 1000);
  }

  _text(values) {
    return values.map((v) => (typeof v === 'string' ? v : v !== null && typeof v === 'object' && 'message' in v ? `${v.name}: ${v.message}` : String(v))).join(' ');
  }

  /** console.log: the line print() left open is cleared first (Kaluma's terminal: ESC[2K \r), then this line. */
  _print(values) {
    this.pending = '';
    for (const line of this._text(values).split('\n')) this._line(line);
  }

  _line(line) {
    this.output.push({ t: this.millis(), line });
    if (this.echo) this.echo(line, this.millis());
  }

  /** print: no newline added; a newline in the text completes a line. */
  _write(values) {
    const parts = (this.pending + this._text(values)).split('\n');
    this.pending = parts.pop();
    for (const line of parts) this._line(line);
  }

  /** An interrupt handler called a function: on the board that crashes the firmware during GC. */
  _isrViolation(name) {
    const text = `kaluma-sim: an attachInterrupt handler called ${name}(): on the board a call inside an interrupt crashes the firmware when it lands during garbage collection (touch only primitive variables)`;
    this.isrViolations.push(name);
    if (this.isrViolations.length <= 3) this._print([text]);
  }

  _uncaught(e, prefix = '') {
    const text = prefix + (e && e.name ? `${e.name}: ${e.message}` : String(e));
    this.errors.push(text);
    this._print([text]);
  }

  // ---------------------------------------------------------------- pins and signals

  _pin(p) {
    let pin = this.pins.get(p);
    if (!pin) {
      pin = { mode: 0, level: 0, out: false, driven: false, wires: [], edges: 0 };
      this.pins.set(p, pin);
    }
    return pin;
  }

  /** Wires output pin `from` to input pin `to`: `to` follows every level change of `from`. */
  wire(from, to) {
    this._pin(from).wires.push(to);
    this._pin(to).driven = true;
    return this;
  }

  /** Drives input pin `pin` with a signal ({ next() -> { t, level } | null }). */
  drive(pin, gen) {
    const p = this._pin(pin);
    p.driven = true;
    p.level = gen.initial || 0; // the level before the first edge (not an edge itself)
    const s = { pin, gen, next: gen.next() };
    this.signals.push(s);
    return this;
  }

  /** Logs every level change of these pins from now on in `pinLog`: [{ us, pin, level }]. */
  trace(...pins) {
    for (const p of pins.flat()) this.traced.add(p);
    return this;
  }

  /** Edges seen on `pin` so far. */
  edgesOn(pin) {
    return this._pin(pin).edges;
  }

  /** Sets a pin's level at time `t` (µs): counts the edge, propagates to wires, latches interrupts. */
  _setLevel(p, level, t) {
    const pin = this._pin(p);
    if (pin.level === level) return;
    pin.level = level;
    pin.edges++;
    if (this.traced.has(p)) this.pinLog.push({ us: t, pin: p, level });
    this.stats.edges++;
    const irq = this.irq.get(p);
    if (irq && this.irqEnabled) {
      const kind = level ? 8 : 4;
      if (irq.events & kind) {
        this.stats.irqEdges++;
        if (irq.latched) this.stats.latched++;
        irq.latched |= kind;
        if (irq.serviceAt === null) irq.serviceAt = Math.max(t + this.opt.irqLatencyUs, this.isrBusyUntil);
      }
    }
    for (const to of pin.wires) this._setLevel(to, level, t);
  }

  /** Pin levels of analogWrite outputs (PWM) are signals on the output pin itself. */
  _pwm(p, duty, hz, until = Infinity) {
    this.signals = this.signals.filter((s) => s.pin !== p);
    if (duty <= 0 || duty >= 1) {
      this._setLevel(p, duty >= 1 ? 1 : 0, this.now);
      return;
    }
    const gen = squareWave(hz, { duty, startUs: this.now, until });
    this.signals.push({ pin: p, gen, next: gen.next() });
  }

  /**
   * Applies every signal edge and runs every interrupt handler due up to the main loop's `now`.
   * A handler steals CPU: `now` moves on by `isrUs`, which may make more edges due.
   */
  _interrupts() {
    for (;;) {
      let sig = null;
      for (const s of this.signals) if (s.next && (sig === null || s.next.t < sig.next.t)) sig = s;
      let svc = null;
      for (const [p, irq] of this.irq) if (irq.serviceAt !== null && (svc === null || irq.serviceAt < svc.at)) svc = { p, irq, at: irq.serviceAt };
      const tSig = sig ? sig.next.t : Infinity;
      const tSvc = svc ? svc.at : Infinity;
      const t = Math.min(tSig, tSvc);
      if (t > this.now || t >= this.endUs) return;
      if (tSig <= tSvc) {
        this._setLevel(sig.pin, sig.next.level, tSig);
        sig.next = sig.gen.next();
      } else {
        const { p, irq } = svc;
        const events = irq.latched;
        irq.latched = 0;
        irq.serviceAt = null;
        this.stats.irqCalls++;
        const pending = this._take(); // the main loop's work so far, charged after the handler
        this.isrRan = true; // a handler that breaks the rule could have queued jobs
        this.inIsr = true;
        try {
          irq.fn.call(undefined, p, events);
        } catch (e) {
          this._uncaught(e);
        } finally {
          this.inIsr = false;
        }
        const isr = this.opt.isrUs + this._take();
        this.isrBusyUntil = tSvc + isr;
        this.now += isr + pending; // the main loop is preempted
      }
    }
  }

  /** Busy-waits to `us` (a blocking call such as pulseRead): signals and interrupts run meanwhile. */
  _advanceTo(us) {
    this.now = us > this.now ? us : this.now + 1;
    this._interrupts();
  }

  /** µs of the next signal edge or interrupt service, for skipping idle time. */
  _nextHardwareEvent() {
    let t = Infinity;
    for (const s of this.signals) if (s.next && s.next.t < t) t = s.next.t;
    for (const irq of this.irq.values()) if (irq.serviceAt !== null && irq.serviceAt < t) t = irq.serviceAt;
    return t;
  }

  // ---------------------------------------------------------------- the loop

  /** Calls a program callback on the main loop; a throw is printed and reported to `onThrow`. */
  _call(fn, args, onThrow) {
    this._interrupts();
    this.stats.callbacks++;
    this.busy = true;
    try {
      fn.apply(undefined, args);
    } catch (e) {
      this._uncaught(e);
      if (onThrow) onThrow();
    }
    this._charge();
    this.now += this.opt.callbackUs;
  }

  _drainJobs() {
    this._jobsRun(); // reset: jobs the program's top level or a test queued do not count
    try {
      this._drainScript.runInContext(this.context, this.opt.drainTimeoutMs > 0 ? { timeout: this.opt.drainTimeoutMs } : undefined);
    } catch (e) {
      if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
        throw new Error(`kaluma-sim: the promise job queue did not drain within ${this.opt.drainTimeoutMs} ms at t=${this.millis()} ms: ` +
          'an async loop that always finds work ready starves the main loop (timers and watches stop), as it would on the board');
      }
      this._uncaught(e);
    }
    this._charge();
  }

  /** One main-loop iteration. */
  step() {
    this.busy = false;
    this._interrupts();
    const ms = (this.loopMs = this.millis()); // km_io_update_time
    this._stepped = true;
    for (const tm of this.timers.slice()) {
      if (!tm.active || !(tm.due < ms)) continue;
      if (tm.repeat) tm.due += tm.interval;
      else tm.active = false;
      this._call(tm.fn, [], () => { tm.active = false; });
    }
    this.timers = this.timers.filter((tm) => tm.active);
    this._interrupts();
    for (const w of this.watches.slice()) {
      if (!w.active) continue;
      const reading = this._pin(w.pin).level;
      const now = this.millis();
      if (w.lastVal !== reading) w.debounceTime = now;
      const elapsed = now - w.debounceTime;
      if ((w.mode === 1 && reading === 0) || (w.mode === 2 && reading === 1)) {
        this._call(w.fn, [w.pin], () => { w.active = false; });
      } else if (w.debounceTime > 0 && elapsed >= w.debounceDelay) {
        if (reading !== w.val) {
          w.val = reading;
          if (w.mode === 12 || (w.mode === 8 && reading === 1) || (w.mode === 4 && reading === 0)) {
            this._call(w.fn, [w.pin], () => { w.active = false; });
          }
        }
        w.debounceTime = 0;
      }
      w.lastVal = reading;
    }
    this.watches = this.watches.filter((w) => w.active);
    // Jobs come only from callbacks (and the program's top level, drained by load()): an
    // iteration that ran none has none, so the drain is skipped to keep the simulation fast.
    if (this.busy || this.isrRan) this._drainJobs();
    this.isrRan = false;
    this.stats.iterations++;
    this.now += this.opt.loopUs + (this.busy ? this.opt.drainUs : 0);
  }

  /** Runs the loop for `ms` more milliseconds of virtual time. */
  run(ms) {
    const end = this.now + ms * 1000;
    this.endUs = end;
    while (this.now < end) {
      this.step();
      if (!this.busy) this._skipIdle(end);
    }
    this._interrupts();
    this.endUs = Infinity;
    return this;
  }

  /** Jumps over whole idle iterations up to the next timer, edge or interrupt. */
  _skipIdle(end) {
    let next = this._nextHardwareEvent();
    for (const tm of this.timers) if (tm.active) next = Math.min(next, (tm.due + 1) * 1000);
    for (const w of this.watches) if (w.active && w.debounceTime > 0) next = Math.min(next, (w.debounceTime + w.debounceDelay) * 1000);
    next = Math.min(next, end);
    if (next <= this.now) return;
    const n = Math.floor((next - this.now) / this.opt.loopUs);
    if (n > 0) {
      this.now += n * this.opt.loopUs;
      this.stats.iterations += n;
      this.loopMs = this.millis(); // each skipped iteration read the clock
    }
  }

  // ---------------------------------------------------------------- Kaluma's globals

  _globals() {
    const sim = this;
    const num = (v, name) => {
      if (typeof v !== 'number') throw new TypeError(`"${name}" argument must be a number`);
      return v;
    };
    const fun = (v, name) => {
      if (typeof v !== 'function') throw new TypeError(`"${name}" argument must be a function`);
      return v;
    };
    const pins = (p) => (Array.isArray(p) ? p : [num(p, 'pin')]);
    const addTimer = (fn, delay, repeat) => {
      fun(fn, 'callback');
      num(delay, 'delay');
      const id = sim.nextId++;
      // km_io_timer_start: due = loop.time + interval, with loop.time the iteration's clock, so a
      // timer set after a long stretch of the same iteration comes early by that stretch
      sim.timers.push({ id, fn, due: sim.loopMs + Math.floor(delay), interval: Math.floor(delay), repeat, active: true });
      return id;
    };
    const clearTimer = (id) => {
      num(id, 'id');
      for (const tm of sim.timers) if (tm.id === id) tm.active = false;
    };
    const g = {
      ...CONSTANTS,
      pinMode(p, mode = 0) {
        for (const q of pins(p)) {
          const pin = sim._pin(q);
          pin.mode = num(mode, 'mode');
          pin.out = mode === 1;
          if (!pin.driven && !pin.out) sim._setLevel(q, mode === 2 ? 1 : 0, sim.now);
        }
      },
      digitalRead(p) {
        if (Array.isArray(p)) return p.map((q) => sim._pin(q).level);
        sim._interrupts();
        return sim._pin(num(p, 'pin')).level;
      },
      digitalWrite(p, value) {
        num(value, 'value');
        sim._charge(); // the level changes once the work before it is done
        for (const q of pins(p)) sim._setLevel(q, value ? 1 : 0, sim.now);
      },
      digitalToggle(p) {
        sim._charge();
        for (const q of pins(p)) sim._setLevel(q, sim._pin(q).level ? 0 : 1, sim.now);
      },
      analogWrite(p, value = 0.5, frequency = 490) {
        sim._pwm(num(p, 'pin'), num(value, 'value'), num(frequency, 'frequency'));
      },
      setWatch(fn, p, events = 12, debounce = 0) {
        fun(fn, 'callback');
        const level = sim._pin(num(p, 'pin')).level;
        const id = sim.nextId++;
        sim.watches.push({ id, fn, pin: p, mode: num(events, 'events'), debounceDelay: num(debounce, 'debounce'), debounceTime: 0, lastVal: level, val: level, active: true });
        return id;
      },
      clearWatch(id = 0) {
        for (const w of sim.watches) if (w.id === id) w.active = false;
      },
      attachInterrupt(p, fn, events = 12) {
        num(p, 'pin');
        fun(fn, 'callback');
        num(events, 'events');
        if ((events & 12) === 0) throw new RangeError('Only RISING, FALLING and CHANGE can be set for interrupt event.');
        sim.handlers.push({ pin: p, fn, events });
        sim.irq.set(p, { fn, events, latched: 0, serviceAt: null });
      },
      detachInterrupt(p) {
        num(p, 'pin');
        sim.irq.delete(p);
      },
      enableInterrupts() {
        sim.irqEnabled = true;
      },
      disableInterrupts() {
        sim.irqEnabled = false;
        for (const irq of sim.irq.values()) { irq.latched = 0; irq.serviceAt = null; } // dropped, as on the board
      },
      setTimeout: (fn, delay) => addTimer(fn, delay, false),
      setInterval: (fn, delay) => addTimer(fn, delay, true),
      clearTimeout: clearTimer,
      clearInterval: clearTimer,
      delay(ms = 0) {
        sim._charge();
        sim.now += num(ms, 'msec') * 1000;
        sim._interrupts();
      },
      delayMicroseconds(us = 0) {
        sim._charge();
        sim.now += num(us, 'usec');
        sim._interrupts();
      },
      // Reading the clock charges the work done so far and lets due interrupts preempt it.
      millis: () => {
        sim._charge();
        sim._interrupts();
        return sim.millis();
      },
      micros: () => {
        sim._charge();
        sim._interrupts();
        return Math.floor(sim.now);
      },
      print: (...values) => sim._write(values),
      analogRead(p) {
        num(p, 'pin');
        if (p < 26 || p > 29) throw new RangeError('The pin is not available for ADC');
        sim._charge();
        return sim.analog.get(p) ?? 0;
      },
      tone(p, frequency = 261.626, options = {}) {
        num(p, 'pin');
        const duty = options && typeof options.duty === 'number' ? options.duty : 0.5;
        const ms = options && typeof options.duration === 'number' ? options.duration : 0;
        sim._pwm(p, duty, num(frequency, 'frequency'), ms > 0 ? sim.now + ms * 1000 : Infinity);
      },
      noTone(p) {
        sim._pwm(num(p, 'pin'), 0, 1);
      },
      pulseWrite(p, startState, interval) {
        num(p, 'pin');
        let level = startState ? 1 : 0;
        sim._charge();
        for (const us of interval) {
          sim._setLevel(p, level, sim.now);
          sim.now += num(us, 'interval');
          level ^= 1;
        }
        sim._setLevel(p, level, sim.now);
        sim._interrupts();
        return interval.length;
      },
      pulseRead(p, count, options = {}) {
        num(p, 'pin');
        num(count, 'count');
        const timeout = options && typeof options.timeout === 'number' ? options.timeout : 1000000;
        if (options && options.trigger) g.pulseWrite(options.trigger.pin ?? p, options.trigger.startState ?? 0, options.trigger.interval || []);
        sim._charge();
        const end = sim.now + timeout;
        const pin = sim._pin(p);
        if (options && typeof options.startState === 'number') {
          while (pin.level !== options.startState && sim.now < end) sim._advanceTo(Math.min(end, sim._nextHardwareEvent()));
        }
        const out = [];
        let last = sim.now;
        let level = pin.level;
        while (out.length < count && sim.now < end) {
          sim._advanceTo(Math.min(end, sim._nextHardwareEvent()));
          if (pin.level !== level) {
            out.push(Math.round(sim.now - last));
            last = sim.now;
            level = pin.level;
          }
        }
        return out.length ? out : null;
      },
      console: { log: (...values) => sim._print(values), error: (...values) => sim._print(values) },
      require(name) {
        if (!SIM_MODULES[name]) throw new Error(`kaluma-sim: built-in module "${name}" is not simulated (only ${Object.keys(SIM_MODULES).join(', ')}: use the globals, or npm run emulate)`);
        if (!sim.modules[name]) sim.modules[name] = vm.runInContext(SIM_MODULES[name], sim.context);
        return sim.modules[name];
      },
      board: { name: 'pico', LED: 25 },
      process: { platform: 'rp2', arch: 'cortex-m0-plus', version: '1.2.1', memoryUsage: () => ({ heapTotal: 184312, heapUsed: 0, heapPeak: 0 }) },
    };
    // A handler running in a (simulated) interrupt must call nothing: flag any call of a global.
    const guard = (name, fn) => function (...args) {
      if (sim.inIsr) sim._isrViolation(name);
      return fn.apply(this, args);
    };
    for (const k of Object.keys(g)) if (typeof g[k] === 'function') g[k] = guard(k, g[k]);
    g.console = { log: guard('console.log', g.console.log), error: guard('console.error', g.console.error) };
    return g;
  }
}
