// Scenario files (YAML or JSON), validated by zod so every error names the field and the value.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../common/user-error.js';
import { parseLocalStart } from './clock.js';

const weight = z.number().min(0);

export const ScenarioSchema = z
  .object({
    name: z.string().min(1).describe('Scenario name, echoed in run summaries'),
    description: z.string().optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(1).describe('RNG seed; same seed and scenario give a byte-identical stream'),
    start: z
      .string()
      .default('2026-03-03T07:00:00')
      .refine(
        (s) => {
          try {
            parseLocalStart(s);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'expected local date-time YYYY-MM-DDTHH:mm[:ss] (America/Los_Angeles)' },
      )
      .describe('Simulated start, local time in America/Los_Angeles'),
    stepS: z.number().min(0.1).max(10).default(1).describe('Simulation step in seconds (1 Hz kinematics by default)'),
    fleet: z
      .object({
        vehicles: z.number().int().min(1).max(2_000_000),
        mix: z
          .object({ car: weight, light_truck: weight, ev: weight, van: weight, bus: weight, drayage: weight })
          .partial()
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
  })
  .strict();

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/** A scenario from a YAML/JSON file path or an object; throws UserError or ZodError naming the field. */
export function loadScenario(pathOrObject: string | ScenarioInput): Scenario {
  if (typeof pathOrObject !== 'string') return validate(pathOrObject);
  let text: string;
  try {
    text = readFileSync(pathOrObject, 'utf8');
  } catch (err) {
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
  throw new UserError(path.join('.') || 'scenario', value, issue.message);
}
