// The emulated RP2040 itself, on tiny hand-assembled images: the crashes a run reports, function
// hooks, and the firmware and bootrom files it reads (.uf2, .bin, .elf; a wrong file is refused
// with what was expected). Needs the bootrom (../shared, as in CI); the file checks run anyway.
import { existsSync, readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readBootrom, readFirmware, elfSymbols } from '../../scripts/emulator/images.mjs';
import { Board } from '../../scripts/emulator/rp2040.mjs';
import { findPromiseFunctions } from '../../scripts/emulator/kaluma-errors.mjs';
import { KALUMA } from './helpers.mjs';

const test = suite('the emulated RP2040');
const thumb = (...halfwords) => {
  const b = new Uint8Array(halfwords.length * 2);
  halfwords.forEach((h, i) => ((b[2 * i] = h & 0xff), (b[2 * i + 1] = h >> 8)));
  return b;
};
const words = (...w) => new Uint8Array(new Uint32Array(w).buffer);
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.length);
  return out;
};

if (!existsSync(KALUMA.bootrom)) {
  console.log(`  the emulated RP2040: skipped the runs: ${KALUMA.bootrom} is absent (it comes with ../shared, as in CI)`);
} else {
  const bootrom = readBootrom(KALUMA.bootrom);
  const run = async (flash, ms = 10) => {
    const b = new Board({ flash, bootrom });
    await b.runFor(ms);
    return b;
  };

  test('a breakpoint outside an exception is reported as a panic, with where it stopped', async () => {
    const b = await run(thumb(0xbf00, 0xbe00)); // nop; bkpt #0
    assert.is(b.crashed.kind, 'panic');
    assert.is(b.crashed.pc, '10000002');
  });

  test('a core spinning on itself is reported as a lockup', async () => {
    const b = await run(thumb(0xe7fe)); // b .
    assert.is(b.crashed.kind, 'lockup');
  });

  test('a watchdog that nobody feeds is reported when it expires', async () => {
    // ldr r0,=WATCHDOG; ldr r1,=256; str r1,[r0,#4] (LOAD); ldr r1,=ENABLE; str r1,[r0,#0] (CTRL); loop: nop; b loop
    const code = concat(thumb(0x4803, 0x4904, 0x6041, 0x4904, 0x6001, 0xbf00, 0xe7fd, 0xbf00), words(0x40058000, 256, 0x40000000));
    const b = await run(code);
    assert.is(b.crashed && b.crashed.kind, 'watchdog', JSON.stringify(b.crashed));
    assert.ok(b.crashed.ns > 100e3 && b.crashed.ns < 1e6, `expired at ${b.crashed.ns} ns (256 ticks of the 2 MHz watchdog count)`);
  });

  test('hooks run at their address and the instruction they replaced still runs', async () => {
    // movs r0,#5; adds r0,#1; bkpt #0
    const b = new Board({ flash: thumb(0x2005, 0x3001, 0xbe00), bootrom });
    const seen = [];
    b.hook(0x10000002, (board) => seen.push(board.mcu.core.registers[0]));
    b.hook(0x10000002, () => seen.push('second'));
    await b.runFor(1);
    assert.equal(seen, [5, 'second'], 'both hooks on one address run');
    assert.is(b.mcu.core.registers[0], 6);
    assert.is(b.crashed.kind, 'panic');
  });
}

test('a .uf2, a .bin and an .elf of the same firmware give the same flash image', () => {
  if (!existsSync(KALUMA.uf2) || !existsSync(KALUMA.bin)) return console.log(`    (skipped: ${KALUMA.uf2} absent)`);
  const uf2 = readFirmware(KALUMA.uf2);
  const bin = readFirmware(KALUMA.bin);
  assert.is(uf2.format, 'uf2');
  assert.is(bin.format, 'bin');
  assert.ok(Buffer.from(uf2.flash.subarray(0, bin.flash.length)).equals(Buffer.from(bin.flash)), 'uf2 payloads are the .bin bytes');
  if (existsSync(KALUMA.elf)) {
    const elf = readFirmware(KALUMA.elf);
    assert.is(elf.format, 'elf');
    assert.ok(Buffer.from(elf.flash.subarray(0, bin.flash.length)).equals(Buffer.from(bin.flash)), 'the ELF load segments are the .bin bytes');
    const syms = elfSymbols(readFileSync(KALUMA.elf));
    assert.is(syms.get('ecma_reject_promise') & 1, 0, 'function addresses without the Thumb bit');
    // a .uf2 without symbols: the promise functions are found by their first bytes, at the same addresses
    assert.equal(findPromiseFunctions(uf2.flash, null), findPromiseFunctions(uf2.flash, syms));
  }
});

test('a wrong bootrom or firmware file is refused with what was expected', () => {
  assert.throws(() => readBootrom(new Uint8Array(1000)), /raw 16384-byte image/);
  assert.throws(() => readBootrom(new Uint8Array(16384)), /not an RP2040 bootrom/);
  assert.throws(() => readFirmware(new Uint8Array(10)), /too small/);
  const uf2 = new Uint8Array(512);
  new DataView(uf2.buffer).setUint32(0, 0x0a324655, true);
  new DataView(uf2.buffer).setUint32(4, 0x9e5d5157, true);
  assert.throws(() => readFirmware(uf2), /bad magic numbers/);
  const dv = new DataView(uf2.buffer);
  dv.setUint32(508, 0x0ab16f30, true);
  dv.setUint32(8, 0x2000, true);
  dv.setUint32(12, 0x10000000, true);
  dv.setUint32(16, 256, true);
  dv.setUint32(28, 0xada52840, true); // another family (nRF52840)
  assert.throws(() => readFirmware(uf2), /not the RP2040/);
});

test.run();
