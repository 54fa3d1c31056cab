/**
 * Self-diagnostics: the rule that flags a run as generator-bound, and the warnings every result
 * carries. The generator is one Node.js event loop on one core, so two signals show it was the
 * limit: its CPU (≥ 80% of a core leaves too little idle time to read responses promptly; the
 * loopback measurements put the knee there) and its event-loop delay (timers firing ≥ 10 ms late
 * means sends and reads were queued inside the generator, not the target). A spin sequencer polls
 * on purpose, so then only the event-loop delay counts.
 * @module
 */
import type { Diagnostics, ErrorKind, RunResult } from './result.js';

/** Generator CPU, in percent of one core, at or above which a run is generator-bound. */
export const GENERATOR_CPU_LIMIT_PERCENT = 80;
/** Event-loop delay p99 at or above which a run is generator-bound. */
export const EVENT_LOOP_DELAY_LIMIT_US = 10_000;
/** An open loop below this share of its requested rate gets a warning. */
export const RATE_TOLERANCE = 0.99;

export interface AssessInput {
  loadModel: RunResult['loadModel'];
  requestedRate: number | null;
  achievedRate: number;
  cpu: Diagnostics['cpu'];
  eventLoopDelay: Diagnostics['eventLoopDelay'];
  sendLagP99Us: number | null;
  /** The spin sequencer keeps the CPU busy by design, so CPU is no sign of a limit then. */
  spinning?: boolean;
  backlog: Diagnostics['backlog'];
  requests: number;
  responses: number;
  errorsByKind: Record<ErrorKind, number>;
  warmupMs: number;
  interrupted: boolean;
  measuredMs: number;
  plannedMs: number | null;
}

function ms(us: number): string {
  return us >= 10_000 ? `${(us / 1000).toFixed(0)} ms` : `${(us / 1000).toFixed(1)} ms`;
}

/** assess applies the generator-bound rule and lists the warnings, worst first. */
export function assess(input: AssessInput): Diagnostics {
  const warnings: string[] = [];
  const reasons: string[] = [];
  if (input.cpu && !input.spinning && input.cpu.totalPercent >= GENERATOR_CPU_LIMIT_PERCENT) {
    reasons.push(
      `it used ${input.cpu.totalPercent.toFixed(0)}% of one core (limit ${GENERATOR_CPU_LIMIT_PERCENT}%)`,
    );
  }
  if (input.eventLoopDelay && input.eventLoopDelay.p99Us >= EVENT_LOOP_DELAY_LIMIT_US) {
    reasons.push(
      `its event loop ran ${ms(input.eventLoopDelay.p99Us)} late at p99 (limit ${ms(EVENT_LOOP_DELAY_LIMIT_US)})`,
    );
  }
  const generatorBound = reasons.length > 0;
  if (generatorBound) {
    warnings.push(
      `generator-bound: ${reasons.join(' and ')}; the generator, not the target, may have limited the rate and added latency`,
    );
  }
  const achievedRatio = input.requestedRate ? input.achievedRate / input.requestedRate : null;
  if (achievedRatio !== null && achievedRatio < RATE_TOLERANCE && !input.interrupted) {
    const why = generatorBound
      ? 'see generator-bound above'
      : `the target or the ${input.loadModel === 'open' ? 'connections' : 'closed loop'} could not keep up` +
        (input.backlog && input.backlog.max > 0 ? ` (backlog up to ${input.backlog.max} requests)` : '') +
        (input.loadModel === 'open' ? '; corrected latency includes the wait' : '');
    warnings.push(
      `achieved ${input.achievedRate.toFixed(1)} req/s, ${(achievedRatio * 100).toFixed(1)}% of the requested ${input.requestedRate}: ${why}`,
    );
  }
  if (input.backlog && input.backlog.unsent > 0) {
    warnings.push(
      `${input.backlog.unsent} requests scheduled in the measured window were never sent (all connections busy); raise -c or lower --qps`,
    );
  }
  const errors = Object.values(input.errorsByKind).reduce((a, b) => a + b, 0);
  if (input.requests > 0 && input.responses === 0)
    warnings.push(`no response received: all ${errors} requests failed`);
  if (input.warmupMs === 0)
    warnings.push('no warm-up: the first requests include connection set-up and JIT compilation');
  if (input.interrupted) {
    warnings.push(
      `interrupted after ${(input.measuredMs / 1000).toFixed(1)} s measured` +
        (input.plannedMs ? ` of ${(input.plannedMs / 1000).toFixed(1)} s` : '') +
        ': figures cover the part that ran',
    );
  }
  return {
    requestedRate: input.requestedRate,
    achievedRate: input.achievedRate,
    achievedRatio,
    cpu: input.cpu,
    eventLoopDelay: input.eventLoopDelay,
    sendLagP99Us: input.sendLagP99Us,
    backlog: input.backlog,
    generatorBound,
    warnings,
  };
}
