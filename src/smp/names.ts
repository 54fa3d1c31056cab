/**
 * Field-name helpers: proto (snake_case) ↔ JSON (lowerCamelCase) names.
 * @module
 */

/** camelName converts a proto field name to its JSON name the way protoc does (`endpoint_urls` → `endpointUrls`). */
export function camelName(protoName: string): string {
  return protoName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
