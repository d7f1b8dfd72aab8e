import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
// By URL, not `--import tsx`: that would resolve tsx from the working directory, and some tests run elsewhere.
const TSX = pathToFileURL(`${REPO}node_modules/tsx/dist/loader.mjs`).href;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`node --import tsx cli/sdfleet.ts`, or `entry` such as a built dist/cli/sdfleet.js) and never rejects. */
export function sdfleet(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; entry?: string[]; timeoutMs?: number } = {}): Promise<CliResult> {
  const entry = options.entry ?? ['--import', TSX, `${REPO}cli/sdfleet.ts`];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...entry, ...args],
      { cwd: options.cwd ?? REPO, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** stderr lines without blank ones. */
export const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
