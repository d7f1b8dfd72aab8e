// `sdfleet demo --via iot`: the CLI side, kept here so cli/commands/demo.ts needs one line.
import { resolve } from 'node:path';
import { createLogger } from '../../common/logger.js';
import { loadScenario, resolveScenario } from '../../simulator/index.js';
import { describeIotDemo, runIotDemo, type IotDemoPhase } from './iot-demo.js';

export interface IotDemoFlags {
  scenario: string;
  duration?: number;
  shards: number;
  dir: string;
  json?: boolean;
}

const GATEWAYS = 4;
const phaseText: Record<IotDemoPhase, string> = {
  starting: 'starting mosquitto (mTLS, a throwaway CA), kinesalite, the shard gate, the delivery stream and the IoT rule',
  publishing: 'gateways spool the fleet and publish over MQTT 5',
  delivering: 'waiting for the delivery stream to write the lake',
  verifying: 'verifying the lake against what the stream acknowledged to the IoT rule',
  done: 'done',
};

export async function runIotDemoCommand(flags: IotDemoFlags): Promise<void> {
  const logger = createLogger('sdfleet', { level: process.env.SDFLEET_LOG_LEVEL ?? 'error' });
  const report = await runIotDemo({
    scenario: loadScenario(resolveScenario(flags.scenario)),
    durationS: flags.duration,
    gateways: GATEWAYS,
    shardCount: flags.shards,
    dir: resolve(flags.dir === 'data/demo' ? 'data/demo-iot' : flags.dir),
    logger,
    onPhase: (phase, detail) => {
      if (!flags.json) process.stderr.write(`• ${phaseText[phase]}${detail ? ` (${detail})` : ''}\n`);
    },
  });
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : describeIotDemo(report));
  if (!report.verify.ok) process.exitCode = 1;
}
