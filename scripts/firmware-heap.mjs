// Heap after parse and load time of a bundle on the emulated Kaluma firmware (scripts/firmware.mjs).
// Used by the firmware benchmark (bench/kaluma-fw.bench.mjs) and the heap budget test
// (host-tests/firmware/heap.test.mjs).
//
// How: the bundle runs between two probe lines. JerryScript parses the whole program before its
// first statement runs, so the first probe sees the heap with the bundle's bytecode and literals
// in it, and the time parse took; the second probe sees the heap and time after the bundle's
// top-level code ran. The same two probes around nothing (an empty program) are the baseline:
//   heap after parse = first probe's heapUsed (bundle) − first probe's heapUsed (empty program)
//   load time        = second probe's micros() (bundle) − second probe's micros() (empty program)
// micros() counts from boot, and boot + flash upload take the same emulated time in both runs.
//
//   const { heap, heapAfterRun, loadUs } = await loadCost(readFileSync('dist/threadsafe.js', 'utf8'));
import { runOnFirmware } from './firmware.mjs';

const FIRST = "console.log('P1 ' + process.memoryUsage().heapUsed + ' ' + micros());\n";
const LAST = "\n;console.log('P2 ' + process.memoryUsage().heapUsed + ' ' + micros());\nconsole.log('P-END');\n";

async function probe(code) {
  const r = await runOnFirmware({ code: FIRST + code + LAST }, { ms: 3000, until: 'P-END' });
  const get = (tag) => {
    const line = r.lines.find((l) => l.text.startsWith(tag + ' '));
    if (!line) throw new Error(`firmware run printed no "${tag}" line (exit ${r.code}${r.crash ? ', crash: ' + r.crash : ''}):\n${r.stdout}\n${r.stderr}`);
    const [, heap, us] = line.text.split(' ');
    return { heap: Number(heap), us: Number(us) };
  };
  return { p1: get('P1'), p2: get('P2') };
}

let baseline = null;
/** The empty program's probes, measured once per process. */
export function emptyProgram() {
  if (baseline === null) baseline = probe('');
  return baseline;
}

/**
 * { heap, heapAfterRun, loadUs } of `code` (a bundle's text): heap after parse and after its
 * top level ran (bytes, over an empty program), and the time to load it (µs over an empty program).
 */
export async function loadCost(code) {
  const [empty, full] = await Promise.all([emptyProgram(), probe(code)]);
  return {
    heap: full.p1.heap - empty.p1.heap,
    heapAfterRun: full.p2.heap - empty.p2.heap,
    loadUs: full.p2.us - empty.p2.us,
  };
}
