// Scenario files (YAML or JSON), validated by zod so every error names the field and the value.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EVENT_TIME_MAX_S, EVENT_TIME_RANGE, isEventTime } from '../common/event-time.js';
import { UserError } from '../common/user-error.js';
import { faultsSchema } from '../pipeline/stream/faults.js';
import { parseLocalStart } from './clock.js';

const weight = z.number().min(0);
const START_FORMAT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Why a scenario `start` is unusable, or undefined: real calendar fields, and inside the transform's event-time range. */
function startProblem(text: string): string | undefined {
  const m = START_FORMAT.exec(text);
  if (!m) return 'expected local date-time YYYY-MM-DDTHH:mm[:ss] (America/Los_Angeles)';
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0));
  if (month < 1 || month > 12) return 'month must be 01–12';
  if (day < 1 || day > daysIn(year, month)) return `day must exist in ${m[1]}-${m[2]}`;
  if (hour > 23 || minute > 59 || second > 59) return 'time must be 00:00:00–23:59:59';
  if (!isEventTime(parseLocalStart(text) / 1000)) return `must be ${EVENT_TIME_RANGE}, the event times the transform accepts`;
  return undefined;
}

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

export const ScenarioSchema = z
  .object({
    name: z.string().min(1).describe('Scenario name, echoed in run summaries'),
    description: z.string().optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe('RNG seed; same seed and scenario give a byte-identical stream'),
    start: z
      .string()
      .default('2026-03-03T07:00:00')
      .superRefine((s, ctx) => {
        const problem = startProblem(s);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('Simulated start, local time in America/Los_Angeles'),
    stepS: z.number().min(0.1).max(10).default(1).describe('Simulation step in seconds (1 Hz kinematics by default)'),
    fleet: z
      .object({
        vehicles: z.number().int().min(1).max(2_000_000),
        mix: z
          .object({ car: weight, light_truck: weight, ev: weight, van: weight, bus: weight, drayage: weight })
          .partial()
          .strict()
          .refine((m) => Object.values(m).some((w) => (w ?? 0) > 0), { message: 'at least one class needs a weight > 0' })
          .default({ car: 0.5, light_truck: 0.2, ev: 0.12, van: 0.1, bus: 0.04, drayage: 0.04 })
          .describe('Relative weights of the vehicle classes'),
      })
      .strict(),
    telemetry: z
      .object({
        everySteps: z.number().int().min(1).max(3600).default(1).describe('Emit vehicle:telemetry every N steps while the vehicle is on'),
        gpsNoiseM: z.number().min(0).max(10).default(3).describe('GPS noise standard deviation in metres (clipped at 2.5 σ)'),
        heartbeatS: z.number().min(10).max(86_400).default(900).describe('Parked vehicles report a heartbeat this often'),
      })
      .strict()
      .default({ everySteps: 1, gpsNoiseM: 3, heartbeatS: 900 }),
    behaviour: z
      .object({
        faultRate: z.number().min(0).max(1000).default(1).describe('Multiplier on latent fault prevalence (DTCs, leaks, weak batteries)'),
        tripRate: z.number().min(0).max(100).default(1).describe('Multiplier on private-vehicle departure rates'),
      })
      .strict()
      .default({ faultRate: 1, tripRate: 1 }),
    stop: z
      .object({
        durationS: z.number().positive().optional(),
        maxRecords: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    load: z
      .looseObject({ shape: z.enum(['constant', 'ramp', 'steps', 'daily', 'max']) })
      .optional()
      .describe('Rate shape for `sdfleet run` (rate, from/to/over, steps, base/hourly); validated by the runner, flags override it'),
    producers: z.number().int().min(1).max(256).optional().describe('Producer instances sharing the stream, as a gateway fleet would (default 1)'),
    stack: z
      .object({
        shards: z.number().int().min(1).max(1000).optional().describe('Shards of the local stream'),
        faults: faultsSchema.optional().describe("Gate faults, as `sdfleet stack`'s fault flags (seed, internalFailureRate, error500Rate, …)"),
      })
      .strict()
      .optional()
      .describe('The embedded local stack (`run --target local`); other targets ignore it'),
    reshard: z
      .array(z.object({ afterS: z.number().positive(), shards: z.number().int().min(1).max(10_000) }).strict())
      .optional()
      .describe('UpdateShardCount (UNIFORM_SCALING) to `shards`, `afterS` wall seconds into the run, on the local stack or a real stream'),
  })
  .strict()
  .superRefine((sc, ctx) => {
    // The whole run, not only its start, must stay inside the event-time range.
    const durationS = sc.stop.durationS;
    if (durationS !== undefined && startProblem(sc.start) === undefined && parseLocalStart(sc.start) / 1000 + durationS >= EVENT_TIME_MAX_S) {
      ctx.addIssue({ code: 'custom', path: ['stop', 'durationS'], message: `the run would end after 2100-01-01; events must be ${EVENT_TIME_RANGE}` });
    }
  });

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** Scenario files are small; the cap keeps `--scenario /dev/zero` or a huge file from hanging or exhausting memory. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

const BUNDLED_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));
const BUNDLED_NAME = /^[a-z0-9][a-z0-9-]*$/;

export interface BundledScenario {
  name: string;
  path: string;
  /** The file's first comment line: what the scenario shows. */
  about: string;
}

/** The scenarios shipped with the package (`scenarios/*.yaml`, from a git clone or the built dist/). */
export function bundledScenarios(): BundledScenario[] {
  return readdirSync(BUNDLED_DIR)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const path = `${BUNDLED_DIR}${file}`;
      const about = /^#\s*(.*)/.exec(readFileSync(path, 'utf8'))?.[1].trim() ?? '';
      return { name: file.slice(0, -'.yaml'.length), path, about };
    });
}

/** A bundled name (`demo`, `rush-hour`) → its file; anything else is a path and returned as given. */
export function resolveScenario(nameOrPath: string): string {
  if (!BUNDLED_NAME.test(nameOrPath)) return nameOrPath;
  const bundled = bundledScenarios().find((b) => b.name === nameOrPath);
  if (bundled) return bundled.path;
  if (statSync(nameOrPath, { throwIfNoEntry: false })?.isFile()) return nameOrPath;
  throw new UserError('scenario', nameOrPath, `no such file or bundled scenario; bundled: ${bundledScenarios().map((b) => b.name).join(', ')}`);
}

/** A scenario from a bundled name, a YAML/JSON file path or an object; throws UserError naming the field (`scenario` for the file itself). */
export function loadScenario(pathOrObject: string | ScenarioInput): Scenario {
  if (typeof pathOrObject !== 'string') return validate(pathOrObject);
  const path = resolveScenario(pathOrObject);
  let text: string;
  try {
    // stat first: opening a FIFO would block, and a device such as /dev/zero never ends.
    const stat = statSync(path);
    if (!stat.isFile()) throw new UserError('scenario', pathOrObject, 'not a regular file');
    if (stat.size > MAX_SCENARIO_BYTES) throw new UserError('scenario', pathOrObject, `larger than ${MAX_SCENARIO_BYTES / 1024} KiB (${stat.size} bytes); scenario files are small YAML`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError('scenario', pathOrObject, `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = parseYaml(text); // YAML is a superset of JSON
  } catch (err) {
    throw new UserError('scenario', pathOrObject, `not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return validate(data);
}

/** The first problem as a UserError: `fleet.vehicles: Too small: … (got 0)`. */
function validate(data: unknown): Scenario {
  const parsed = ScenarioSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  let value: unknown = data;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  const message = issue.code === 'unrecognized_keys' ? `unknown field; expected one of ${fieldsAt(issue.path).join(', ')}` : issue.message;
  throw new UserError(path.join('.') || 'scenario', value, message);
}

/** The field names the schema allows in the object at `path` (through optional and default wrappers). */
function fieldsAt(path: readonly PropertyKey[]): string[] {
  const unwrap = (schema: z.ZodType): z.ZodType => {
    let inner = schema;
    while ('innerType' in inner.def) inner = inner.def.innerType as z.ZodType;
    return inner;
  };
  let schema = unwrap(ScenarioSchema);
  for (const key of path) schema = unwrap((schema as z.ZodObject).shape[key as string]);
  return Object.keys((schema as z.ZodObject).shape);
}
