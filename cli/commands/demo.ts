import type { Command } from 'commander';
import { UserError } from '../../common/user-error.js';
import { addViewOptions, type ViewFlags } from '../../observe/view-flags.js';
import { positiveInt, positiveNumber, probability } from '../options.js';
import { executeRun, runOptionsFrom } from './run.js';

interface DemoFlags extends ViewFlags {
  scenario: string;
  seed?: number;
  duration?: number;
  shards: number;
  dir: string;
  internalFailureRate: number;
  json?: boolean;
  via: string;
}

/** `sdfleet demo` (npm start): `run --target local` with the demo scenario and a few injected faults. */
export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description('run the fleet end to end on the embedded local stack: simulator → producer → shard gate → kinesalite → delivery → lake → verify (run --target local)')
    .option('--scenario <name|path>', 'bundled scenario name or a YAML/JSON file', 'demo')
    .option('--seed <n>', "override the scenario's seed", positiveInt)
    .option('--duration <seconds>', "simulated seconds (default: the scenario's stop.durationS)", positiveNumber)
    .option('--shards <n>', 'shards in the local stream', positiveInt, 2)
    .option('--dir <path>', 'run folder: lake, checkpoints, ack ledger, summary (only an empty or earlier run folder is emptied)', 'data/demo')
    .option('--internal-failure-rate <p>', 'gate fault: probability of a per-record InternalFailure', probability, 0.05)
    .option('--json', 'print the run summary as JSON')
    .option('--via <path>', 'kinesis (the producer) | iot (gateways → MQTT 5 mTLS → mosquitto → IoT rule → stream; pipeline/iot/)', 'kinesis')
    .action(async (flags: DemoFlags) => {
      if (flags.via === 'iot') return (await import('../../pipeline/iot/iot-demo-command.js')).runIotDemoCommand(flags);
      if (flags.via !== 'kinesis') throw new UserError('--via', flags.via, 'expected kinesis or iot');
      const options = await runOptionsFrom(
        { target: 'local', out: '-', onBadLine: 'stop', lakeWait: 120, scenario: flags.scenario, seed: flags.seed, shards: flags.shards, internalFailureRate: flags.internalFailureRate, dir: flags.dir, json: flags.json },
        { simulatedDurationS: flags.duration },
      );
      await executeRun(options, flags);
    });
  addViewOptions(command);
}
