// An MQTT 5 client (aws-iot-device-sdk-v2) with mutual TLS, for the gateway and the local IoT rule.
// aws-crt is a native module of ~44 MB: it is imported here only, and only when MQTT is used.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { mqtt5 as Mqtt5 } from 'aws-iot-device-sdk-v2';
import type { Logger } from '../common/logger.js';
import { UserError } from '../common/user-error.js';

export interface MqttConnectionOptions {
  /** `host`, `host:port` or `mqtts://host:port`; port 8883 when omitted. */
  endpoint: string;
  cert: string;
  key: string;
  ca?: string;
  clientId: string;
  logger: Logger;
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Keep the session (subscriptions, queued QoS 1 messages) across reconnects: for subscribers. */
  persistentSession?: boolean;
}

export interface MqttConnection {
  client: Mqtt5.Mqtt5Client;
  mqtt5: typeof Mqtt5;
  readonly connected: boolean;
  /** Successful connections so far. */
  readonly connections: number;
  /** Resolves at the next successful connection (at once when connected). */
  whenConnected(signal?: AbortSignal): Promise<void>;
  /** Why the last attempt failed, as one line. */
  readonly lastError: string | undefined;
  close(): Promise<void>;
}

export function parseEndpoint(endpoint: string): { host: string; port: number } {
  const m = /^(?:mqtts:\/\/)?([^:/]+)(?::(\d+))?\/?$/.exec(endpoint);
  const port = Number(m?.[2] ?? 8883);
  if (!m || !(port > 0 && port < 65536)) throw new UserError('--endpoint', endpoint, 'expected host, host:port or mqtts://host:port');
  return { host: m[1], port };
}

/** Refuses unreadable, expired or mismatched credentials before the first connection attempt. */
export function checkCredentials(files: { cert: string; key: string; ca?: string }, now = new Date()): void {
  const read = (flag: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new UserError(flag, path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  const parseCert = (flag: string, path: string) => {
    try {
      return new X509Certificate(read(flag, path));
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(flag, path, 'is not a PEM X.509 certificate');
    }
  };
  const cert = parseCert('--cert', files.cert);
  if (new Date(cert.validTo) < now) throw new UserError('--cert', files.cert, `expired on ${new Date(cert.validTo).toISOString()}`);
  if (new Date(cert.validFrom) > now) throw new UserError('--cert', files.cert, `is not valid before ${new Date(cert.validFrom).toISOString()}`);
  let key;
  try {
    key = createPrivateKey(read('--key', files.key));
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError('--key', files.key, 'is not a PEM private key');
  }
  if (!cert.checkPrivateKey(key)) throw new UserError('--key', files.key, `does not match the certificate ${files.cert}`);
  if (files.ca) {
    const ca = parseCert('--ca', files.ca);
    if (new Date(ca.validTo) < now) throw new UserError('--ca', files.ca, `expired on ${new Date(ca.validTo).toISOString()}`);
  }
}

export async function connectMqtt(options: MqttConnectionOptions): Promise<MqttConnection> {
  checkCredentials(options);
  const { host, port } = parseEndpoint(options.endpoint);
  const { mqtt5, iot } = await import('aws-iot-device-sdk-v2');
  const builder = iot.AwsIotMqtt5ClientConfigBuilder.newDirectMqttBuilderWithMtlsFromPath(host, options.cert, options.key);
  builder.withPort(port);
  if (options.ca) builder.withCertificateAuthorityFromPath(undefined, options.ca);
  builder.withConnectProperties({ clientId: options.clientId, keepAliveIntervalSeconds: 60, sessionExpiryIntervalSeconds: options.persistentSession ? 7 * 86_400 : 0 });
  builder.withSessionBehavior(options.persistentSession ? mqtt5.ClientSessionBehavior.RejoinAlways : mqtt5.ClientSessionBehavior.Clean);
  // The spool is the offline queue: on a disconnect every publish fails and is re-sent from disk.
  builder.withOfflineQueueBehavior(mqtt5.ClientOperationQueueBehavior.FailAllOnDisconnect);
  builder.withRetryJitterMode(mqtt5.RetryJitterType.Full);
  builder.withMinReconnectDelayMs(options.minReconnectDelayMs ?? 500);
  builder.withMaxReconnectDelayMs(options.maxReconnectDelayMs ?? 30_000);
  const client = new mqtt5.Mqtt5Client(builder.build());
  const log = options.logger;
  let connected = false;
  let connections = 0;
  let lastError: string | undefined;
  let waiters: (() => void)[] = [];
  client.on('connectionSuccess', () => {
    connected = true;
    connections++;
    lastError = undefined;
    log.info({ endpoint: `${host}:${port}`, clientId: options.clientId }, 'mqtt: connected');
    for (const resolve of waiters.splice(0)) resolve();
  });
  client.on('connectionFailure', (e) => {
    const text = crtErrorText(e.error);
    const reason = e.connack
      ? `the broker refused the connection (CONNACK reason ${e.connack.reasonCode})`
      : /TLS/.test(text)
        ? `TLS handshake failed (${text}): the broker may not trust the device certificate ${options.cert}, or --ca does not sign the broker's certificate`
        : text;
    if (reason !== lastError) log.error({ endpoint: `${host}:${port}`, reason }, 'mqtt: connection failed; retrying with backoff');
    lastError = reason;
  });
  client.on('disconnection', (e) => {
    if (connected) log.warn({ endpoint: `${host}:${port}`, reason: crtErrorText(e.error) }, 'mqtt: disconnected; reconnecting with backoff');
    connected = false;
  });
  client.start();
  return {
    client,
    mqtt5,
    get connected() {
      return connected;
    },
    get connections() {
      return connections;
    },
    get lastError() {
      return lastError;
    },
    whenConnected(signal) {
      if (connected) return Promise.resolve();
      return new Promise<void>((resolve) => {
        waiters.push(resolve);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    },
    async close() {
      waiters = [];
      const stopped = new Promise<void>((resolve) => client.once('stopped', () => resolve()));
      client.stop();
      await stopped;
      client.close();
    },
  };
}

/** aws-crt errors are Error objects with an `error_name` such as AWS_IO_TLS_ERROR_NEGOTIATION_FAILURE. */
function crtErrorText(error: unknown): string {
  const e = error as { error_name?: string; message?: string };
  return [e.error_name, e.message].filter(Boolean).join(': ') || String(error);
}
