// What both producers offer besides put() and putMany(): flush, close, backpressure and the live
// views, all answered by their pipeline. Written once; a producer hands its pipeline over and
// keeps its own reference for put(). The pipeline is private here: nothing reaches into it.
import type { Histogram } from 'hdr-histogram-js';
import type { MetricsSnapshot } from './metrics.js';
import type { Pipeline } from './pipeline.js';

export class ProducerFacade<Result> {
  constructor(private readonly pipelineOfFacade: Pipeline<Result>) {}

  /** Sends everything buffered now and resolves once those records have all settled. */
  flush(): Promise<void> {
    return this.pipelineOfFacade.flush();
  }

  /** Flushes, then refuses further puts and stops timers; resolves within recordTtlMs + requestTimeoutMs. */
  close(): Promise<void> {
    return this.pipelineOfFacade.close();
  }

  /** Resolves when the buffer has room again, or the producer is closed (await it between puts for backpressure). */
  ready(): Promise<void> {
    return this.pipelineOfFacade.ready();
  }

  metrics(): MetricsSnapshot {
    return this.pipelineOfFacade.metrics();
  }

  /** Read-only, for live views (observe/): requests sent and not yet answered. */
  get inFlight(): number {
    return this.pipelineOfFacade.inFlight;
  }

  /** Read-only, for live views (observe/): a copy of the cumulative RequestTime histogram in ms. */
  requestTimeHistogram(): Histogram {
    return this.pipelineOfFacade.stats.requestTimeCopy();
  }
}
