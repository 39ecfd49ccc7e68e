// The firmware files the emulator tests run on: the Kaluma 1.2.1 release forms (.uf2 and the raw
// bootrom) that come with ../shared beside the project (as in CI). Where they are absent each
// suite prints why and runs nothing that needs them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EMU = process.env.KALUMA_EMU_DIR || join(ROOT, '..', 'shared', 'kaluma-emu');
export const KALUMA = {
  uf2: join(EMU, 'kaluma-rp2-pico-1.2.1.uf2'),
  bin: join(EMU, 'kaluma-rp2-pico-1.2.1.bin'),
  elf: join(EMU, 'kaluma-rp2-pico-1.2.1.elf'),
  bootrom: join(EMU, 'bootrom-b1.bin'),
};

/** Null when the Kaluma files are here; else why not, for a skip line. */
export function whyNoKaluma() {
  const missing = [KALUMA.uf2, KALUMA.bootrom].filter((f) => !existsSync(f));
  return missing.length ? `${missing.join(' and ')} absent (they come with ../shared beside the project, as in CI)` : null;
}
