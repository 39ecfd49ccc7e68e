// Command-line arguments of the `threadsafe` verbs: positionals, `--key value` / `--key=value`
// for the options a verb knows, `--no-key` (false) and `--flag` for its boolean flags, `-h`/`--help`.
// An unknown option is an Error naming it and listing the known ones.

/**
 * Parses `argv` → { _: [positionals], help?, [key]: value }. `known`: options taking a value;
 * `flags`: options without one (true when given). `--no-X` sets X to false for any X in either.
 */
export function parseArgs(argv, known, flags = [], aliases = {}) {
  const o = { _: [] };
  const all = [...known, ...flags];
  for (let i = 0; i < argv.length; i++) {
    const a = aliases[argv[i]] || argv[i];
    if (a === '--help' || a === '-h') o.help = true;
    else if (a.startsWith('--no-') && all.includes(a.slice(5))) o[a.slice(5)] = false;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (flags.includes(key) && eq < 0) {
        o[key] = true;
        continue;
      }
      if (!known.includes(key)) {
        const list = [...known.map((k) => '--' + k), ...flags.map((k) => '--' + k)];
        throw new Error(`unknown option --${key} (known: ${list.length ? list.join(', ') : 'none'})`);
      }
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new Error(`--${key} needs a value`);
      o[key] = value;
    } else o._.push(a);
  }
  return o;
}
