// Bytes of a bundle three ways: raw, minified (terser, as a user would ship it) and gzip of
// the minified text. Used by the build report, the size budget and the benchmarks.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';

/** { file, raw, min, gzip } for one file. */
export async function sizeOf(file) {
  const source = readFileSync(file, 'utf8');
  const { code } = await minify(source, { ecma: 5, compress: true, mangle: true });
  return {
    file,
    raw: Buffer.byteLength(source),
    min: Buffer.byteLength(code),
    gzip: gzipSync(code, { level: 9 }).length,
  };
}

/** One aligned line per file. */
export function formatSizes(rows) {
  return rows
    .map((r) => `${r.file.padEnd(32)} raw ${String(r.raw).padStart(6)} B  min ${String(r.min).padStart(6)} B  gzip ${String(r.gzip).padStart(5)} B`)
    .join('\n');
}
