import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../../common/logger.js';
import { UserError } from '../../common/user-error.js';
import type { Observability } from '../../observe/observability.js';
import { addViewOptions, createRecordTap, observeRun, type ViewFlags } from '../../observe/view-flags.js';
import { resolveStream } from '../../runner/aws-target.js';
import { parseRateFlag, type LoadShape } from '../../runner/load-shape.js';
import { replaySource, type OnBadLine } from '../../runner/replay-source.js';
import { describeRun } from '../../runner/report-text.js';
import { defaultRunFolder } from '../../runner/run-folder.js';
import { startRun, type RunHandle, type RunOptions, type TargetSpec } from '../../runner/run.js';
import { readScenario, scenarioSource } from '../../runner/scenario-source.js';
import type { Source } from '../../runner/source.js';
import { TARGET_KINDS, type TargetKind } from '../../runner/target.js';
import { parseWorker, type Scenario } from '../../simulator/index.js';
import { selfCommand } from '../installation.js';
import { positiveInt, positiveNumber, probability, seed } from '../options.js';

export interface RunFlags extends ViewFlags {
  target: string;
  stream?: string;
  endpoint?: string;
  region?: string;
  out: string;
  scenario?: string;
  seed?: number;
  replay?: string;
  speed?: number;
  rate?: string;
  duration?: number;
  maxRecords?: number;
  timestamps?: string;
  onBadLine: string;
  worker?: string;
  shards?: number;
  internalFailureRate?: number;
  lake?: string;
  lakeWait: number;
  dir?: string;
  json?: boolean;
}

const DEFAULT_SCENARIO = 'demo';

/** The flags `run` and `record` share (record fixes --target file). */
export function addRunOptions(command: Command, { withTarget }: { withTarget: boolean }): Command {
  if (withTarget) {
    command
      .option('--target <kind>', `where to send: ${TARGET_KINDS.join(' | ')}`, 'local')
      .option('--stream <name|arn>', 'kinesis/firehose: the stream or delivery stream')
      .option('--endpoint <url>', 'kinesis/firehose: endpoint URL (an sdfleet stack, LocalStack, kinesis-mock); credentials always come from the AWS SDK default chain')
      .option('--region <region>', 'kinesis/firehose: AWS region (default: the SDK configuration, or the ARN)');
  }
  addViewOptions(command);
  return command
    .option('--out <file>', 'file target: NDJSON file (gzip when it ends in .gz), or - for stdout', '-')
    .option('--scenario <name|path>', `bundled scenario name or a YAML/JSON file (default ${DEFAULT_SCENARIO})`)
    .option('--seed <n>', "override the scenario's seed", seed)
    .option('--worker <i/n>', 'send only vehicles i mod n (0-based): one of n workers sharing a fleet')
    .option('--replay <file>', 'send a recording (NDJSON, .gz or Parquet) instead of simulating')
    .option('--speed <k>', 'with --replay: k × the recording’s own timing', positiveNumber)
    .option('--rate <events/s|max>', "events per second, or max (default: the scenario's load: block, else max)")
    .option('--duration <seconds>', 'stop sending after this many wall-clock seconds', positiveNumber)
    .option('--max-records <n>', 'stop after n events', positiveInt)
    .option('--timestamps <mode>', 'created_at: simulated | wall (stamped at send; default wall for kinesis and firehose)')
    .option('--on-bad-line <mode>', 'a bad replay line: stop (exit 2) | skip (counted)', 'stop')
    .option('--shards <n>', "local target: shards in the embedded stream (default: the scenario's stack.shards, else 2)", positiveInt)
    .option('--internal-failure-rate <p>', "local target: gate fault, probability of a per-record InternalFailure (default: the scenario's stack.faults, else none)", probability)
    .option('--lake <dir|s3://bucket/prefix>', 'also verify this lake (a folder, or S3 through the AWS SDK default chain) against the run (non-local targets)')
    .option('--lake-wait <seconds>', 'with --lake: how long to wait for every acknowledged record to arrive', positiveNumber, 120)
    .option('--dir <path>', 'run folder: summary.json, acks.json, the local lake (default data/runs/<time>); only an empty or earlier run folder is emptied')
    .option('--json', 'print the run summary as JSON (see runner/summary.schema.json)');
}

/** `sdfleet run`: load-test a Kinesis or Firehose target (or the local stack, or a file) and reconcile every record. */
export function registerRun(program: Command): void {
  addRunOptions(program.command('run').description('send a scenario or a recording to a target at a set rate, then reconcile every record into a verdict'), {
    withTarget: true,
  }).action(async (flags: RunFlags) => {
    const options = await runOptionsFrom(flags);
    await executeRun(options, flags);
  });
}

/** Flags → what to run; every bad combination is one line naming the flag. */
export async function runOptionsFrom(flags: RunFlags, extra: { simulatedDurationS?: number } = {}): Promise<RunOptions> {
  const kind = flags.target as TargetKind;
  if (!TARGET_KINDS.includes(kind)) throw new UserError('--target', flags.target, `expected one of ${TARGET_KINDS.join(', ')}`);
  const aws = kind === 'kinesis' || kind === 'firehose';
  if (aws && !flags.stream) throw new UserError('--stream', flags.stream, `--target ${kind} needs the stream's name or ARN`);
  if (aws) resolveStream({ stream: flags.stream!, region: flags.region, endpoint: flags.endpoint }, kind); // checks ARN, region and URL now
  for (const [flag, value] of [['--stream', flags.stream], ['--endpoint', flags.endpoint], ['--region', flags.region]] as const) {
    if (!aws && value !== undefined) throw new UserError(flag, value, 'only applies to --target kinesis or firehose');
  }
  if (kind !== 'file' && flags.out !== '-') throw new UserError('--out', flags.out, 'only applies to --target file');
  if (flags.timestamps !== undefined && flags.timestamps !== 'simulated' && flags.timestamps !== 'wall') throw new UserError('--timestamps', flags.timestamps, 'expected simulated or wall');
  if (flags.onBadLine !== 'skip' && flags.onBadLine !== 'stop') throw new UserError('--on-bad-line', flags.onBadLine, 'expected skip or stop');
  if (flags.lake !== undefined && kind === 'local') throw new UserError('--lake', flags.lake, 'the local target verifies its own lake; --lake is for other targets');
  const worker = flags.worker === undefined ? null : parseWorker(flags.worker);

  let source: Source;
  let scenario: Scenario | undefined;
  let load: LoadShape | undefined;
  if (flags.replay !== undefined) {
    for (const [flag, value] of [['--scenario', flags.scenario], ['--seed', flags.seed], ['--worker', flags.worker]] as const) {
      if (value !== undefined) throw new UserError(flag, value, 'conflicts with --replay (a recording is sent as it is)');
    }
    if (flags.speed !== undefined && flags.rate !== undefined) throw new UserError('--rate', flags.rate, 'conflicts with --speed: a replay follows its own timing or a rate, not both');
  } else {
    if (flags.speed !== undefined) throw new UserError('--speed', flags.speed, 'only applies with --replay');
    if (flags.onBadLine !== 'stop') throw new UserError('--on-bad-line', flags.onBadLine, 'only applies with --replay');
  }
  const flagShape = flags.rate !== undefined ? parseRateFlag(flags.rate) : undefined;
  let durationS = flags.duration;
  let maxRecords = flags.maxRecords;
  if (flags.replay !== undefined) {
    source = await replaySource(flags.replay, flags.onBadLine as OnBadLine);
  } else {
    const loaded = readScenario(flags.scenario ?? DEFAULT_SCENARIO);
    scenario = loaded.scenario;
    load = loaded.load;
    const paced = (flagShape ?? load ?? { shape: 'max' }).shape !== 'max';
    const ownStop = durationS === undefined && maxRecords === undefined;
    // A paced load's own stop is the run's length in wall-clock seconds, the simulated clock running as
    // fast as the shape needs; at max, the scenario's stop is simulated time, as in `simulate`.
    if (ownStop && paced) {
      durationS = scenario.stop.durationS;
      maxRecords = scenario.stop.maxRecords;
    }
    const shapeEnds = (flagShape ?? load)?.shape === 'steps';
    if (ownStop && extra.simulatedDurationS === undefined && scenario.stop.durationS === undefined && scenario.stop.maxRecords === undefined && !shapeEnds) {
      throw new UserError('--duration', undefined, 'give --duration or --max-records (or a scenario stop) so the run ends');
    }
    source = scenarioSource(loaded, { seed: flags.seed, worker: worker ?? undefined, durationS: extra.simulatedDurationS, useScenarioStop: ownStop && !paced });
  }
  const shape: LoadShape = flagShape ?? load ?? { shape: 'max' };
  if (shape.shape === 'steps' && durationS === undefined) durationS = shape.steps.reduce((sum, step) => sum + step.for, 0);
  const faults = (flags.internalFailureRate ?? 0) > 0 ? { seed: flags.seed ?? source.seed ?? 1, internalFailureRate: flags.internalFailureRate } : scenario?.stack?.faults;
  const target: TargetSpec =
    kind === 'local'
      ? { kind, shardCount: flags.shards ?? scenario?.stack?.shards ?? 2, faults }
      : kind === 'file'
        ? { kind, path: flags.out }
        : { kind, stream: flags.stream!, region: flags.region, endpoint: flags.endpoint };
  return {
    source,
    target,
    pacing: flags.speed !== undefined ? { speed: flags.speed } : { shape },
    durationS,
    maxRecords,
    producers: scenario?.producers ?? 1,
    reshard: scenario?.reshard ?? [],
    timestamps: (flags.timestamps as 'simulated' | 'wall' | undefined) ?? (aws ? 'wall' : 'simulated'),
    dir: resolve(flags.dir ?? defaultRunFolder()),
    lake: flags.lake,
    lakeWaitMs: flags.lakeWait * 1000,
    worker,
    logger: createLogger('sdfleet', { level: process.env.SDFLEET_LOG_LEVEL ?? 'error' }),
  };
}

/** Runs with Ctrl-C handling and the live view on stderr, prints the report or the JSON, sets the exit code. */
export async function executeRun(options: RunOptions, view: { json?: boolean } & ViewFlags): Promise<void> {
  const dataOnStdout = options.target.kind === 'file' && options.target.path === '-';
  if (dataOnStdout && view.metrics && !view.metrics.file) throw new UserError('--metrics', 'emf', 'stdout carries the records (--out -); give emf=FILE');
  const report = dataOnStdout ? process.stderr : process.stdout;
  let handle: RunHandle | undefined;
  let observing: Observability | undefined;
  // Phase lines go through the live view, so they land above its frame instead of tearing it.
  const say = (line: string) => (observing ? observing.note(line) : process.stderr.write(`${line}\n`));
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    // Nothing sent yet, or the second Ctrl-C: quit at once.
    if (!handle || interrupts > 1) process.exit(130);
    say('• interrupted: stopping, flushing and waiting for acknowledgements (Ctrl-C again to quit at once)');
    handle.interrupt();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    say(`• starting the ${options.target.kind} target`);
    const records = createRecordTap();
    handle = await startRun({ ...options, onRecord: Object.assign((v: string, s: number, json: string) => records.record(v, s, json), { reading: records.reading }) });
    const info = handle.target.info;
    observing = await observeRun(handle, records, view, { title: `sdfleet ${info.kind}${info.stream ? ` ${info.stream}` : ''}`, streamName: info.stream ?? undefined });
    say(`• sending (run folder ${handle.dir})`);
    let lastPhase = 'sending';
    handle.onTick((c) => {
      if (c.phase !== lastPhase) {
        lastPhase = c.phase;
        say(`• ${c.phase}`);
      }
    });
    const result = await handle.done;
    const written = (await observing.stop()).report;
    observing = undefined;
    if (written) say(`• report: ${written.path}`);
    report.write(view.json ? `${JSON.stringify(result.summary, null, 2)}\n` : describeRun(result, { pacing: options.pacing, cli: selfCommand(), ledgerPath: `${handle.dir}/acks.json` }));
    process.exitCode = result.summary.verdict === 'ok' ? 0 : 1;
  } finally {
    // A run that failed part-way still keeps its series; its report needs the summary, which it may lack.
    await observing?.stop({ report: false }).catch(() => undefined);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

