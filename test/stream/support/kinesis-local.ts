import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { createLocalKinesisClient } from '../../../producer/local-client.js';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** kinesis-mock (npm `kinesis-local`) as a child process on loopback, plain HTTP on a free port. */
export async function startKinesisLocal(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const main = createRequire(import.meta.url).resolve('kinesis-local/main.js');
  const [plain, tls] = [await freePort(), await freePort()];
  const child: ChildProcess = spawn(process.execPath, ['--import', join(import.meta.dirname, 'loopback-only.mjs'), main], {
    env: {
      ...process.env,
      KINESIS_MOCK_PLAIN_PORT: String(plain),
      KINESIS_MOCK_TLS_PORT: String(tls),
      KINESIS_MOCK_CERT_PATH: join(dirname(main), 'server.json'),
      CREATE_STREAM_DURATION: '10ms',
      UPDATE_SHARD_COUNT_DURATION: '10ms',
      LOG_LEVEL: 'ERROR',
    },
    stdio: 'ignore',
  });
  const endpoint = `http://127.0.0.1:${plain}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  };
  const client = createLocalKinesisClient({ endpoint, requestTimeoutMs: 2000 });
  try {
    for (let tries = 0; ; tries++) {
      try {
        await client.send(new ListStreamsCommand({}));
        return { endpoint, close };
      } catch (err) {
        if (tries > 300 || child.exitCode !== null) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } catch (err) {
    await close();
    throw err;
  } finally {
    client.destroy();
  }
}
