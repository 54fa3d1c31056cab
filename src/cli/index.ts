/** Public surface of the CLI: `main` for transcript tests and embedding. */
export { main, buildProgram, registrarsFor } from './main.js';
export type { IO, Output } from './io.js';
export { LocalMesh, defaultProxyCommand, samplesDir, workloadSpec } from './mesh/local_mesh.js';
export type { LocalMeshOptions } from './mesh/local_mesh.js';
