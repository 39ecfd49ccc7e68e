#!/usr/bin/env node
// `threadsafe <verb> ...`: the board toolchain. Each verb is scripts/commands/<verb>.mjs, which
// exports `help` (its text) and `main(argv)` (resolves the exit code).
import { fileURLToPath } from 'node:url';

export const VERBS = {
  build: 'build a board program to one script and check it',
  sim: 'run it on the host simulation of a Pico running Kaluma (virtual time)',
  emulate: 'run it on the real firmware (Kaluma, or Espruino with --target espruino) in an emulated RP2040',
  flash: 'upload it to a board (Kaluma, or Espruino with --target espruino) through its serial port',
  'fetch-firmware': 'download the Kaluma firmware and the RP2040 bootrom for emulate',
};

export const help = `threadsafe <verb> <demo | app.ts | app.js> [options]

${Object.entries(VERBS).map(([v, what]) => `  ${v.padEnd(15)} ${what}`).join('\n')}

\`threadsafe <verb> --help\` for each. Exit codes: 0 ok, 1 the program or a step failed,
2 bad arguments, 3 something needed is absent (firmware, @kaluma/cli, serialport), 4 timed out (flash).`;

export async function main(argv) {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    (verb === undefined ? console.error : console.log)(help);
    return verb === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(VERBS, verb)) {
    console.error(`threadsafe: no verb "${verb}" (known: ${Object.keys(VERBS).join(', ')})\n\n${help}`);
    return 2;
  }
  const command = await import(`./commands/${verb}.mjs`);
  return command.main(rest);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 200).unref(); // nothing a verb left open keeps it alive
  });
}
