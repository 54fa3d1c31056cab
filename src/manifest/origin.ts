/**
 * Where a manifest object came from (file, document, list item, line), for error messages.
 * @module
 */

/** ManifestOrigin locates one object in its input. */
export interface ManifestOrigin {
  /** File name or other label of the input, e.g. `split.yaml` or `request body`. */
  source: string;
  /** 1-based index of the YAML document in a multi-document stream. */
  document: number;
  /** 0-based index inside a `List` (or a top-level JSON array), when the object came from one. */
  item?: number;
  /** 1-based line where the object starts, when known. */
  line?: number;
}

/** describeOrigin renders an origin as `split.yaml document 2 (line 14)` or `body.json items[3] (line 9)`. */
export function describeOrigin(origin: ManifestOrigin): string {
  const where =
    origin.item === undefined
      ? `document ${origin.document}`
      : `document ${origin.document} items[${origin.item}]`;
  return `${origin.source} ${where}${origin.line === undefined ? '' : ` (line ${origin.line})`}`;
}
