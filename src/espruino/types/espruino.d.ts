/**
 * The Espruino globals a board program built with `--target espruino` is type-checked against
 * (with ../espruino.d.ts), instead of Kaluma's declarations, where `pinMode`, `setWatch` and
 * friends differ. Only the common ones; pins are numbers on Espruino (D14 === 14). Kept out of
 * the library's own type check (tsconfig.json excludes this folder): the library itself is
 * checked against Kaluma's declarations and calls Espruino's setWatch through its own signature.
 */
declare function setTimeout(callback: () => void, ms: number): number;
declare function setInterval(callback: () => void, ms: number): number;
declare function clearTimeout(id: number): void;
declare function clearInterval(id: number): void;
declare function setWatch(callback: (e: EspruinoWatchEvent) => void, pin: number, options?: { repeat?: boolean; edge?: 'rising' | 'falling' | 'both'; debounce?: number }): number;
declare function clearWatch(id?: number): void;
declare function pinMode(pin: number, mode: 'input' | 'input_pullup' | 'input_pulldown' | 'output' | 'opendrain'): void;
declare function digitalWrite(pin: number, value: boolean | number): void;
declare function digitalRead(pin: number): number;
declare function getTime(): number;
declare function print(...text: unknown[]): void;
declare const console: { log(...text: unknown[]): void };
declare const process: { memory(): { usage: number; total: number; free: number } };
declare const D0: number;
declare const D1: number;
declare const D2: number;
declare const D3: number;
declare const D4: number;
declare const D5: number;
declare const D6: number;
declare const D7: number;
declare const D8: number;
declare const D9: number;
declare const D10: number;
declare const D11: number;
declare const D12: number;
declare const D13: number;
declare const D14: number;
declare const D15: number;
declare const D16: number;
declare const D17: number;
declare const D18: number;
declare const D19: number;
declare const D20: number;
declare const D21: number;
declare const D22: number;
declare const D23: number;
declare const D24: number;
declare const D25: number;
declare const D26: number;
declare const D27: number;
declare const D28: number;
declare const D29: number;
declare const LED1: number;
declare function analogWrite(pin: number, value: number, options?: { freq?: number }): void;
