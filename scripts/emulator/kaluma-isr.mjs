// What the JavaScript of attachInterrupt handlers does to the engine, watched from the firmware's
// own functions (Kaluma 1.2.1 for the Pico; needs its .elf symbols): `emulate({ isrProbe: true })`.
//
// Why these functions (docs/platform.md, "The interrupt rule"): JerryScript 2.4 keeps an object's
// reference count in the top 10 bits of its 16-bit header, and while the collector marks
// (ecma_gc_run) every object with count 0 carries the "not visited" mark in those bits, so
// ecma_ref_object on it from an interrupt is jerry_fatal(ERR_REF_COUNT_LIMIT). The allocator
// (jmem_pools_alloc, jmem_heap_alloc_block*) is not re-entrant. So per pin the probe counts:
//   interrupts    calls of irq_cb (the firmware's GPIO callback, which calls the handler)
//   duringGc      of those, how many began while the main loop was inside ecma_gc_run
//   refs          ecma_ref_object calls inside the GPIO interrupt (exception 29)
//   unrooted      of those, on an object whose count was 0 (or the collector's mark): each one is
//                 the crash when it lands in the marking window
//   allocations   jmem_pools_alloc / jmem_heap_alloc_block* calls inside the interrupt
//   handlerCount  the handler's own reference count at its last call (irq_cb releases it once
//                 per interrupt without taking one: it counts down and wraps, see platform.md)
//   sites         { 'caller+0x..': n } of the refs and allocations, for a report
// and for the run: gcRuns (collections), gcMs (emulated ms spent in them), fatal ([{ code, caller, inInterrupt, pin, duringGc }] of
// jerry_fatal calls), markEdges ({ pin: rising edges raised by markEdge }), notes.
//
// markEdge (a pin or pins): at the collector's first ecma_gc_mark of each collection (the moment
// its first pass has put the "not visited" mark on every count-0 object), the probe raises each
// of those input pins that is low, and lowers it 20 us later (so give it pins nothing else
// drives): an interrupt that lands inside the marking window by
// construction, instead of by the chance of a pin script's timing (which moves with the heap's
// layout, so with every change to the program or the library).
const GPIO_EXCEPTION = 29; // IO_IRQ_BANK0 (16 + 13)
const NEEDED = ['irq_cb', 'ecma_gc_run', 'ecma_gc_mark', 'ecma_ref_object', 'jmem_pools_alloc', 'jmem_heap_alloc_block', 'jerry_fatal', 'ecma_op_function_call_simple'];
const OPTIONAL = ['jmem_heap_alloc_block_null_on_error'];

/** The function containing `pc`, as 'name+0xoff' (sorted [name, address] pairs). */
function nameOf(sorted, pc) {
  pc &= ~1;
  let lo = 0;
  let hi = sorted.length - 1;
  let best = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid][1] <= pc) {
      best = sorted[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best ? `${best[0]}+0x${(pc - best[1]).toString(16)}` : `0x${pc.toString(16)}`;
}

export class IsrProbe {
  /** Why a probe cannot run on these symbols (null when it can). */
  static unavailable(symbols) {
    if (!symbols) return 'no firmware symbols (the probe needs the .elf of the Kaluma 1.2.1 build, or one beside the .bin/.uf2)';
    const missing = NEEDED.filter((n) => !symbols.has(n));
    return missing.length ? `the firmware has no ${missing.join(', ')}: not a Kaluma 1.2.1 build` : null;
  }

  /** @param {{ markEdge?: number | number[] }} [o] */
  constructor(board, symbols, o = {}) {
    this.board = board;
    this.markEdges = {};
    this.sorted = [...symbols].sort((a, b) => a[1] - b[1]);
    this.pins = new Map();
    this.pin = -1;
    this.inGc = false;
    this.gcRuns = 0;
    this.fatal = [];
    this.notes = [];
    this.gcNs = 0;
    this.gcStartNs = 0;
    const core = board.mcu.core;
    const reg = core.registers;
    const inIsr = () => core.IPSR === GPIO_EXCEPTION && this.pin >= 0;
    const site = (s, kind) => {
      const k = `${kind} from ${nameOf(this.sorted, reg[14])}`;
      s.sites[k] = (s.sites[k] || 0) + 1;
    };
    board.hook(symbols.get('irq_cb'), () => {
      this.pin = reg[0] >>> 0;
      const s = this._pin(this.pin);
      s.interrupts++;
      if (this.inGc) s.duringGc++;
    });
    board.hook(symbols.get('ecma_op_function_call_simple'), () => {
      if (inIsr()) this._pin(this.pin).handlerCount = board.mcu.readUint16(reg[0] >>> 0) >> 6;
    });
    // the collection ends at its return: the `pop {..., pc}` that matches its `push {..., lr}`
    const gc = symbols.get('ecma_gc_run');
    board.hook(gc, () => {
      this.gcRuns++;
      this.inGc = true;
      this.gcStartNs = board.nowNs;
      this.marking = false;
    });
    const marked = o.markEdge == null ? [] : [].concat(o.markEdge);
    for (const pin of marked) this.markEdges[pin] = 0;
    if (marked.length) {
      board.hook(symbols.get('ecma_gc_mark'), () => {
        if (this.marking || !this.inGc) return;
        this.marking = true;
        for (const pin of marked) {
          if (board.mcu.gpio[pin].rawInputValue) continue; // already high: no edge to raise
          this.markEdges[pin]++;
          board.setPin(pin, 1);
          board.schedulePin(board.nowNs + 20000, pin, 0);
        }
      });
    }
    const end = this._epilogue(gc);
    if (end === null) this.notes.push('the end of a collection was not found in ecma_gc_run: duringGc and gcMs are not counted');
    else {
      board.hook(end, () => {
        this.inGc = false;
        this.gcNs += board.nowNs - this.gcStartNs;
      });
    }
    board.hook(symbols.get('ecma_ref_object'), () => {
      if (!inIsr()) return;
      const s = this._pin(this.pin);
      s.refs++;
      const count = board.mcu.readUint16(reg[0] >>> 0) >> 6;
      if (count === 0 || count === 0x3ff) {
        s.unrooted++;
        site(s, 'ref on a count-0 object');
      } else site(s, 'ref');
    });
    for (const name of ['jmem_pools_alloc', 'jmem_heap_alloc_block', ...OPTIONAL]) {
      if (!symbols.has(name)) continue;
      board.hook(symbols.get(name), () => {
        if (!inIsr()) return;
        const s = this._pin(this.pin);
        s.allocations++;
        site(s, name);
      });
    }
    board.hook(symbols.get('jerry_fatal'), () => {
      this.fatal.push({ code: reg[0] >>> 0, caller: nameOf(this.sorted, reg[14]), inInterrupt: core.IPSR !== 0, pin: core.IPSR === GPIO_EXCEPTION ? this.pin : null, duringGc: this.inGc });
    });
  }

  _pin(p) {
    if (!this.pins.has(p)) this.pins.set(p, { interrupts: 0, duringGc: 0, refs: 0, unrooted: 0, allocations: 0, handlerCount: null, sites: {} });
    return this.pins.get(p);
  }

  /**
   * The address of the one `pop {..., pc}` of the function at `start` that matches the `push {..., lr}`
   * of its first instructions, up to the next symbol; null unless there is exactly one.
   */
  _epilogue(start) {
    const i = this.sorted.findIndex(([, a]) => a > start);
    const end = i >= 0 ? this.sorted[i][1] : start + 0x1000;
    const half = (at) => this.board.mcu.readUint16(at);
    let push = -1;
    for (let at = start; at < start + 8; at += 2) if ((half(at) & 0xff00) === 0xb500) push = half(at);
    if (push < 0) return null;
    const found = [];
    for (let at = start; at < end; at += 2) if (half(at) === (0xbd00 | (push & 0xff))) found.push(at);
    return found.length === 1 ? found[0] : null;
  }

  result() {
    const pins = {};
    for (const [p, s] of [...this.pins].sort((a, b) => a[0] - b[0])) pins[p] = s;
    return { gcRuns: this.gcRuns, gcMs: this.gcNs / 1e6, fatal: this.fatal, markEdges: this.markEdges, pins, notes: this.notes };
  }
}
