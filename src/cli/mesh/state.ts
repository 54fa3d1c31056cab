/**
 * The state directory as the CLI sees it: where it is by default, and mesh.json, the record a
 * running `mesh up` keeps there (pid and API address) so the other commands can find it.
 * @module
 */
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFile, rename, mkdir } from 'node:fs/promises';

/** DEFAULT_STATE_DIR is relative to the current directory, so each project gets its own mesh. */
export const DEFAULT_STATE_DIR = '.meshplane';

export interface MeshRecord {
  pid: number;
  api: string;
  grpc: string;
  trustDomain: string;
  stateDir: string;
  addressRange: string;
  startedAt: string;
}

/** stateDirOf resolves --state-dir, then $MESHPLANE_STATE_DIR, then ./.meshplane. */
export function stateDirOf(flag: string | undefined, env: Record<string, string | undefined>): string {
  return resolve(flag ?? env.MESHPLANE_STATE_DIR ?? DEFAULT_STATE_DIR);
}

export function meshRecordFile(stateDir: string): string {
  return join(stateDir, 'mesh.json');
}

export async function readMeshRecord(stateDir: string): Promise<MeshRecord | undefined> {
  try {
    return JSON.parse(await readFile(meshRecordFile(stateDir), 'utf8')) as MeshRecord;
  } catch {
    return undefined;
  }
}

export async function writeMeshRecord(record: MeshRecord): Promise<void> {
  await mkdir(record.stateDir, { recursive: true, mode: 0o700 });
  const file = meshRecordFile(record.stateDir);
  await writeFile(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  await writeFile(join(record.stateDir, 'mesh.pid'), `${record.pid}\n`, { mode: 0o600 });
}

export async function removeMeshRecord(stateDir: string, pid: number): Promise<void> {
  const current = await readMeshRecord(stateDir);
  if (current && current.pid !== pid) return; // another mesh took the directory over
  await rm(meshRecordFile(stateDir), { force: true });
  await rm(join(stateDir, 'mesh.pid'), { force: true });
}

/** isAlive tells whether a process exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
