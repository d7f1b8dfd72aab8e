import { z } from 'zod';
import { ScenarioSchema } from './scenario.js';

/** The JSON Schema of scenario files (as committed in scenarios/schema.json). */
export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(ScenarioSchema, { io: 'input' });
  return `${JSON.stringify({ ...schema, title: 'sdfleet scenario' }, null, 2)}\n`;
}
