/**
 * Errors of the SMI model. Every rejection is an `InvalidInputError` (`ERR_INVALID_INPUT`) whose
 * source names the resource (`TrafficSplit default/web`) and where it was read from, and whose
 * field is the path inside it (`spec.backends[1].weight`).
 * @module
 */
import { InvalidInputError } from '../errors/index.js';
import { describeOrigin, type ManifestOrigin } from '../manifest/index.js';

/** ResourceContext carries what error messages and warnings need to name a resource. */
export class ResourceContext {
  /** Warnings collected while reading (accepted quirks); returned with the resource. */
  readonly warnings: string[] = [];

  constructor(
    readonly kind: string,
    public name: string,
    public namespace: string,
    readonly origin?: ManifestOrigin,
  ) {}

  /** label is `TrafficSplit default/web (split.yaml document 2 (line 3))`. */
  get label(): string {
    const id = `${this.kind} ${this.namespace}/${this.name || '(unnamed)'}`;
    return this.origin ? `${id} (${describeOrigin(this.origin)})` : id;
  }

  /** invalid builds the error for a bad field. */
  invalid(field: string, value: unknown, expected: string): InvalidInputError {
    return new InvalidInputError(field, value, expected, this.label);
  }

  /** unknownField rejects a key the kind/version does not have, with a suggestion when one is close. */
  unknownField(field: string, value: unknown, where: string, suggestion?: string): InvalidInputError {
    const hint = suggestion ? `; did you mean ${suggestion}?` : '';
    const error = new InvalidInputError(field, value, `a field of ${where}${hint}`, this.label);
    error.message = `${this.label}: ${field}: unknown field${hint} (${where} has no such field)`;
    return error;
  }

  /** warn records an accepted quirk. */
  warn(field: string, message: string): void {
    this.warnings.push(`${this.kind} ${this.namespace}/${this.name}: ${field}: ${message}`);
  }
}
