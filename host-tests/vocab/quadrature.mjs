// Quadrature signals for the encoder tests: the generator the encoder demo's pin script uses
// (scripts/kaluma-sim/quadrature.mjs), and its edges as the simulation's signals or the
// firmware runner's pin script.
export { quadrature } from '../../scripts/kaluma-sim/quadrature.mjs';

/** The simulation's signal generator of one pin from an edge list. */
export function signalOf(edges, pin, initial = 0) {
  const mine = edges.filter((e) => e.pin === pin).map((e) => ({ t: e.t, level: e.level }));
  return { initial, next: () => mine.shift() || null };
}

/** The firmware runner's pin script ([{ atMs, pin, level }]) for the edges, pin A on `pinA`, B on `pinB`. */
export function pinScript(edges, pinA, pinB) {
  return edges.map((e) => ({ atMs: +(e.t / 1000).toFixed(4), pin: e.pin === 'A' ? pinA : pinB, level: e.level }));
}
