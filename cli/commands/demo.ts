import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { createLogger } from '../../common/logger.js';
import { formatTable } from '../../pipeline/lake/table-format.js';
import { runEndToEnd, type EndToEndReport, type Phase } from '../../runner/end-to-end.js';
import { loadScenario } from '../../simulator/index.js';
import { selfCommand } from '../installation.js';
import { positiveInt, probability } from '../options.js';

const DEFAULT_SCENARIO = fileURLToPath(new URL('../../scenarios/demo.yaml', import.meta.url));

interface DemoFlags {
  scenario: string;
  seed?: number;
  duration?: number;
  shards: number;
  dir: string;
  internalFailureRate: number;
  json?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the fleet end to end on the embedded local stack: simulator → producer → shard gate → kinesalite → delivery → lake → verify')
    .option('--scenario <file>', 'scenario file (YAML or JSON)', DEFAULT_SCENARIO)
    .option('--seed <n>', "override the scenario's seed", positiveInt)
    .option('--duration <seconds>', "simulated seconds (default: the scenario's stop.durationS)", positiveInt)
    .option('--shards <n>', 'shards in the local stream', positiveInt, 2)
    .option('--dir <path>', 'run folder: lake, checkpoints and the ack ledger (emptied first)', 'data/demo')
    .option('--internal-failure-rate <p>', 'gate fault: probability of a per-record InternalFailure', probability, 0.05)
    .option('--json', 'print the full report as JSON')
    .action(async (flags: DemoFlags) => {
      const scenario = loadScenario(flags.scenario);
      const logger = createLogger('sdfleet', { level: process.env.SDFLEET_LOG_LEVEL ?? 'error' });
      const progress = progressReporter(!flags.json && process.stderr.isTTY === true);
      const report = await runEndToEnd({
        scenario,
        seed: flags.seed,
        durationS: flags.duration,
        shardCount: flags.shards,
        dir: resolve(flags.dir),
        faults: { seed: flags.seed ?? scenario.seed, internalFailureRate: flags.internalFailureRate },
        logger,
        onPhase: (phase, detail) => {
          progress.stop();
          if (!flags.json) process.stderr.write(`• ${phaseText[phase]}${detail ? ` (${detail})` : ''}\n`);
        },
        onProgress: progress.update,
      });
      progress.stop();
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : describe(report));
      if (!report.verify.ok) process.exitCode = 1;
    });
}

const phaseText: Record<Phase, string> = {
  starting: 'starting kinesalite, the shard gate and the delivery stream',
  simulating: 'simulating the fleet into the producer',
  delivering: 'waiting for the delivery stream to write the lake',
  verifying: 'verifying the lake against the producer acknowledgements',
  done: 'done',
};

function progressReporter(enabled: boolean) {
  let bar: cliProgress.SingleBar | undefined;
  let current: Phase | undefined;
  return {
    update(p: { phase: Phase; done: number; total: number | undefined }) {
      if (!enabled || p.total === undefined) return;
      if (current !== p.phase) {
        bar?.stop();
        current = p.phase;
        const unit = p.phase === 'simulating' ? 'simulated s' : 'records';
        bar = new cliProgress.SingleBar({ format: `  {bar} {percentage}% | {value}/{total} ${unit}`, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(p.total, 0);
      }
      bar?.update(Math.min(Math.round(p.done), p.total));
    },
    stop() {
      bar?.stop();
      bar = undefined;
      current = undefined;
    },
  };
}

function describe(r: EndToEndReport): string {
  const v = r.verify;
  const lines = [
    '',
    `Simulated ${r.simulation.vehicles} vehicles for ${r.simulation.simulatedS} s (${local(r.simulation.simulatedStart)} → ${local(r.simulation.simulatedEnd)} San Diego time): ${r.simulation.records} events of ${r.simulation.eventTypes} types in ${r.simulation.wallS.toFixed(1)} s.`,
    `Producer: ${r.producer.acked} acknowledged, ${r.producer.failed} failed, ${r.producer.dropped} dropped; ${r.producer.metrics.KinesisRecordsPut} Kinesis records in ${r.producer.metrics.KinesisRecordsPerPutRecordsRequest.count} PutRecords requests (${r.producer.metrics.UserRecordsPerKinesisRecord.mean} user records per Kinesis record).`,
    `Shard gate (${r.shardCount} shards, AWS limits): ${r.gate.acceptedRecords} records accepted, ${r.gate.throttledRecords} throttled, ${r.gate.internalFailures} injected InternalFailures${r.gate.throttledRecords + r.gate.internalFailures > 0 ? ' — all retried by the producer' : ''}.`,
    `Delivery (demo buffering: 1 s Lambda, 2 s S3 — far below Firehose's floors): read ${r.delivery.read}, transformed ${r.delivery.transformedOk}, failed ${r.delivery.failed}, dropped ${r.delivery.dropped}; ${r.delivery.objectsWritten} GZIP objects in ${r.lakeRoot}.`,
    '',
    'Top event types in the lake:',
    formatTable(r.topEventTypes.columns, r.topEventTypes.rows),
    '',
    'Telemetry by vehicle class:',
    formatTable(r.co2ByClass.columns, r.co2ByClass.rows),
    '',
    `Verify: ${v.delivered} delivered, ${v.duplicates} duplicates, ${v.missing} missing, ${v.processingFailed} processing failures → ${v.ok ? 'OK' : 'NOT OK'}`,
    `Explore: ${selfCommand()} lake query --lake ${r.lakeRoot} "SELECT event_name, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC"`,
    `         ${selfCommand()} lake verify --lake ${r.lakeRoot} --acks ${r.ledgerPath}`,
    '',
  ];
  return lines.join('\n');
}

function local(iso: string): string {
  return new Date(iso).toLocaleString('sv-SE', { timeZone: 'America/Los_Angeles' });
}
