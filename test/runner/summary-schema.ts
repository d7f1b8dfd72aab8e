import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

/** The run summary's JSON Schema, compiled strictly (date-time checked as an ISO instant). */
export const validateSummary = new Ajv2020({ allErrors: true, strict: true })
  .addFormat('date-time', (s: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(s) && !Number.isNaN(Date.parse(s)))
  .compile(JSON.parse(readFileSync('runner/summary.schema.json', 'utf8')) as object);
