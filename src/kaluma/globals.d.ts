// Kaluma 1.2.1's globals and built-in modules for a program of one's own:
//   /// <reference types="threadsafe/kaluma-globals" />
// (the package's "./kaluma-globals" export). The toolchain's build adds both files itself.
/// <reference path="./kaluma.d.ts" />
/// <reference path="./modules.d.ts" />
