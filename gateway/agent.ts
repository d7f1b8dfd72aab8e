// The gateway agent, wired in one place: source → spool → drain → transport → delete on ack.
import type { Readable } from 'node:stream';
import { silentLogger, type Logger } from '../common/logger.js';
import type { Pace, Scenario, WorkerSlice } from '../simulator/index.js';
import { Drain, type DrainStats } from './drain.js';
import { createNdjsonSource } from './ndjson-source.js';
import type { Source } from './source.js';
import { Spool, type SpoolOptions, type SpoolStats } from './spool.js';
import type { RecoveryReport } from './spool-recovery.js';
import type { Transport } from './transport.js';

export interface GatewayOptions {
  /** `simulator`, `-` (stdin), or a file / FIFO / UNIX socket path carrying NDJSON. */
  source: string;
  simulator?: { scenario: Scenario; vehicles?: number; pace: Pace; speedup: number; durationS?: number; worker?: WorkerSlice };
  spool: SpoolOptions;
  transport: Transport;
  /** Stop accepting once this many readings were accepted in total (across restarts), then drain and exit. */
  maxRecords?: number;
  logger?: Logger;
  /** Aborting stops the source and the pump; whatever is spooled stays for the next start. */
  signal?: AbortSignal;
  stdin?: Readable;
  /** Loads the simulator source lazily, so a sensor-fed gateway never loads the simulator. */
  loadSimulatorSource?: () => Promise<typeof import('./simulator-source.js')>;
}

export interface GatewayReport {
  stoppedBy: 'done' | 'interrupted';
  acceptedThisRun: number;
  rejectedLines: number;
  spool: SpoolStats;
  recovery: RecoveryReport;
  drain: DrainStats;
}

export async function runGateway(options: GatewayOptions): Promise<GatewayReport> {
  const logger = options.logger ?? silentLogger;
  const spool = Spool.open({ ...options.spool, logger });
  reportRecovery(spool.recovery, options.spool.dir, logger);
  const drain = new Drain(spool, options.transport, { logger });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let acceptedThisRun = 0;
  let rejectedLines = 0;
  const max = options.maxRecords ?? Infinity;
  let outcome: 'ended' | 'aborted' = 'ended';
  try {
    drain.start();
    if (spool.nextIndex < max && !stop.signal.aborted) {
      const source = await openSource(options, spool);
      logger.info({ source: options.source, accepted: spool.nextIndex, pending: spool.stats().pending }, 'gateway: accepting readings');
      outcome = await source.run(
        {
          accept(r) {
            const appended = spool.append(r.vehicleId, r.seq, r.json);
            const counted = () => {
              acceptedThisRun++;
              if (spool.nextIndex >= max) stop.abort();
            };
            return appended ? appended.then(counted) : counted();
          },
          rejected(where, error) {
            rejectedLines++;
            logger.warn({ where, error, rejectedLines }, 'bad reading skipped');
          },
        },
        stop.signal,
      );
      if (spool.nextIndex >= max) outcome = 'ended';
    }
    if (outcome === 'ended' && !options.signal?.aborted) {
      await Promise.race([drain.drained(), new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }))]);
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await drain.stop();
    await options.transport.close().catch((err: unknown) => logger.warn({ err }, 'transport close failed'));
    spool.close();
  }
  return {
    stoppedBy: options.signal?.aborted ? 'interrupted' : 'done',
    acceptedThisRun,
    rejectedLines,
    spool: spool.stats(),
    recovery: spool.recovery,
    drain: drain.stats(),
  };
}

async function openSource(options: GatewayOptions, spool: Spool): Promise<Source> {
  if (options.source !== 'simulator') return createNdjsonSource(options.source, (v) => spool.nextSeq(v), options.stdin);
  const sim = options.simulator;
  if (!sim) throw new Error('the simulator source needs a scenario');
  const { createSimulatorSource } = await (options.loadSimulatorSource ?? (() => import('./simulator-source.js')))();
  return createSimulatorSource({ ...sim, skip: spool.nextIndex, maxRecords: options.maxRecords });
}

function reportRecovery(r: RecoveryReport, dir: string, logger: Logger): void {
  if (r.lostReadings > 0 || r.lostBytes > 0) {
    logger.error({ dir, lostReadings: r.lostReadings, lostBytes: r.lostBytes, truncatedTailBytes: r.truncatedTailBytes }, 'spool: corrupt or torn entries found; the valid entries were recovered, these are lost');
  }
  for (const file of r.foreign) logger.warn({ dir, file }, 'spool: a file that is not the spool\'s is in the spool directory; left alone');
  for (const u of r.unreadable) logger.error({ dir, file: u.file, reason: u.reason }, 'spool: a segment cannot be read; left alone and skipped');
  if (r.pending > 0) logger.info({ dir, pending: r.pending, segments: r.segments }, 'spool: resuming with readings still owed to the transport');
}
