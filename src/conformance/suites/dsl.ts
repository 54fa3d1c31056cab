/**
 * Short forms for the steps' traffic checks: a probe from one app to another where some requests
 * must be allowed (answered, and seen by the destination app) and others denied (failed, and never
 * delivered to the destination app).
 * @module
 */
import type { AppName, Check, Expectation, Phase, Target } from './types.js';

/** Req is one request of a probe. */
export interface Req {
  path: string;
  method?: string;
  headers?: Record<string, string>;
}

/** counted tells whether a request to the sample app shows up in its ReqReceived (only /call and /echo do). */
function counted(path: string): boolean {
  const p = path.split('?')[0];
  return p === '/echo' || p === '/call';
}

/** probePhase: `from` sends `allowed` then `denied` requests to `to`; exactly the allowed ones succeed and arrive. */
export function probePhase(from: AppName, to: AppName, allowed: Req[], denied: Req[]): Phase {
  const target = (r: Req): Target => ({ service: to, ...r });
  const expect: Expectation[] = [
    { kind: 'outcomes', app: from, succeeded: allowed.map(target), failed: denied.map(target) },
    { kind: 'received', app: to, from: allowed.filter((r) => counted(r.path)).map(() => from) },
  ];
  return { calls: [...allowed, ...denied].map((r) => ({ from, ...target(r) })), expect };
}

/** probe is a traffic check of one probePhase. */
export function probe(from: AppName, to: AppName, allowed: Req[], denied: Req[]): Check {
  return { kind: 'traffic', phases: [probePhase(from, to, allowed, denied)] };
}

export const GET_ECHO: Req = { path: '/echo' };
export const POST_ECHO: Req = { path: '/echo', method: 'POST' };
export const GET_METRICS: Req = { path: '/metrics' };

/** splitPhase sends `count` GET /echo from app-a to `service` and checks what reached b and c. */
export function splitPhase(
  service: string,
  count: number,
  expect: Expectation[],
  headers?: Record<string, string>,
): Phase {
  return {
    calls: [{ from: 'app-a', service, path: '/echo', count, ...(headers ? { headers } : {}) }],
    expect,
  };
}
