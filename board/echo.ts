/**
 * echo: consecutive integers go out on one ThreadSafeQueue and come back on another, echoed by
 * the board's other context. The Kaluma version of micropython-async THREADING.md §2.2.3:
 * the RP2040's second core is not available to Kaluma programs, so the echo side is a main-loop
 * timer (the "other context" of the seed's core_2): every 10 ms it takes every item waiting on
 * `toEcho` with `getSync()` and echoes it with `putSync()`, keeping back what does not fit (it
 * cannot block as the seed's `put_sync(x, block=True)` does on another core).
 *
 * Wiring: none. The on-board LED (GP25) toggles at every line.
 *
 * Both queues are built on 10-slot buffers (9 items each), as in the seed. The receiver checks
 * `x == n` for every item (a mismatch prints "assert failed" and stops the demo) and prints a
 * line every 1000 items, about once a second:
 *   Received 1000 queue items.
 *   Received 2000 queue items.
 *   ...
 *
 * Build and upload: npm run flash -- echo --port /dev/ttyACM0
 */
import { ThreadSafeQueue } from '../src/index';

const toEcho = new ThreadSafeQueue<number>(new Array(10));
const fromEcho = new ThreadSafeQueue<number>(new Array(10));
pinMode(board.LED, OUTPUT);

// The other context (the seed's core_2): drains toEcho into buf, echoes buf into fromEcho.
const buf: number[] = [];
const echoTimer = setInterval(function () {
  while (toEcho.qsize() > 0) buf.push(toEcho.getSync());
  let i = 0;
  while (i < buf.length && !fromEcho.full()) fromEcho.putSync(buf[i++]);
  buf.splice(0, i); // what did not fit waits for the next tick
}, 10);

// sender: await toEcho.put(x = x + 1), forever
let x = 0;
function send(): void {
  x = x + 1;
  toEcho.put(x).then(send);
}

// receiver: async for x in fromEcho
let n = 0;
function receive(): void {
  fromEcho.next().then(function (r) {
    const got = r.value;
    n = n + 1;
    if (got !== n) {
      console.log('assert failed: received ' + got + ', expected ' + n);
      clearInterval(echoTimer);
      return;
    }
    if (got % 1000 === 0) {
      console.log('Received ' + got + ' queue items.');
      digitalToggle(board.LED);
    }
    receive();
  });
}

send();
receive();
// For the REPL and the simulation's summary: items sent and received so far.
(globalThis as any).echo = {
  sent: function () { return x; },
  received: function () { return n; },
};
