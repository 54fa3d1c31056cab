/**
 * The mesh-wide settings the control plane keeps in <state>/control/settings.json: today the access
 * mode (SMI enforcement). Chosen at `mesh up` (--permissive) and changeable at run time through
 * the API; a restarted control plane keeps the last one.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { AccessMode } from '../config/index.js';
import { InvalidInputError } from '../errors/index.js';
import { StateDirError } from './errors.js';
import { writeFileAtomic } from './files.js';

/** AccessModeName is how the CLI and the API write the access mode. */
export type AccessModeName = 'enforced' | 'permissive';

/** MeshSettingsRecord is what settings.json holds. */
export interface MeshSettingsRecord {
  accessMode: AccessModeName;
}

export const DEFAULT_SETTINGS: MeshSettingsRecord = { accessMode: 'enforced' };

/** accessModeName reads the API/CLI form of an access mode. */
export function accessModeName(value: unknown, field = 'accessMode'): AccessModeName {
  if (value !== 'enforced' && value !== 'permissive') {
    throw new InvalidInputError(
      field,
      value,
      '"enforced" (only what TrafficTargets allow) or "permissive" (every mesh peer)',
    );
  }
  return value;
}

/** toAccessMode maps the API form onto the proxy-config enum. */
export function toAccessMode(name: AccessModeName): AccessMode {
  return name === 'permissive' ? 'ACCESS_MODE_PERMISSIVE' : 'ACCESS_MODE_ENFORCED';
}

/** fromAccessMode maps the proxy-config enum onto the API form (UNSPECIFIED fails closed). */
export function fromAccessMode(mode: AccessMode): AccessModeName {
  return mode === 'ACCESS_MODE_PERMISSIVE' ? 'permissive' : 'enforced';
}

export class MeshSettingsStore {
  readonly #file: string;
  #settings: MeshSettingsRecord;

  private constructor(file: string, settings: MeshSettingsRecord) {
    this.#file = file;
    this.#settings = settings;
  }

  /** open reads the settings, or starts from the defaults when the file does not exist. */
  static async open(file: string): Promise<MeshSettingsStore> {
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new StateDirError(`cannot read ${file}`, error);
    }
    if (text === undefined) return new MeshSettingsStore(file, { ...DEFAULT_SETTINGS });
    try {
      const parsed = JSON.parse(text) as Partial<MeshSettingsRecord>;
      return new MeshSettingsStore(file, { accessMode: accessModeName(parsed.accessMode) });
    } catch (error) {
      throw new StateDirError(`${file} is not a settings file: ${(error as Error).message}`, error);
    }
  }

  get(): MeshSettingsRecord {
    return { ...this.#settings };
  }

  /** set writes the new settings atomically, then makes them current; true when they changed. */
  async set(next: MeshSettingsRecord): Promise<boolean> {
    if (next.accessMode === this.#settings.accessMode) return false;
    await writeFileAtomic(this.#file, `${JSON.stringify(next, null, 2)}\n`, 0o600);
    this.#settings = { ...next };
    return true;
  }
}
