/**
 * button for Espruino: a WatchSource (Espruino's setWatch) feeds a ThreadSafeQueue with one
 * record per edge, its level and the time Espruino's GPIO interrupt stamped it; a consumer
 * takes every record that has arrived with one wake-up and prints, once a second, the edges
 * received, their rate, the period measured from the stamps, and what was dropped or overrun;
 * the LED follows the input. The Espruino twin of the Kaluma demo board/button.ts.
 *
 * Wiring (one jumper wire):
 *   | Pico pin       | connect to | role                                                  |
 *   |----------------|------------|-------------------------------------------------------|
 *   | GP16 (pin 21)  | GP17       | PWM output: a square wave of HZ (100 Hz), 200 edges/s |
 *   | GP17 (pin 22)  | GP16       | input (pull-up); setWatch on both edges via WatchSource |
 *   | GP25 (LED1)    | on board   | follows the level of GP17 at each received batch      |
 * Instead of the jumper, a push button from GP17 to GND works too: each press and release is an
 * edge (add `debounce: 20` to the WatchSource options to count presses, not contact bounces).
 *
 * Prints once a second (the period is the mean time between rising edges, from `e.time`); on
 * the emulated Pico (npm test runs it there, with the jumper):
 *   1 s: 198 edges (198/s), 99 rising, 99 falling, period 9.999 ms, dropped 0, overruns 0
 *   2 s: 392 edges (194/s), 196 rising, 196 falling, period 9.999 ms, dropped 0, overruns 0
 *   3 s: 597 edges (205/s), 299 rising, 298 falling, period 9.999 ms, dropped 0, overruns 0
 * The per-second counts move by a few edges around 200 because the report timer itself runs on
 * the busy main loop; the total keeps up with the wave and nothing is dropped. Each edge costs
 * Espruino a few ms of main loop (docs/espruino.md): at much higher rates its event FIFO fills,
 * and then `overruns` counts it.
 *
 * Build: npm run build (writes dist/espruino/button.js, one self-contained ES5 file).
 * On a board: send dist/espruino/button.js with the Espruino Web IDE or the `espruino` CLI.
 */
import { ThreadSafeQueue } from 'threadsafe';
import { WatchSource } from 'threadsafe/espruino';

const OUT = D16; // PWM output
const IN = D17; // watched input
const HZ = 100; // square wave frequency: 2 * HZ edges per second

pinMode(IN, 'input_pullup');
// An item per edge: the stamp in seconds, negative for a falling edge (one number, so the
// queue can be a Float64Array).
const edges = new ThreadSafeQueue<number>(new Float64Array(64));
const source = new WatchSource(IN, edges, {
  edge: 'both',
  record: function (state, time) {
    return state ? time : -time;
  },
});

let rising = 0;
let falling = 0;
let total = 0;
let lastTotal = 0;
let seconds = 0;
let firstRise = 0; // stamps of the first and last rising edge of this second
let lastRise = 0;
let rises = 0;

// ready() resolves once the queue holds a record; getManySync() moves every record out in one
// call: one promise job per batch, not one per edge.
const batch = new Float64Array(64);
function consume(): void {
  edges.ready().then(function () {
    const n = edges.getManySync(batch);
    let t = 0;
    for (let i = 0; i < n; i++) {
      t = batch[i];
      if (t > 0) {
        rising++;
        if (rises === 0) firstRise = t;
        lastRise = t;
        rises++;
      } else falling++;
    }
    total += n;
    if (n > 0) digitalWrite(LED1, t > 0);
    consume();
  });
}

setInterval(function () {
  seconds++;
  const period = rises > 1 ? ((lastRise - firstRise) * 1000) / (rises - 1) : 0;
  console.log(seconds + ' s: ' + total + ' edges (' + (total - lastTotal) + '/s), ' + rising + ' rising, ' + falling + ' falling, period ' +
    period.toFixed(3) + ' ms, dropped ' + source.dropped() + ', overruns ' + source.overruns());
  lastTotal = total;
  rises = 0;
}, 1000);

consume();
analogWrite(OUT, 0.5, { freq: HZ });
