// Starts the local broker: mosquitto (Debian package) speaking MQTT 5 on 127.0.0.1 with TLS,
// and requiring a client certificate signed by the local CA (as IoT Core requires mutual TLS).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../../common/user-error.js';
import type { LocalPki } from './certs.js';

export const MOSQUITTO_INSTALL_HINT = 'mosquitto is not installed: sudo apt-get install -y mosquitto (Debian/Ubuntu) or brew install mosquitto (macOS)';

export interface Mosquitto {
  port: number;
  endpoint: string;
  /** Stops the broker (an outage; it saves its sessions); `start()` brings it back on the same port. */
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
      // Run as whoever started it: as root mosquitto would switch to its own user, which cannot read the keys.
      `user ${userInfo().username}`,
      'per_listener_settings false',
      'allow_anonymous true', // identity comes from the client certificate (require_certificate)
      // Persistent sessions survive a broker restart, so the IoT rule's subscription and the
      // messages queued for it while it reconnects are kept, as IoT Core's rules engine never misses one.
      'persistence true',
      `persistence_location ${pki.dir}/`,
      'max_queued_messages 0',
      `listener ${port} 127.0.0.1`,
      'protocol mqtt',
      `cafile ${pki.ca}`,
      `certfile ${pki.server.cert}`,
      `keyfile ${pki.server.key}`,
      'require_certificate true',
      'use_identity_as_username true',
      'max_inflight_messages 100',
      'max_packet_size 132096', // IoT Core's 128 KB payload, plus room for the topic and properties
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
      c.kill('SIGTERM');
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
