// The run folder (`--dir`): a tool only empties a folder that is empty or that an sdfleet run made,
// which the `.sdfleet-run` marker says. Folders from before the marker are recognised by their contents.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../common/user-error.js';

export const RUN_MARKER = '.sdfleet-run';
// What a demo run wrote before runs were marked.
const EARLIER_RUN_ENTRIES = new Set(['lake', 'checkpoints', 'acks.json', 'acks.json.tmp']);

/** Makes `dir` an empty, marked run folder, or refuses with one line naming it. */
export async function prepareRunFolder(dir: string, flag = '--dir'): Promise<void> {
  for (const entry of await checkRunFolder(dir, flag)) await rm(join(dir, entry), { recursive: true, force: true });
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, RUN_MARKER), 'made by sdfleet; a later run may empty this folder\n');
  } catch (err) {
    throw new UserError(flag, dir, `cannot be created (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (!(await stat(dir)).isDirectory()) throw new UserError(flag, dir, 'is not a folder');
}

/** Refuses a folder a run may not empty; else lists what preparing it will remove. */
export async function checkRunFolder(dir: string, flag = '--dir'): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new UserError(flag, dir, 'is a file, not a folder');
    if (code !== 'ENOENT') throw new UserError(flag, dir, `cannot be read (${code})`);
    entries = [];
  }
  const ours = entries.includes(RUN_MARKER) || (entries.length > 0 && entries.every((e) => EARLIER_RUN_ENTRIES.has(e)));
  if (entries.length > 0 && !ours) {
    throw new UserError(flag, dir, `is not empty and was not made by an sdfleet run (no ${RUN_MARKER} file); pick a new or empty folder`);
  }
  return entries;
}

/** `./data/runs/<UTC timestamp>`, the default run folder. */
export function defaultRunFolder(now = new Date()): string {
  return join('data', 'runs', now.toISOString().replace(/\.\d+Z$/, 'Z').replaceAll(':', '-'));
}
