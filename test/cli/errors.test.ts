import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = ['--import', 'tsx', 'cli/sdfleet.ts'];

describe('sdfleet CLI', () => {
  it('rejects an unknown command with exit code 2 and no stack trace', async () => {
    const err = await run(process.execPath, [...cli, 'no-such-command']).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain("unknown command 'no-such-command'");
    expect(err?.stderr).not.toMatch(/\n\s+at /);
  });
});
