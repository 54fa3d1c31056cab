/**
 * Reads Kubernetes-shaped manifests: multi-document YAML, JSON, and `List` kinds (`kind: List` or
 * `<Kind>List` with `items`), into plain objects that each carry their origin. It checks only the
 * envelope (an object with string `apiVersion` and `kind`); the kinds' own readers check the rest.
 * @module
 */
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import { InvalidInputError } from '../errors/index.js';
import { manifestSyntaxError } from './errors.js';
import { describeOrigin, type ManifestOrigin } from './origin.js';

/** KubernetesObject is any object with the Kubernetes envelope. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

/** ManifestDocument is one object read from a manifest, with where it came from. */
export interface ManifestDocument {
  object: KubernetesObject;
  origin: ManifestOrigin;
}

/** ReadManifestOptions names the input. */
export interface ReadManifestOptions {
  /** Label used in errors; default `manifest`. */
  source?: string;
}

/**
 * readManifests parses YAML or JSON text (one or more `---`-separated documents) into objects.
 * Empty documents are skipped. Lists are flattened; items without `apiVersion`/`kind` inherit
 * them from a typed list (`TrafficSplitList` → `TrafficSplit`).
 * @throws MeshplaneError `MANIFEST_ERR_SYNTAX` with line and column, or InvalidInputError for a
 *   document that is not a Kubernetes object
 */
export function readManifests(text: string, options: ReadManifestOptions = {}): ManifestDocument[] {
  const source = options.source ?? 'manifest';
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const all = Array.isArray(docs) ? docs : [];
  const out: ManifestDocument[] = [];
  all.forEach((doc, i) => {
    const problem = doc.errors[0];
    if (problem) {
      const at = problem.linePos?.[0];
      const why = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
      throw manifestSyntaxError(
        `${source}: ${at ? `line ${at.line}, column ${at.col}: ` : ''}syntax error: ${why}`,
        problem,
      );
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    const contents = doc.contents as YamlNode | null;
    const lineOf = (node: YamlNode | null | undefined) =>
      node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    const itemLine = (index: number) => {
      const seq = isSeq(contents) ? contents : isMap(contents) ? contents.get('items', true) : undefined;
      return isSeq(seq) ? lineOf(seq.items[index] as YamlNode) : undefined;
    };
    const base: ManifestOrigin = { source, document: i + 1, ...withLine(lineOf(contents)) };
    out.push(...readManifestValue(value, base, itemLine));
  });
  return out;
}

function withLine(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}

/**
 * readManifestValue reads an already-parsed value (e.g. a JSON request body): one object, a
 * `List`, or an array of objects.
 */
export function readManifestValue(
  value: unknown,
  origin: ManifestOrigin,
  itemLine: (index: number) => number | undefined = () => undefined,
): ManifestDocument[] {
  if (Array.isArray(value)) {
    return value.map((item, i) => ({
      object: envelope(item, { ...origin, item: i, ...withLine(itemLine(i)) }),
      origin: { ...origin, item: i, ...withLine(itemLine(i)) },
    }));
  }
  const object = envelope(value, origin);
  if (object.kind === 'List' || (object.kind.endsWith('List') && Array.isArray(object.items))) {
    const items = object.items;
    if (!Array.isArray(items)) {
      throw new InvalidInputError('items', items, 'a list of objects', describeOrigin(origin));
    }
    const itemKind = object.kind === 'List' ? undefined : object.kind.slice(0, -'List'.length);
    return items.map((item, i) => {
      const at: ManifestOrigin = { ...origin, item: i, ...withLine(itemLine(i)) };
      const filled =
        itemKind && isRecord(item) ? { apiVersion: object.apiVersion, kind: itemKind, ...item } : item;
      return { object: envelope(filled, at), origin: at };
    });
  }
  return [{ object, origin }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function envelope(value: unknown, origin: ManifestOrigin): KubernetesObject {
  const where = describeOrigin(origin);
  if (!isRecord(value))
    throw new InvalidInputError(
      '(document)',
      value,
      'a Kubernetes object (apiVersion, kind, metadata, …)',
      where,
    );
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '') {
    throw new InvalidInputError(
      'apiVersion',
      value.apiVersion,
      'a string such as split.smi-spec.io/v1alpha4 or v1',
      where,
    );
  }
  if (typeof value.kind !== 'string' || value.kind === '') {
    throw new InvalidInputError('kind', value.kind, 'a kind such as TrafficSplit or Service', where);
  }
  if (value.metadata !== undefined && value.metadata !== null && !isRecord(value.metadata)) {
    throw new InvalidInputError(
      'metadata',
      value.metadata,
      'an object (name, namespace, labels, annotations)',
      where,
    );
  }
  return value as KubernetesObject;
}

/** splitApiVersion splits `group/version` (`v1` alone is the core group ''). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const cut = apiVersion.lastIndexOf('/');
  return cut < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, cut), version: apiVersion.slice(cut + 1) };
}
