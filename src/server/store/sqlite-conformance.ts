/** The conformance-result tables of the SQLite store (SqliteStore delegates to this). */
import type Database from 'better-sqlite3';
import type { ConformanceResult, StoredConformance } from '../conformance.js';
import { ConflictError } from '../errors.js';
import type { Page, ConformanceQuery } from './store.js';

interface ConformanceRow {
  id: string;
  date: string;
  mesh_name: string;
  mesh_version: string;
  driver: string;
  status: string;
  cases_passed: number;
  total_cases: number;
  passing_percentage: string;
  specs: string;
  uploaded_at: string;
}

const columns =
  'id, date, mesh_name, mesh_version, driver, status, cases_passed, total_cases, passing_percentage, specs, uploaded_at';

function toResult(row: ConformanceRow): ConformanceResult {
  return {
    id: row.id,
    date: row.date,
    meshName: row.mesh_name,
    meshVersion: row.mesh_version,
    driver: row.driver,
    status: row.status,
    casesPassed: row.cases_passed,
    totalCases: row.total_cases,
    passingPercentage: row.passing_percentage,
    specs: JSON.parse(row.specs) as ConformanceResult['specs'],
    uploadedAt: row.uploaded_at,
  };
}

/** escapeLike makes a user's search text literal inside a LIKE pattern. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** ORDER BY expression per field; passing_percentage sorts by its number. */
const orderColumns: Record<ConformanceQuery['orderBy'], string> = {
  date: 'date',
  mesh_name: 'mesh_name COLLATE NOCASE',
  mesh_version: 'mesh_version',
  passing_percentage: 'passing_ratio',
  status: 'status',
  uploaded_at: 'uploaded_at',
};

export class SqliteConformance {
  constructor(private readonly db: Database.Database) {}

  save({ result: r, document }: StoredConformance): ConformanceResult {
    const insert = this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM conformance_results WHERE id = ?').get(r.id)) {
        throw new ConflictError(`conformance result ${r.id} is already stored`);
      }
      this.db
        .prepare(
          `INSERT INTO conformance_results (${columns}, passing_ratio, document)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          r.id,
          r.date,
          r.meshName,
          r.meshVersion,
          r.driver,
          r.status,
          r.casesPassed,
          r.totalCases,
          r.passingPercentage,
          JSON.stringify(r.specs),
          r.uploadedAt,
          Number(r.passingPercentage),
          document === null ? null : JSON.stringify(document),
        );
    });
    insert();
    return r;
  }

  get(id: string): StoredConformance | undefined {
    const row = this.db
      .prepare(`SELECT ${columns}, document FROM conformance_results WHERE id = ?`)
      .get(id) as (ConformanceRow & { document: string | null }) | undefined;
    if (!row) return undefined;
    return { result: toResult(row), document: row.document === null ? null : JSON.parse(row.document) };
  }

  list(query: ConformanceQuery): Page<ConformanceResult> {
    const args: unknown[] = [];
    let clause = '';
    if (query.search) {
      clause = `WHERE id LIKE ? ESCAPE '\\' OR mesh_name LIKE ? ESCAPE '\\' OR mesh_version LIKE ? ESCAPE '\\'`;
      const pattern = `%${escapeLike(query.search)}%`;
      args.push(pattern, pattern, pattern);
    }
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM conformance_results ${clause}`).get(...args) as { n: number }
    ).n;
    // orderBy is one of conformanceOrderFields (checked by the API), never user text.
    const order = `${orderColumns[query.orderBy]} ${query.descending ? 'DESC' : 'ASC'}`;
    const rows = this.db
      .prepare(
        `SELECT ${columns} FROM conformance_results ${clause} ORDER BY ${order}, date DESC, id LIMIT ? OFFSET ?`,
      )
      .all(...args, query.pageSize, query.page * query.pageSize) as ConformanceRow[];
    return { page: query.page, pageSize: query.pageSize, totalCount: total, items: rows.map(toResult) };
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM conformance_results WHERE id = ?').run(id).changes === 1;
  }
}
