/**
 * encoder: a quadrature rotary encoder decoded in the pin interrupts (EncoderSource); a task
 * waits on a ThreadSafeMessage that carries the position and prints it when it changes, at most
 * every 100 ms, with the error counters. The LED shows the direction of the last move.
 *
 * Wiring (a common 3-pin rotary encoder, e.g. an EC11, or two jumper wires from a signal source):
 *   | encoder pin | Pico pin          | role                                                   |
 *   |-------------|-------------------|--------------------------------------------------------|
 *   | A (CLK)     | GP2 (pin 4)       | input with pull-up; attachInterrupt(CHANGE)            |
 *   | B (DT)      | GP3 (pin 5)       | input with pull-up; attachInterrupt(CHANGE)            |
 *   | C (common)  | GND (pin 3)       |                                                        |
 *   | —           | GP25 (LED)        | on after a forward move, off after a backward one       |
 * Forward (clockwise on most encoders) A leads B. Every edge of either pin is one step (x4): a
 * detent of an EC11 is 4 steps. Swap A and B to reverse the direction.
 *
 * The interrupt handlers touch only primitive variables (the library builds them); the message
 * is set on the main loop with the position, once per loop iteration while the task waits.
 * Prints, when the position changed:
 *   position 12 (invalid 0, latched 0)
 *   position 40 (invalid 0, latched 0)
 *   ...
 * `invalid` counts edges to a level the pin already had (an edge was missed), `latched` both
 * edges of a pin caught in one interrupt (a contact bounce; they cancel).
 *
 * Build and upload: npm run flash -- encoder --port /dev/ttyACM0
 *
 * Until 2026-12-03 this bundle stopped Kaluma 1.2.1 in the GPIO interrupt: the handler's
 * `a ^= 1` made JerryScript take a reference on the closure's scope object, fatal while the
 * garbage collector marks. Fixed (`a = 1 - a`); see docs/platform.md, "The interrupt rule".
 */
import { ThreadSafeMessage } from 'threadsafe';
import { EncoderSource } from 'threadsafe/kaluma';

const PIN_A = 2;
const PIN_B = 3;
const SHOW_MS = 100; // at most one line per 100 ms: a fast turn makes many steps per line

pinMode(PIN_A, INPUT_PULLUP);
pinMode(PIN_B, INPUT_PULLUP);
pinMode(board.LED, OUTPUT);

const moved = new ThreadSafeMessage<number>();
const encoder = new EncoderSource(PIN_A, PIN_B, moved);

let shown = 0;
function show(): void {
  moved.wait().then(function (position) {
    moved.clear(); // the next wait waits for the next move
    if (position !== shown) {
      digitalWrite(board.LED, position > shown ? HIGH : LOW);
      shown = position;
      console.log('position ' + position + ' (invalid ' + encoder.invalid() + ', latched ' + encoder.latched() + ')');
    }
    setTimeout(show, SHOW_MS);
  });
}
show();

(globalThis as any).encoder = encoder; // for the REPL: encoder.position(), encoder.detach()
