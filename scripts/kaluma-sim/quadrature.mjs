// Quadrature signals of a turned encoder: a turn of `steps` (signed; one step = one edge of
// either pin, x4) at `rate` steps per second becomes the edge list of pins A and B.
// Forward, AB goes 00 -> 10 -> 11 -> 01 -> 00 (A leads). Used by the encoder demo's pin script
// on the firmware (demos.mjs) and by the encoder tests.

/** Edges { t (µs), pin: 'A'|'B', level } for a sequence of turns [{ steps, rate }], from AB = `start`. */
export function quadrature(turns, { startUs = 1000, a = 0, b = 0 } = {}) {
  const edges = [];
  let t = startUs;
  for (const { steps, rate, pauseUs = 0 } of turns) {
    const dt = 1e6 / rate;
    const dir = steps >= 0 ? 1 : -1;
    for (let i = 0; i < Math.abs(steps); i++) {
      t += dt;
      // forward: A changes when A === B, B changes when A !== B; backward the other way round
      const changeA = dir > 0 ? a === b : a !== b;
      if (changeA) {
        a ^= 1;
        edges.push({ t: Math.round(t), pin: 'A', level: a });
      } else {
        b ^= 1;
        edges.push({ t: Math.round(t), pin: 'B', level: b });
      }
    }
    t += pauseUs;
  }
  return { edges, end: t, a, b };
}
