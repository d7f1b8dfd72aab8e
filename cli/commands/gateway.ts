import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { createLogger } from '../../common/logger.js';
import { UserError } from '../../common/user-error.js';
import { runGateway, type GatewayReport } from '../../gateway/agent.js';
import { SpoolWriteError, type FsyncPolicy, type WhenFull } from '../../gateway/spool.js';
import type { Transport } from '../../gateway/transport.js';
import { nonNegativeNumber, positiveInt } from '../options.js';

const PACES = ['realtime', 'accelerated', 'max'] as const;
const TRANSPORTS = ['kinesis', 'mqtt'] as const;

interface GatewayFlags {
  source: string;
  scenario?: string;
  vehicles?: number;
  pace: string;
  speedup: number;
  spool: string;
  fsync: FsyncPolicy;
  spoolMaxBytes: number;
  whenFull: string;
  transport: string;
  endpoint?: string;
  stream?: string;
  region?: string;
  cert?: string;
  key?: string;
  ca?: string;
  clientId: string;
  topicPrefix: string;
  maxRecords?: number;
  json?: boolean;
}

/** `sdfleet gateway`: the in-vehicle agent (source → durable spool → Kinesis or MQTT, delete on ack). */
export function registerGateway(program: Command): void {
  program
    .command('gateway')
    .description('in-vehicle agent: readings → durable spool → Kinesis or AWS IoT Core (MQTT 5, mTLS); survives crashes and outages')
    .option('--source <src>', 'simulator, - (stdin NDJSON), or an NDJSON file / FIFO / UNIX socket path', 'simulator')
    .option('--scenario <file>', 'scenario for --source simulator')
    .option('--vehicles <n>', "simulated vehicles (default: the scenario's fleet size)", positiveInt)
    .option('--pace <pace>', PACES.join(' | '), 'realtime')
    .option('--speedup <k>', 'simulated seconds per wall second with --pace accelerated', nonNegativeNumber, 10)
    .requiredOption('--spool <dir>', 'spool directory (created if missing)')
    .option('--fsync <policy>', 'always | <ms> | never: when appended readings are fsynced', fsyncPolicy, 500)
    .option('--spool-max-bytes <n>', 'spool size bound in bytes', positiveInt, 256 * 1024 * 1024)
    .option('--when-full <policy>', 'drop-oldest | block', 'block')
    .option('--transport <t>', 'kinesis | mqtt', 'kinesis')
    .option('--endpoint <url>', 'kinesis: endpoint URL (http:// for a local stream); mqtt: host[:port] of the broker / IoT Core ATS endpoint')
    .option('--stream <name>', 'kinesis: stream name')
    .option('--region <region>', 'kinesis: AWS region (default: the SDK default chain)')
    .option('--cert <file>', 'mqtt: device certificate (PEM)')
    .option('--key <file>', 'mqtt: device private key (PEM)')
    .option('--ca <file>', 'mqtt: CA certificate(s) to trust for the broker (PEM)')
    .option('--client-id <id>', 'mqtt: client id (unique per connection)', `sdfleet-gateway-${hostname()}`)
    .option('--topic-prefix <prefix>', 'mqtt: topic is <prefix>/<vehicle id>/telemetry', 'dt/sdfleet')
    .option('--max-records <n>', 'accept this many readings in total (across restarts), drain the spool, exit 0', positiveInt)
    .option('--json', 'print the final report as JSON')
    .action(async (flags: GatewayFlags) => {
      const pace = checkChoice('--pace', flags.pace, PACES);
      const whenFull = checkChoice('--when-full', flags.whenFull, ['drop-oldest', 'block'] as const) satisfies WhenFull;
      checkChoice('--transport', flags.transport, TRANSPORTS);
      const logger = createLogger('sdfleet-gateway');
      const simulator = flags.source === 'simulator' ? await simulatorFlags(flags, pace) : undefined;
      const transport = await openTransport(flags, logger);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const report = await runGateway({
          source: flags.source,
          simulator,
          spool: { dir: resolve(flags.spool), fsync: flags.fsync, maxBytes: flags.spoolMaxBytes, whenFull },
          transport,
          maxRecords: flags.maxRecords,
          logger,
          signal: abort.signal,
        });
        process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : describe(report));
      } catch (err) {
        if (!(err instanceof SpoolWriteError)) throw err;
        // A full or failing disk: loud, one line, and everything already spooled stays for the next start.
        process.stderr.write(`sdfleet gateway: ${err.message}\n`);
        process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

async function simulatorFlags(flags: GatewayFlags, pace: (typeof PACES)[number]) {
  if (!flags.scenario) throw new UserError('--scenario', undefined, 'is required with --source simulator');
  if (pace === 'accelerated' && !(flags.speedup > 0)) throw new UserError('--speedup', flags.speedup, 'expected a number > 0');
  const { loadScenario } = await import('../../simulator/index.js');
  return { scenario: loadScenario(flags.scenario), vehicles: flags.vehicles, pace, speedup: flags.speedup };
}

async function openTransport(flags: GatewayFlags, logger: ReturnType<typeof createLogger>): Promise<Transport> {
  const transport = checkChoice('--transport', flags.transport, TRANSPORTS);
  if (transport === 'mqtt') {
    if (!flags.endpoint) throw new UserError('--endpoint', undefined, 'is required with --transport mqtt (the broker host[:port])');
    if (!flags.cert) throw new UserError('--cert', undefined, 'is required with --transport mqtt (device certificate, PEM)');
    if (!flags.key) throw new UserError('--key', undefined, 'is required with --transport mqtt (device private key, PEM)');
    const { createMqttTransport } = await import('../../gateway/mqtt-transport.js');
    return createMqttTransport({ endpoint: flags.endpoint, cert: flags.cert, key: flags.key, ca: flags.ca, clientId: flags.clientId, topicPrefix: flags.topicPrefix, logger });
  }
  if (!flags.stream) throw new UserError('--stream', undefined, 'is required with --transport kinesis');
  const { createKinesisTransport } = await import('../../gateway/kinesis-transport.js');
  const { createKinesisClient } = await import('../../gateway/kinesis-client.js');
  return createKinesisTransport({ client: createKinesisClient(flags.endpoint, flags.region), streamName: flags.stream, logger });
}

function checkChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw new UserError(flag, value, `expected one of ${choices.join(', ')}`);
  return value as T;
}

function fsyncPolicy(value: string): FsyncPolicy {
  if (value === 'always' || value === 'never') return value;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) throw new InvalidArgumentError(`expected always, never or a whole number of milliseconds > 0, got "${value}"`);
  return ms;
}

function describe(r: GatewayReport): string {
  const s = r.spool;
  return [
    `gateway ${r.stoppedBy === 'done' ? 'done' : 'interrupted'}: ${r.acceptedThisRun} readings accepted this run (${s.accepted} in total), ${r.rejectedLines} bad lines skipped`,
    `spool: ${s.acked} acknowledged, ${s.pending} still spooled, ${s.dropped} dropped (spool full), ${s.lost} lost to corruption; ${s.segments} segments, ${s.bytes} bytes`,
    '',
  ].join('\n');
}
