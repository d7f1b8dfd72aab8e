// Starts the local broker: mosquitto (Debian package) speaking MQTT 5 on 127.0.0.1 with TLS,
// and requiring a client certificate signed by the local CA (as IoT Core requires mutual TLS).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../common/user-error.js';
import type { LocalPki } from './certs.js';

export const MOSQUITTO_INSTALL_HINT = 'mosquitto is not installed: sudo apt-get install -y mosquitto (Debian/Ubuntu) or brew install mosquitto (macOS)';

export interface Mosquitto {
  port: number;
  endpoint: string;
  /** Kills the broker (an outage); `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function findMosquitto(): string {
  for (const candidate of ['mosquitto', '/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto']) {
    const probe = spawnSync(candidate, ['-h'], { stdio: 'ignore' });
    if (!probe.error) return candidate;
  }
  throw new UserError('mosquitto', 'PATH', MOSQUITTO_INSTALL_HINT);
}

export async function startMosquitto(pki: LocalPki, options: { port?: number } = {}): Promise<Mosquitto> {
  const bin = findMosquitto();
  const port = options.port || (await freePort());
  const config = join(pki.dir, 'mosquitto.conf');
  writeFileSync(
    config,
    [
      'per_listener_settings false',
      'allow_anonymous true', // identity comes from the client certificate (require_certificate)
      'persistence false',
      `listener ${port} 127.0.0.1`,
      'protocol mqtt',
      `cafile ${pki.ca}`,
      `certfile ${pki.server.cert}`,
      `keyfile ${pki.server.key}`,
      'require_certificate true',
      'use_identity_as_username true',
      'max_inflight_messages 100',
      'message_size_limit 131072', // IoT Core's 128 KB
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    log = '';
    child = spawn(bin, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await listening(port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`mosquitto did not start on 127.0.0.1:${port}: ${log.trim()}`);
      await sleep(25);
    }
  };
  await start();
  return {
    port,
    endpoint: `127.0.0.1:${port}`,
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGKILL');
      await exited;
    },
    start,
  };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
