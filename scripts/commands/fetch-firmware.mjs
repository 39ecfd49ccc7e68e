// `threadsafe fetch-firmware [--target kaluma|espruino] [--dest DIR] [--base-url URL]`
import { existsSync } from 'node:fs';
import { parseArgs } from '../lib/args.mjs';

export const help = `threadsafe fetch-firmware [--target kaluma|espruino] [--dest DIR] [--base-url URL]

Downloads what \`threadsafe emulate\` runs on, from the official release pages, checks each
file's pinned sha256, and caches them (in ~/.cache/threadsafe, or $THREADSAFE_CACHE, or --dest):
  - the Kaluma 1.2.1 firmware for the Pico, as Kaluma publishes it:
      https://github.com/kaluma-project/kaluma/releases/download/1.2.1/kaluma-rp2-pico-1.2.1.uf2
  - the RP2040 B1 bootrom as a raw 16 KB file (not shipped with threadsafe: its float routines are
    licensed for RP2040 devices only, else GPLv2):
      https://github.com/raspberrypi/pico-bootrom-rp2040/releases/download/b1/b1.bin
By hand: download both, and pass them with --firmware and --bootrom (or KALUMA_FIRMWARE and
RP2040_BOOTROM). A file already cached with the right sha256 is not downloaded again.

  --target   kaluma (default) or espruino (Espruino's RP2040 port is in no release: only the bootrom)
  --dest     the folder to cache them in
  --base-url fetch both from this URL instead (a mirror): BASE/<file name>

Exit codes: 0 fetched (or already cached), 1 a download or a sha256 check failed, 2 bad arguments,
3 the emulator is not part of this installation.`;

export async function main(argv) {
  let o;
  try {
    o = parseArgs(argv, ['target', 'dest', 'base-url']);
  } catch (e) {
    console.error(`fetch-firmware: ${e.message}\nusage: ${help.split('\n')[0]}`);
    return 2;
  }
  if (o.help) {
    console.log(help);
    return 0;
  }
  if (o._.length) {
    console.error(`fetch-firmware: takes no program ("${o._[0]}")\nusage: ${help.split('\n')[0]}`);
    return 2;
  }
  const target = o.target || 'kaluma';
  if (target !== 'kaluma' && target !== 'espruino') {
    console.error(`fetch-firmware: --target must be kaluma or espruino, not "${target}"`);
    return 2;
  }
  const api = new URL('../emulator/index.mjs', import.meta.url);
  if (!existsSync(api)) {
    console.error('fetch-firmware: the emulator (scripts/emulator) is not part of this installation');
    return 3;
  }
  const { fetchFirmware } = await import(api);
  try {
    const r = await fetchFirmware({ target, dest: o.dest, baseUrl: o['base-url'] });
    console.log(`fetch-firmware: ${r.fetched && r.fetched.length ? 'downloaded ' + r.fetched.join(', ') : 'already cached'} in ${r.dir}`);
    console.log(`  firmware: ${r.firmware}\n  bootrom:  ${r.bootrom}`);
    return 0;
  } catch (e) {
    console.error(e.message);
    return 1;
  }
}
