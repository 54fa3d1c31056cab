/** Public surface of the CLI: `main` for transcript tests and embedding. */
export { main, buildProgram } from './main.js';
export type { IO, Output } from './io.js';
