import { z } from 'zod';
import { seededRandom, type Random } from './random.js';

const probability = z.number().min(0).max(1);
const ms = z.number().min(0).max(600_000);

export const latencySchema = z.discriminatedUnion('distribution', [
  z.object({ distribution: z.literal('fixed'), ms, rate: probability.optional() }),
  z.object({ distribution: z.literal('uniform'), minMs: ms, maxMs: ms, rate: probability.optional() }).refine((l) => l.minMs <= l.maxMs, {
    message: 'minMs must be ≤ maxMs',
    path: ['minMs'],
  }),
  z.object({ distribution: z.literal('exponential'), meanMs: ms, maxMs: ms.optional(), rate: probability.optional() }),
]);

export const faultsSchema = z
  .object({
    seed: z.number().int().default(1),
    /** Per record: answered `InternalFailure`, not forwarded. */
    internalFailureRate: probability.default(0),
    /** Per Put request: whole-request HTTP 500 / 503. */
    error500Rate: probability.default(0),
    error503Rate: probability.default(0),
    /** Per Put request: added latency before it is handled (`rate` of requests, default all). */
    latencyMs: latencySchema.optional(),
    /** Per Put request: the socket is destroyed without an answer. */
    dropConnectionRate: probability.default(0),
    /** Per Put request: never answered; the client's timeout ends it. */
    hangRate: probability.default(0),
  })
  .strict()
  .refine((f) => f.error500Rate + f.error503Rate + f.dropConnectionRate + f.hangRate <= 1, {
    message: 'error500Rate + error503Rate + dropConnectionRate + hangRate must be ≤ 1',
    path: ['error500Rate'],
  });

export type FaultOptions = z.input<typeof faultsSchema>;
export type RequestFaultKind = 'none' | 'error500' | 'error503' | 'drop' | 'hang';

/**
 * Seeded fault dice. Request outcomes, latencies and per-record failures each draw from their own
 * PRNG stream a fixed number of times per decision, so the n-th request (and the n-th record)
 * meets the same fate for the same seed whatever the other settings or batch sizes are.
 * Faults strike before anything is forwarded, so a faulted record is never written upstream.
 */
export class FaultInjector {
  private readonly options: z.output<typeof faultsSchema>;
  private readonly requestDice: Random;
  private readonly latencyDice: Random;
  private readonly recordDice: Random;

  constructor(options: FaultOptions = {}) {
    this.options = faultsSchema.parse(options);
    const seed = this.options.seed;
    this.requestDice = seededRandom(seed);
    this.latencyDice = seededRandom(seed ^ 0x6c8e9cf5);
    this.recordDice = seededRandom(seed ^ 0x2545f491);
  }

  nextRequest(): { kind: RequestFaultKind; delayMs: number } {
    const { error500Rate, error503Rate, dropConnectionRate, hangRate } = this.options;
    const u = this.requestDice();
    let kind: RequestFaultKind = 'none';
    if (u < error500Rate) kind = 'error500';
    else if (u < error500Rate + error503Rate) kind = 'error503';
    else if (u < error500Rate + error503Rate + dropConnectionRate) kind = 'drop';
    else if (u < error500Rate + error503Rate + dropConnectionRate + hangRate) kind = 'hang';
    return { kind, delayMs: this.nextLatency() };
  }

  nextRecordFails(): boolean {
    return this.recordDice() < this.options.internalFailureRate;
  }

  private nextLatency(): number {
    const latency = this.options.latencyMs;
    if (!latency) return 0;
    const hit = this.latencyDice() < (latency.rate ?? 1);
    const u = this.latencyDice();
    if (!hit) return 0;
    switch (latency.distribution) {
      case 'fixed':
        return latency.ms;
      case 'uniform':
        return latency.minMs + u * (latency.maxMs - latency.minMs);
      case 'exponential':
        return Math.min(latency.maxMs ?? Infinity, -latency.meanMs * Math.log(1 - u));
    }
  }
}
