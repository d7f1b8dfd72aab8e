// Where this CLI runs from (a git clone with tsx, a built dist/, npx or a global install), so that
// the commands it suggests work wherever it runs.
import { realpathSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';

/**
 * The shortest command that runs this same CLI again from the current directory: `sdfleet` when it is the one
 * on PATH, `npm run sdfleet --` inside the repo's npm script, `npx sdfleet` under npx, else node (or tsx) and the script's path.
 */
export function selfCommand(env: NodeJS.ProcessEnv = process.env, script = process.argv[1] ?? ''): string {
  if (env.npm_lifecycle_event === 'sdfleet') return 'npm run sdfleet --';
  const self = realpathOrUndefined(script);
  // npx runs the package's bin; `npx tsx cli/sdfleet.ts` is exec too, but not of the bin.
  if (env.npm_command === 'exec' && self?.endsWith(join('dist', 'cli', 'sdfleet.js'))) return 'npx sdfleet';
  // Only the first `sdfleet` on PATH is what the user's shell would run.
  const first = (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => realpathOrUndefined(join(dir, 'sdfleet'))).find((p) => p !== undefined);
  if (self !== undefined && first === self) return 'sdfleet';
  const path = relative(process.cwd(), script) || script;
  const shown = /\s/.test(path) ? JSON.stringify(path) : path;
  return script.endsWith('.ts') ? `npx tsx ${shown}` : `node ${shown}`;
}

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
