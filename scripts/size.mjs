// `node scripts/size.mjs dist/threadsafe.js [more files...]`: bytes of bundles three ways (raw,
// minified, gzip of the minified text); the measure itself is lib/size.mjs.
import { formatSizes, sizeOf } from './lib/size.mjs';

export { formatSizes, sizeOf };

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: node scripts/size.mjs <file.js> [...]');
    process.exit(2);
  }
  const rows = [];
  for (const f of files) rows.push(await sizeOf(f));
  console.log(formatSizes(rows));
}
