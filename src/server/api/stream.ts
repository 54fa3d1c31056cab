/**
 * streamRuns: a Server-Sent Events stream of one or more runs, from their current state until
 * each has finished. Closing the stream does not stop the runs; they keep running and are stored.
 * @module
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { eventMessage, finishedMessage, liveMessage, type StreamMessage } from '../meshery.js';
import type { RunEvent } from '../queue.js';
import type { ApiContext } from './context.js';

const keepAliveMs = 15_000;

export function streamRuns(c: Context, ctx: ApiContext, runIds: string[]): Response {
  return streamSSE(c, async (stream) => {
    const inbox: RunEvent[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = runIds.map((id) =>
      ctx.queue.subscribe(id, (event) => {
        inbox.push(event);
        wake?.();
      }),
    );
    let closed = false;
    stream.onAbort(() => {
      closed = true;
      wake?.();
    });
    const send = (message: StreamMessage) => stream.writeSSE({ data: JSON.stringify(message) });
    try {
      const pending = new Set(runIds);
      for (const id of runIds) {
        const live = ctx.queue.state(id);
        if (live) {
          await send(liveMessage(id, live));
          continue;
        }
        const run = await ctx.store.getRun(id);
        if (run && ctx.queue.state(id) === undefined) {
          // Finished (or left over from an earlier server process and about to be marked interrupted).
          await send(finishedMessage(run, await ctx.store.getResult(id)));
          pending.delete(id);
        }
      }
      while (pending.size && !closed) {
        if (!inbox.length) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, keepAliveMs).unref();
          });
          wake = undefined;
          if (!inbox.length && !closed) await stream.write(': keep-alive\n\n');
          continue;
        }
        const event = inbox.shift()!;
        if (event.type === 'finished') {
          if (!pending.delete(event.run.id)) continue;
          await send(finishedMessage(event.run, await ctx.store.getResult(event.run.id)));
        } else if (pending.has(event.runId)) {
          await send(eventMessage(event));
        }
      }
    } finally {
      for (const off of unsubscribe) off();
    }
  });
}
