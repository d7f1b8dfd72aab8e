// `npm run build` step: tsc does not copy runtime data (CSVs, road graph, scenarios), so the built CLI would miss them.
import { cpSync, existsSync } from 'node:fs';

for (const dir of ['simulator/data', 'scenarios']) {
  if (existsSync(dir)) cpSync(dir, `dist/${dir}`, { recursive: true });
}
