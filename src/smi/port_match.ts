/**
 * TCPRoute/UDPRoute semantics: a route allows a port when it lists it, or lists no ports at all.
 * @module
 */
import type { TCPRoute, UDPRoute } from './model.js';

/** routeAllowsPort is true when `port` is one of the route's ports, or the route lists none (`[]` = every port). */
export function routeAllowsPort(route: TCPRoute | UDPRoute, port: number): boolean {
  const { ports } = route.spec.matches;
  return ports.length === 0 || ports.includes(port);
}
