/**
 * LoadEngine: meshplane's own load loop (hot path; over the soft size cap on purpose, to keep the
 * per-response path in one place). N keep-alive connections driven either
 *
 * - closed loop: each connection sends its next request as soon as a response arrives
 *   (`pipeline` requests in flight per connection), or
 * - on a schedule (qps > 0): ONE global schedule, slot i due at t0 + i/R. Due slots form a shared
 *   backlog that any connection with room drains, in order. The backlog is two counters (next slot
 *   to send, slots due), so queueing allocates nothing. Latency is recorded from the scheduled time
 *   (corrected), from the actual send (uncorrected), and the send lag between them.
 *
 * A warm-up precedes the measured window; requests scheduled (or sent, in a closed loop) during it
 * are run but excluded from every figure.
 * @module
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { Histogram } from '../stats/index.js';
import { Connection, type ConnectionHost, type Endpoint } from './connection.js';
import { assess } from './diagnostics.js';
import type { RunContext, RunPhase, TickEvent } from './events.js';
import type { ResolvedRunOptions } from './options.js';
import { buildRequest, RequestBatches } from './request.js';
import { startSequencer } from './sequencer.js';
import { emptyErrorCounts, type ErrorKind, type RunResult } from './result.js';

/** Sampling interval of the event-loop delay monitor, ms. */
const ELD_RESOLUTION_MS = 5;
/** Shortest measured window for which CPU and event-loop delay are reported. */
const MIN_DIAGNOSTIC_WINDOW_MS = 250;

export class LoadEngine implements ConnectionHost {
  readonly endpoint: Endpoint;
  tlsSession: Buffer | undefined;

  private readonly o: ResolvedRunOptions;
  private readonly ctx: RunContext;
  private readonly batches: RequestBatches;
  private readonly requestBytes: number;
  private readonly conns: Connection[] = [];
  private readonly depth: number;
  /** qps > 0: requests follow the global schedule. */
  private readonly scheduled: boolean;
  private readonly intervalMs: number;

  private phase: RunPhase = 'connecting';
  private t0 = 0;
  private measureStart = 0;
  private measureEnd = Number.POSITIVE_INFINITY;
  private nextSlot = 0;
  private lastSlot = Number.POSITIVE_INFINITY;
  private firstMeasured = 0;
  private issued = 0;
  private readonly limit: number;
  private issuing = true;
  private finished = false;
  private interrupted = false;
  private inflight = 0;

  // Idle connections (schedule mode): a ring, each connection at most once.
  private readonly idle: Connection[];
  private idleHead = 0;
  private idleCount = 0;

  // Measured accounting.
  private responses = 0;
  private failures = 0;
  private warmupRequests = 0;
  private completedTotal = 0;
  private bytesReceived = 0;
  private readonly statusCounts = new Float64Array(600);
  private readonly errorCounts = emptyErrorCounts();
  private readonly errorSamples: Partial<Record<ErrorKind, string>> = {};
  private backlogMax = 0;
  private unsent = 0;
  private readonly latency: Histogram;
  private readonly uncorrected: Histogram;
  private readonly sendLag: Histogram | null;
  private readonly errorsHist = new Histogram();
  private readonly responseSize = new Histogram();
  private readonly headerSize = new Histogram();
  private readonly connectHist = new Histogram();

  // Diagnostics.
  private measuring = false;
  private startWall = Date.now();
  private cpu0: NodeJS.CpuUsage | null = null;
  private cpu: NodeJS.CpuUsage | null = null;
  private eld: IntervalHistogram | null = null;
  private endTime = 0;

  // Timers and completion.
  private stopSequencer: (() => void) | null = null;
  private houseTimer: NodeJS.Timeout | null = null;
  private warmupTimer: NodeJS.Timeout | null = null;
  private lastProgressAt = 0;
  private lastProgressCompleted = 0;
  private pendingConnects = 0;
  private readonly settledConnects: Uint8Array;
  private connectsSettled: (() => void) | null = null;
  private done: (() => void) | null = null;

  constructor(options: ResolvedRunOptions, endpoint: Endpoint, ctx: RunContext = {}) {
    this.o = options;
    this.ctx = ctx;
    this.endpoint = endpoint;
    this.depth = options.pipeline;
    const request = buildRequest(options);
    this.requestBytes = request.length;
    this.batches = new RequestBatches(request, options.pipeline);
    this.scheduled = options.qps > 0;
    this.intervalMs = this.scheduled ? 1000 / options.qps : 0;
    this.limit = options.requests ?? Number.POSITIVE_INFINITY;
    this.uncorrected = new Histogram();
    this.latency = this.scheduled && options.loadModel === 'open' ? new Histogram() : this.uncorrected;
    this.sendLag = this.scheduled ? new Histogram() : null;
    this.idle = new Array<Connection>(options.connections);
    this.settledConnects = new Uint8Array(options.connections);
    for (let i = 0; i < options.connections; i++) {
      this.conns.push(new Connection(this, i, options.pipeline, options.method === 'HEAD'));
    }
  }

  /** run drives the load until the requested duration or count is done (or the signal aborts). */
  async run(): Promise<RunResult> {
    const signal = this.ctx.signal;
    const onAbort = (): void => this.abort();
    if (signal?.aborted) this.interrupted = true;
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const finished = new Promise<void>((resolve) => (this.done = resolve));
      if (!this.interrupted) await this.connectAll();
      if (this.interrupted || this.finished) {
        this.finish(performance.now());
      } else {
        this.start();
      }
      await finished;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return this.result();
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  private connectAll(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.pendingConnects = this.conns.length;
      const settle = (): void => {
        clearTimeout(timer);
        this.connectsSettled = null;
        resolve();
      };
      const timer = setTimeout(settle, this.o.timeoutMs);
      this.connectsSettled = settle;
      for (const conn of this.conns) conn.open();
    });
  }

  /** connectSettled counts a connection's first connect or failure once while the run waits for them. */
  private connectSettled(conn: Connection): void {
    if (!this.connectsSettled || this.settledConnects[conn.index] === 1) return;
    this.settledConnects[conn.index] = 1;
    if (--this.pendingConnects <= 0) this.connectsSettled();
  }

  private start(): void {
    const now = performance.now();
    this.t0 = now;
    this.measureStart = now + this.o.warmupMs;
    if (this.o.durationMs !== null) this.measureEnd = this.measureStart + this.o.durationMs;
    if (this.scheduled) {
      this.firstMeasured = Math.ceil(this.o.warmupMs / this.intervalMs);
      this.lastSlot =
        this.o.requests !== null
          ? this.firstMeasured + this.o.requests
          : Math.ceil((this.o.warmupMs + this.o.durationMs!) / this.intervalMs);
    }
    this.lastProgressAt = now;
    if (this.o.warmupMs > 0) {
      this.phase = 'warmup';
      this.warmupTimer = setTimeout(() => this.beginMeasure(), this.o.warmupMs);
    } else {
      this.phase = 'measure';
      this.beginMeasure();
    }
    for (const conn of this.conns) if (conn.socket === null) conn.open();
    const house = Math.min(100, Math.max(5, this.o.timeoutMs / 10));
    this.houseTimer = setInterval(() => this.housekeep(), house);
    if (this.scheduled) {
      for (const conn of this.conns) this.pushIdle(conn);
      this.stopSequencer = startSequencer(
        this.o.sequencer,
        () => this.tick(),
        () => this.t0 + this.nextSlot * this.intervalMs - performance.now(),
      );
    } else {
      for (const conn of this.conns) this.fill(conn, now);
    }
  }

  private beginMeasure(): void {
    if (this.finished || this.measuring) return;
    this.measuring = true;
    if (this.phase === 'warmup') this.phase = 'measure';
    this.startWall = Date.now();
    this.cpu0 = process.cpuUsage();
    this.eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
    this.eld.enable();
  }

  private endIssuing(now: number): void {
    if (!this.issuing) return;
    this.issuing = false;
    this.phase = 'drain';
    this.stopTicking();
    if (this.scheduled && this.o.requests === null) {
      this.unsent = Math.max(0, this.lastSlot - Math.max(this.nextSlot, this.firstMeasured));
    }
    if (this.inflight === 0) this.finish(now);
  }

  private abort(): void {
    if (this.finished) return;
    this.interrupted = true;
    if (this.connectsSettled) this.connectsSettled();
    else this.finish(performance.now());
  }

  private finish(now: number): void {
    if (this.finished) return;
    this.finished = true;
    this.endTime = now;
    this.stopTicking();
    if (this.houseTimer) clearInterval(this.houseTimer);
    if (this.warmupTimer) clearTimeout(this.warmupTimer);
    if (this.measuring && this.cpu0) {
      this.cpu = process.cpuUsage(this.cpu0);
      this.eld?.disable();
    }
    for (const conn of this.conns) conn.close();
    this.done?.();
  }

  // ---- dispatch --------------------------------------------------------------------------------

  /** dueCount is the number of slots whose scheduled time has come (capped at the last slot). */
  private dueCount(now: number): number {
    const due = Math.floor((now - this.t0) / this.intervalMs) + 1;
    return due < this.lastSlot ? (due > 0 ? due : 0) : this.lastSlot;
  }

  /** fill gives a connection as many requests as it has room for and the load allows. */
  private fill(conn: Connection, now: number): void {
    if (!this.issuing || !conn.available) return;
    const room = this.depth - conn.count;
    let k = 0;
    if (this.scheduled) {
      const due = this.dueCount(now);
      while (k < room && this.nextSlot < due) {
        const slot = this.nextSlot++;
        const scheduledAt = this.t0 + slot * this.intervalMs;
        const measured = slot >= this.firstMeasured;
        conn.push(scheduledAt, now, measured);
        if (measured) this.sendLag!.record(Math.round((now - scheduledAt) * 1000));
        k++;
      }
    } else {
      while (k < room) {
        if (now >= this.measureEnd) {
          this.endIssuing(now);
          break;
        }
        const measured = now >= this.measureStart;
        if (measured) {
          if (this.issued >= this.limit) {
            this.endIssuing(now);
            break;
          }
          this.issued++;
        }
        conn.push(now, now, measured);
        k++;
      }
    }
    if (k > 0) {
      this.inflight += k;
      conn.write(k);
    }
    if (this.scheduled && conn.available && !conn.queued) this.pushIdle(conn);
  }

  private pushIdle(conn: Connection): void {
    if (conn.queued) return;
    let i = this.idleHead + this.idleCount;
    if (i >= this.idle.length) i -= this.idle.length;
    this.idle[i] = conn;
    this.idleCount++;
    conn.queued = true;
  }

  /** dispatch hands due slots to idle connections, oldest slot first, least recently used connection first. */
  private dispatch(now: number): void {
    const due = this.dueCount(now);
    while (this.nextSlot < due && this.idleCount > 0) {
      const conn = this.idle[this.idleHead]!;
      if (++this.idleHead === this.idle.length) this.idleHead = 0;
      this.idleCount--;
      conn.queued = false;
      this.fill(conn, now);
    }
    const backlog = due - this.nextSlot;
    if (backlog > this.backlogMax && now >= this.measureStart) this.backlogMax = backlog;
  }

  private tick(): void {
    if (!this.issuing) return;
    const now = performance.now();
    this.dispatch(now);
    if (now >= this.measureEnd || this.nextSlot >= this.lastSlot) this.endIssuing(now);
  }

  private stopTicking(): void {
    this.stopSequencer?.();
    this.stopSequencer = null;
  }

  private housekeep(): void {
    if (this.finished) return;
    const now = performance.now();
    const timeout = this.o.timeoutMs;
    for (const conn of this.conns) {
      if (conn.count > 0 && now - conn.oldestSent > timeout) conn.expire(now);
    }
    if (this.issuing && now >= this.measureEnd) {
      if (this.scheduled) this.dispatch(now);
      this.endIssuing(now);
    }
    if (!this.issuing && this.inflight === 0) this.finish(now);
    const every = this.ctx.progressIntervalMs ?? 1000;
    if (this.ctx.onEvent && now - this.lastProgressAt >= every) this.progress(now);
  }

  private progress(now: number): void {
    const seconds = (now - this.lastProgressAt) / 1000;
    const warming = this.phase === 'warmup' || this.phase === 'connecting';
    const event: TickEvent = {
      type: 'tick',
      phase: this.phase,
      elapsedMs: now - this.t0,
      measuredMs: Math.max(0, now - this.measureStart),
      remainingMs:
        this.o.durationMs === null
          ? null
          : warming
            ? this.o.durationMs
            : Math.min(this.o.durationMs, Math.max(0, this.measureEnd - now)),
      warmupRemainingMs: warming ? Math.max(0, this.measureStart - now) : 0,
      completed: this.responses + this.failures,
      target: this.o.requests,
      errors: this.failures,
      rate: seconds > 0 ? (this.completedTotal - this.lastProgressCompleted) / seconds : 0,
      backlog: this.scheduled && this.issuing ? Math.max(0, this.dueCount(now) - this.nextSlot) : 0,
    };
    this.lastProgressAt = now;
    this.lastProgressCompleted = this.completedTotal;
    this.ctx.onEvent!(event);
  }

  // ---- ConnectionHost --------------------------------------------------------------------------

  batch(k: number): Buffer {
    return this.batches.get(k);
  }

  onResponse(
    _conn: Connection,
    status: number,
    headerBytes: number,
    totalBytes: number,
    scheduled: number,
    sent: number,
    measured: boolean,
    now: number,
  ): void {
    if (this.finished) return;
    this.inflight--;
    this.completedTotal++;
    if (measured) {
      this.responses++;
      this.statusCounts[status]++;
      this.uncorrected.record(Math.round((now - sent) * 1000));
      if (this.latency !== this.uncorrected) this.latency.record(Math.round((now - scheduled) * 1000));
      this.responseSize.record(totalBytes);
      this.headerSize.record(headerBytes);
      this.bytesReceived += totalBytes;
    } else {
      this.warmupRequests++;
    }
    if (!this.issuing && this.inflight === 0) this.finish(now);
  }

  onFailure(
    _conn: Connection,
    kind: ErrorKind,
    scheduled: number,
    _sent: number,
    measured: boolean,
    now: number,
  ): void {
    if (this.finished) return;
    this.inflight--;
    this.completedTotal++;
    if (measured) {
      this.failures++;
      this.errorCounts[kind]++;
      this.errorsHist.record(Math.round((now - scheduled) * 1000));
    } else {
      this.warmupRequests++;
    }
    if (!this.issuing && this.inflight === 0) this.finish(now);
  }

  onErrorSample(kind: ErrorKind, message: string): void {
    if (this.errorSamples[kind] === undefined) this.errorSamples[kind] = message;
  }

  onConnected(conn: Connection, micros: number, now: number): void {
    if (this.finished) return;
    if (this.phase === 'connecting') this.connectSettled(conn);
    else if (now >= this.measureStart) this.connectHist.record(micros);
  }

  onDrained(conn: Connection, now: number): void {
    if (this.finished) return;
    if (this.scheduled) {
      this.fill(conn, now);
      // Responses free room: serve anything else that is due while we are here.
      if (this.idleCount > 0) this.dispatch(now);
    } else {
      this.fill(conn, now);
    }
  }

  onClosed(conn: Connection, now: number): void {
    if (this.finished) return;
    if (this.phase === 'connecting') {
      this.connectSettled(conn);
      return;
    }
    if (!this.issuing) {
      if (this.inflight === 0) this.finish(now);
      return;
    }
    conn.open();
    if (this.scheduled) {
      this.pushIdle(conn);
      this.dispatch(now);
    } else {
      this.fill(conn, now);
    }
  }

  // ---- result ----------------------------------------------------------------------------------

  private result(): RunResult {
    const o = this.o;
    // A timed window lasts its full length even when the last scheduled response came back early.
    const end =
      !this.interrupted && o.durationMs !== null ? Math.max(this.endTime, this.measureEnd) : this.endTime;
    const measuredMs = this.measuring ? Math.max(0, end - this.measureStart) : 0;
    const requests = this.responses + this.failures;
    const achievedRate = measuredMs > 0 ? (requests / measuredMs) * 1000 : 0;
    let cpu: RunResult['diagnostics']['cpu'] = null;
    // Below a quarter second the CPU share is dominated by start-up work (JIT, GC): not a finding.
    if (this.cpu && measuredMs >= MIN_DIAGNOSTIC_WINDOW_MS) {
      const user = (this.cpu.user / 1000 / measuredMs) * 100;
      const system = (this.cpu.system / 1000 / measuredMs) * 100;
      cpu = { userPercent: user, systemPercent: system, totalPercent: user + system };
    }
    let eventLoopDelay: RunResult['diagnostics']['eventLoopDelay'] = null;
    if (this.eld && this.eld.count > 0 && measuredMs >= MIN_DIAGNOSTIC_WINDOW_MS) {
      // The monitor records whole intervals between its timer's runs; the delay is what exceeds the interval.
      const lateUs = (ns: number): number => Math.max(0, Math.round(ns / 1000 - ELD_RESOLUTION_MS * 1000));
      eventLoopDelay = {
        p50Us: lateUs(this.eld.percentile(50)),
        p99Us: lateUs(this.eld.percentile(99)),
        maxUs: lateUs(this.eld.max),
      };
    }
    const statusCodes: Record<string, number> = {};
    this.statusCounts.forEach((n, code) => {
      if (n > 0) statusCodes[String(code)] = n;
    });
    const diagnostics = assess({
      loadModel: o.loadModel,
      requestedRate: o.qps > 0 ? o.qps : null,
      achievedRate,
      cpu,
      eventLoopDelay,
      sendLagP99Us: this.sendLag && this.sendLag.totalCount > 0 ? this.sendLag.percentile(99) : null,
      spinning: this.scheduled && o.sequencer === 'spin',
      backlog: this.scheduled ? { max: this.backlogMax, unsent: this.unsent } : null,
      requests,
      responses: this.responses,
      errorsByKind: this.errorCounts,
      warmupMs: o.warmupMs,
      interrupted: this.interrupted,
      measuredMs,
      plannedMs: o.durationMs,
    });
    return {
      generator: 'meshplane',
      options: o,
      loadModel: o.loadModel,
      latencyFrom: this.latency === this.uncorrected ? 'sent' : 'scheduled',
      startTime: new Date(this.startWall).toISOString(),
      warmup: { durationMs: o.warmupMs, requests: this.warmupRequests },
      durationMs: measuredMs,
      requests,
      responses: this.responses,
      statusCodes,
      errors: { total: this.failures, byKind: { ...this.errorCounts }, samples: { ...this.errorSamples } },
      bytes: { sent: requests * this.requestBytes, received: this.bytesReceived },
      sockets: this.conns.map((c) => c.opened),
      histograms: {
        latency: this.latency,
        uncorrected: this.uncorrected,
        sendLag: this.sendLag,
        errors: this.errorsHist,
        responseSize: this.responseSize,
        headerSize: this.headerSize,
        connect: this.connectHist,
      },
      diagnostics,
      interrupted: this.interrupted,
      error: null,
      limitations: [],
    };
  }
}
