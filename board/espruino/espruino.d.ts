/**
 * The Espruino globals an Espruino program of this folder uses, with Espruino's signatures (an
 * Espruino program is type-checked with these instead of Kaluma's declarations, where
 * `pinMode`, `setWatch` and friends differ). Pins are numbers on Espruino (D14 === 14).
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
declare const D2: number;
declare const D3: number;
declare const D14: number;
declare const D15: number;
declare const D16: number;
declare const D17: number;
declare const LED1: number;
