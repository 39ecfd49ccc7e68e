/**
 * echo for Espruino: consecutive integers go out on one ThreadSafeQueue and come back on
 * another, echoed by a second context, as micropython-async THREADING.md §2.2.3 and the Kaluma
 * demo `board/echo.ts`. Espruino has no second core or thread for programs either, so the echo
 * side is a timer: every 10 ms it takes every item waiting on `toEcho` with `getSync()` and
 * echoes it with `putSync()`, keeping back what does not fit. Espruino has no async/await and
 * no Symbol (no `for await`): the sender and the receiver are `.then` chains, and the receiver
 * calls `next()` by hand.
 *
 * Needs only timers and the console, so it runs unchanged on any Espruino board and on the
 * Linux build of Espruino 2v29; `npm test` runs it on both the Linux build (2000 items, about
 * 2 s) and Espruino's RP2040 port in an emulated Pico (1000 items in about 11.6 s there: each
 * item costs promise jobs on both sides). Wiring: none.
 *
 * Both queues are built on 10-slot buffers (9 items each), as in the seed. The receiver checks
 * `x == n` for every item (a mismatch prints "assert failed" and stops the demo) and prints a
 * line every 1000 items, about once a second:
 *   Received 1000 queue items.
 *   Received 2000 queue items.
 *   ...
 *
 * Build: npm run build (writes dist/espruino/echo.js, one self-contained ES5 file, minified).
 * On a board: send dist/espruino/echo.js with the Espruino Web IDE or `espruino` CLI.
 */
import { ThreadSafeQueue } from 'threadsafe';

const toEcho = new ThreadSafeQueue<number>(new Array(10));
const fromEcho = new ThreadSafeQueue<number>(new Array(10));

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
    if (got % 1000 === 0) console.log('Received ' + got + ' queue items.');
    receive();
  });
}

send();
receive();
