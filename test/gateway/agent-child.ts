// A gateway process for crash tests: the agent without the CLI around it, so it starts fast
// enough to be killed and restarted dozens of times. Arguments come as one JSON object in argv[2].
import { createLogger } from '../../common/logger.js';
import { runGateway } from '../../gateway/agent.js';
import { createKinesisClient } from '../../gateway/kinesis-client.js';
import { createKinesisTransport } from '../../gateway/kinesis-transport.js';
import { loadScenario } from '../../simulator/index.js';

const args = JSON.parse(process.argv[2]) as { scenario: string; vehicles: number; spool: string; endpoint: string; stream: string; maxRecords: number; fsync: 'always' | 'never' | number; speedup: number };
const logger = createLogger('gateway-child', { level: 'info' });
const report = await runGateway({
  source: 'simulator',
  simulator: { scenario: loadScenario(args.scenario), vehicles: args.vehicles, pace: 'accelerated', speedup: args.speedup },
  spool: { dir: args.spool, fsync: args.fsync, maxBytes: 64 * 1024 * 1024, whenFull: 'block', segmentBytes: 64 * 1024 },
  transport: createKinesisTransport({ client: createKinesisClient(args.endpoint, 'us-west-2'), streamName: args.stream, logger, recordTtlMs: 5000 }),
  maxRecords: args.maxRecords,
  logger,
});
process.stdout.write(`${JSON.stringify(report)}\n`);
