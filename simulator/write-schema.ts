// Regenerates scenarios/schema.json from the zod schema: npx tsx simulator/write-schema.ts
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchema } from './scenario-json-schema.js';

writeFileSync(new URL('../scenarios/schema.json', import.meta.url), scenarioJsonSchema());
