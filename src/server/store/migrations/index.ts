/**
 * The schema's versioned migrations, applied in order by the SQLite store. A migration is never
 * edited once released; a change of schema is a new numbered file listed here.
 * @module
 */
import { migration as m0001 } from './0001_initial.js';
import { migration as m0002 } from './0002_conformance.js';

export interface Migration {
  /** strictly increasing, stored in `schema_migrations` once applied */
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [m0001, m0002];
