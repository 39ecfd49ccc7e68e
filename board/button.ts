/**
 * button: a pin-change interrupt feeds a ThreadSafeQueue of edge records; an async consumer
 * counts them and prints, once a second, the edges received, their rate and the overruns; the
 * LED follows the input.
 *
 * Wiring (one jumper wire):
 *   | Pico pin       | connect to | role                                              |
 *   |----------------|------------|---------------------------------------------------|
 *   | GP16 (pin 21)  | GP17       | PWM output: a square wave of HZ (500 Hz), 1000 edges/s |
 *   | GP17 (pin 22)  | GP16       | input; attachInterrupt(CHANGE) via InterruptSource |
 *   | GP25 (LED)     | on board   | follows the level of GP17 at each received batch  |
 * Instead of the jumper, a push button from GP17 to GND works too (the input has a pull-up):
 * each press and release (and each contact bounce) is an edge.
 *
 * The interrupt handler touches only primitive variables (the library builds it); a main-loop
 * timer moves the records into the queue, once per loop iteration, and the consumer takes all
 * that arrived with one wake-up (`ready()` + `getManySync()`). Prints once a second:
 *   1 s: 1000 edges (1000/s), 500 rising, 500 falling, overruns 0
 *   2 s: 2000 edges (1000/s), 1000 rising, 1000 falling, overruns 0
 *   ...
 * (A record of kind 12 means both edges latched before the interrupt ran: it counts as two.)
 *
 * Build and upload: npm run flash -- button --port /dev/ttyACM0
 */
import { ThreadSafeQueue } from 'threadsafe';
import { InterruptSource } from 'threadsafe/kaluma';

const OUT = 16; // PWM output
const IN = 17; // interrupt input
const HZ = 500; // square wave frequency: 2 * HZ edges per second

pinMode(IN, INPUT_PULLUP);
pinMode(board.LED, OUTPUT);
analogWrite(OUT, 0.5, HZ);

const edges = new ThreadSafeQueue<number>(new Array(64)); // edge kinds: FALLING 4, RISING 8, both 12
const source = new InterruptSource(IN, edges, { events: CHANGE });

let rising = 0;
let falling = 0;
let total = 0;
let lastTotal = 0;
let seconds = 0;

// The consumer takes every edge that has arrived with one wake-up: ready() resolves once the
// queue holds an item, getManySync() moves them all out in one call. One promise job per batch
// instead of one per edge, which is what lets it keep up with 1000 edges/s. The loop counts in
// local variables: on Kaluma a local is a register, while a global (RISING) or a variable of
// the program's top level is looked up by name on every use.
const batch = new Array<number>(64);
function consume(): void {
  edges.ready().then(function () {
    const n = edges.getManySync(batch);
    let r = 0;
    let f = 0;
    let kind = 0;
    for (let i = 0; i < n; i++) {
      kind = batch[i];
      if (kind === 8) r++; // RISING
      else if (kind === 4) f++; // FALLING
      else { r++; f++; } // CHANGE (12): both latched
    }
    rising += r;
    falling += f;
    total += r + f;
    if (n > 0) digitalWrite(board.LED, kind === FALLING ? LOW : HIGH);
    consume();
  });
}

setInterval(function () {
  seconds++;
  console.log(seconds + ' s: ' + total + ' edges (' + (total - lastTotal) + '/s), ' + rising + ' rising, ' + falling + ' falling, overruns ' + source.overruns());
  lastTotal = total;
}, 1000);

consume();
(globalThis as any).source = source; // for the REPL: source.detach()
