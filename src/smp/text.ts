/**
 * Reading and writing SMP documents as text: one YAML or JSON document in, one out. Syntax
 * errors carry the line and column.
 * @module
 */
import { parseDocument, stringify, type YAMLError } from 'yaml';
import { syntaxError } from './errors.js';

/** TextFormat is how an SMP document is written. */
export type TextFormat = 'yaml' | 'json';

/** detectFormat calls text JSON when its first non-blank character opens an object or array. */
export function detectFormat(text: string): TextFormat {
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/**
 * parseText reads one YAML or JSON document (JSON is read by the YAML 1.2 parser, which accepts
 * it, so both report positions the same way). Duplicate keys and multiple documents are errors.
 */
export function parseText(text: string, source?: string): { value: unknown; format: TextFormat } {
  const format = detectFormat(text);
  const label = format === 'json' ? 'JSON' : 'YAML';
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const problem: YAMLError | undefined = doc.errors[0];
  if (problem) {
    const at = problem.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}: ` : '';
    const why = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
    throw syntaxError(`${where}${label} syntax error: ${why}`, source, problem);
  }
  return { value: doc.toJS({ maxAliasCount: 100 }) as unknown, format };
}

/** formatText writes a plain value as YAML or as JSON with two-space indentation and a final newline. */
export function formatText(value: unknown, format: TextFormat): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 });
}
