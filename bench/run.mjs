// Runs every bench/*.bench.mjs module in sorted order, prints one table per module with the
// ratio ours ÷ peer for each peer, and writes bench/results.json (and bench/results.md, the
// same tables in Markdown for the README). Each module runs in its own Node process, one after
// the other. A module that throws, crashes or hangs is reported and the others still run; the
// exit code is then non-zero.
//
//   npm run bench                 build, then every module
//   node bench/run.mjs queue      only the modules whose file name contains "queue"
//
// The contract every module follows (bench/README.md): `export const title`, and a default
// async function that first checks each candidate gives the right answer (throwing if not),
// then measures and returns rows:
//   { name, unit, value, higherIsBetter, peers: [{ name, value }], note? }
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const DIR = fileURLToPath(new URL('.', import.meta.url));
const MODULE_TIMEOUT_MS = 900000; // the contract asks for < 60 s (firmware modules: minutes on a busy machine); this only stops a hung module

/** Formats a measured value with a sensible number of digits. */
export function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.01) return v.toFixed(3);
  return v.toPrecision(2);
}

/**
 * ours ÷ peer as text, and whether ours is better: 'better', 'worse', 'same' (within 3 %).
 * Zero on both sides (for example 0 bytes allocated) is 'same'.
 */
export function compare(ours, peer, higherIsBetter) {
  if (typeof ours !== 'number' || typeof peer !== 'number' || Number.isNaN(ours) || Number.isNaN(peer)) {
    return { ratio: null, text: 'n/a', verdict: 'n/a' };
  }
  if (ours === 0 && peer === 0) return { ratio: 1, text: '0 ÷ 0', verdict: 'same' };
  if (peer === 0) return { ratio: Infinity, text: '∞', verdict: higherIsBetter ? 'better' : 'worse' };
  const ratio = ours / peer;
  const text = ratio >= 100 ? ratio.toFixed(0) + '×' : ratio >= 10 ? ratio.toFixed(1) + '×' : ratio.toFixed(2) + '×';
  let verdict = 'same';
  if (ratio > 1.03) verdict = higherIsBetter ? 'better' : 'worse';
  else if (ratio < 0.97) verdict = higherIsBetter ? 'worse' : 'better';
  return { ratio, text, verdict };
}

function checkRows(rows, file) {
  if (!Array.isArray(rows)) throw new Error(`${file}: run() must return an array of rows, got ${typeof rows}`);
  for (const r of rows) {
    if (!r || typeof r.name !== 'string' || typeof r.unit !== 'string' || typeof r.higherIsBetter !== 'boolean') {
      throw new Error(`${file}: a row needs name, unit, value, higherIsBetter, peers: ${JSON.stringify(r)}`);
    }
    if (r.peers !== undefined && !Array.isArray(r.peers)) throw new Error(`${file}: row "${r.name}": peers must be an array`);
  }
}

/** The table lines of one module: one line per (row, peer), or per row without peers. */
export function tableLines(rows) {
  const out = [];
  for (const r of rows) {
    const dir = r.higherIsBetter ? 'higher is better' : 'lower is better';
    const ours = `${fmt(r.value)} ${r.unit}`;
    const peers = r.peers && r.peers.length ? r.peers : [null];
    peers.forEach((p, i) => {
      const c = p ? compare(r.value, p.value, r.higherIsBetter) : null;
      out.push({
        name: i === 0 ? r.name : '',
        ours: i === 0 ? ours : '',
        peer: p ? p.name : '—',
        peerValue: p ? `${fmt(p.value)} ${r.unit}` : '',
        ratio: c ? c.text : '',
        verdict: c ? c.verdict : '',
        dir: i === 0 ? dir : '',
        note: i === 0 && r.note ? r.note : '',
      });
    });
  }
  return out;
}

function printTable(title, rows) {
  const lines = tableLines(rows);
  const cols = [
    ['name', 'measure'], ['ours', 'ours'], ['peer', 'peer'], ['peerValue', 'peer value'], ['ratio', 'ours ÷ peer'],
    ['verdict', 'ours is'],
  ];
  const width = {};
  for (const [k, h] of cols) width[k] = Math.max(h.length, ...lines.map((l) => String(l[k]).length));
  const row = (l) => cols.map(([k]) => String(l[k]).padEnd(width[k])).join('  ').trimEnd();
  console.log(`\n## ${title}\n`);
  console.log(row(Object.fromEntries(cols.map(([k, h]) => [k, h]))));
  console.log(cols.map(([k]) => '-'.repeat(width[k])).join('  '));
  for (const l of lines) {
    console.log(row(l));
    if (l.note) console.log(`    ${l.note}`);
  }
}

/** Every (row, peer) where ours is worse by more than 3 %, as text lines. */
export function losses(results) {
  const out = [];
  for (const m of results) {
    if (m.error) continue;
    for (const r of m.rows) {
      for (const p of r.peers || []) {
        const c = compare(r.value, p.value, r.higherIsBetter);
        if (c.verdict === 'worse') out.push(`${r.name}: ${fmt(r.value)} vs ${p.name} ${fmt(p.value)} ${r.unit} (${c.text})`);
      }
    }
  }
  return out;
}

function markdown(results) {
  const md = [];
  for (const m of results) {
    md.push(`### ${m.title}`, '');
    if (m.error) {
      md.push(`Failed: ${m.error.split('\n')[0]}`, '');
      continue;
    }
    md.push('| measure | ours | peer | peer value | ours ÷ peer | ours is |', '| --- | ---: | --- | ---: | ---: | --- |');
    for (const l of tableLines(m.rows)) {
      md.push(`| ${l.name} | ${l.ours} | ${l.peer} | ${l.peerValue} | ${l.ratio} | ${l.verdict} |`);
    }
    const notes = m.rows.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}`);
    if (notes.length) md.push('', ...notes);
    md.push('');
  }
  const lost = losses(results);
  if (lost.length) md.push('### Where ours is worse than a peer', '', ...lost.map((l) => `- ${l}`), '');
  return md.join('\n');
}

/**
 * Runs one module in its own Node process, so that modules do not share JIT state, timers or
 * workers, and a crash or hang in one cannot take the others down. Resolves with its rows.
 */
function runIsolated(file) {
  const out = join(mkdtempSync(join(os.tmpdir(), 'threadsafe-bench-')), 'rows.json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', file, out], { stdio: 'inherit' });
    const timer = setTimeout(() => child.kill('SIGKILL'), MODULE_TIMEOUT_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      let result = null;
      try {
        result = JSON.parse(readFileSync(out, 'utf8'));
      } catch {
        // no result file: the child died before writing it
      }
      rmSync(dirname(out), { recursive: true, force: true });
      if (result && result.error) return reject(new Error(result.error));
      if (result && code === 0) return resolve(result);
      reject(new Error(signal === 'SIGKILL' ? `did not finish within ${MODULE_TIMEOUT_MS / 1000} s` : `the process exited with ${signal || code} before returning rows`));
    });
  });
}

/** Child side: import the module, check it follows the contract, run it, write the result. */
async function child(file, out) {
  let result;
  try {
    const mod = await import(pathToFileURL(DIR + file).href);
    if (typeof mod.default !== 'function') throw new Error(`${file} has no default export function run()`);
    const rows = await mod.default();
    checkRows(rows, file);
    result = { title: typeof mod.title === 'string' ? mod.title : file, rows };
  } catch (e) {
    result = { error: String((e && e.stack) || e) };
  }
  writeFileSync(out, JSON.stringify(result));
}

async function main() {
  const filters = process.argv.slice(2);
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.bench.mjs'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  const cpus = os.cpus();
  const machine = {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: `${cpus.length} × ${cpus[0] ? cpus[0].model.trim() : 'unknown'}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    loadavgBefore: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  console.log(`threadsafe benchmarks: ${files.length} modules, Node ${machine.node}, ${machine.cpu}, load ${machine.loadavgBefore.join(' ')}`);
  const results = [];
  let failed = 0;
  for (const file of files) {
    const started = performance.now();
    const entry = { file: 'bench/' + file, title: file, seconds: null, rows: [], error: null };
    try {
      const { title, rows } = await runIsolated(file);
      entry.title = title;
      entry.rows = rows;
    } catch (e) {
      failed++;
      entry.error = e && e.message ? e.message : String(e); // the child's stack is in the message
    }
    entry.seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    results.push(entry);
    if (entry.error) {
      console.log(`\n## ${entry.title} (${file})\n\nFAILED after ${entry.seconds} s:\n${entry.error}`);
    } else {
      printTable(`${entry.title} (${file}, ${entry.seconds} s)`, entry.rows);
    }
  }
  const lost = losses(results);
  if (lost.length) console.log(`\n## Where ours is worse than a peer (${lost.length})\n\n${lost.map((l) => `- ${l}`).join('\n')}`);
  machine.loadavgAfter = os.loadavg().map((x) => Number(x.toFixed(2)));
  const json = { date: new Date().toISOString(), command: 'npm run bench', machine, modules: results };
  // A filtered run does not overwrite the full results.
  const base = filters.length ? 'results.partial' : 'results';
  writeFileSync(DIR + base + '.json', JSON.stringify(json, null, 2) + '\n');
  writeFileSync(
    DIR + base + '.md',
    `<!-- written by bench/run.mjs on ${json.date}; Node ${machine.node}, ${machine.cpu}, ${machine.memory} -->\n\n` + markdown(results),
  );
  console.log(`\nwrote bench/${base}.json and bench/${base}.md${failed ? `; ${failed} module(s) FAILED` : ''}`);
  if (failed) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4]).then(() => process.exit()); // do not wait for timers a module left
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(), // a module may leave a timer or worker behind; do not hang on it
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
