/**
 * The `matches: {name?, ports}` block TCPRoute and UDPRoute share from specs v1alpha4.
 * @module
 */
import type { ResourceContext } from './errors.js';
import { at, checkKeys, readList, readObject, readPort, readString } from './fields.js';
import type { PortMatch } from './model.js';

/** readPortMatch reads `spec.matches`: `ports` is required (may be `[]`, meaning every port). */
export function readPortMatch(ctx: ResourceContext, value: unknown, path: string): PortMatch {
  const m = readObject(ctx, value, path, 'an object {name, ports}');
  checkKeys(ctx, m, path, ['name', 'ports'], `a ${ctx.kind} match`);
  const name = readString(ctx, m.name, at(path, 'name'), 'a match name');
  const seen = new Set<number>();
  const ports = readList(ctx, m.ports, at(path, 'ports'), true, 'a list of ports ([] = every port)').map(
    (p, i) => {
      const port = readPort(ctx, p, `${at(path, 'ports')}[${i}]`);
      if (seen.has(port)) throw ctx.invalid(`${at(path, 'ports')}[${i}]`, p, 'each port listed once');
      seen.add(port);
      return port;
    },
  );
  return { ...(name !== undefined ? { name } : {}), ports };
}
