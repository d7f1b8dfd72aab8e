import type { Server } from 'node:http';
import kinesalite from 'kinesalite';

export interface KinesaliteOptions {
  /** 0 or omitted: a random free port. */
  port?: number;
  host?: '127.0.0.1';
  /** Open shards allowed across all streams; kinesalite's own default (10) is too small for reshard tests. */
  shardLimit?: number;
  /** A LevelDB folder (see stream-store.ts): the streams survive a restart. Omitted: in memory. */
  path?: string;
}

export interface RunningKinesalite {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/** kinesalite's default shard limit raised for reshard tests; also the most `sdfleet stack --shards` allows. */
export const SHARD_LIMIT = 1000;

/**
 * Embedded kinesalite on loopback with an in-memory (or LevelDB) store. Create/delete/update delays are 0 so
 * streams turn ACTIVE at once; the shard gate in front of it supplies the realism (limits, faults).
 */
export async function startKinesalite(options: KinesaliteOptions = {}): Promise<RunningKinesalite> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: options.shardLimit ?? SHARD_LIMIT,
    path: options.path,
  });
  server.keepAliveTimeout = 0; // as the gate: an idle connection is closed by its client, never raced by the server
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as { port: number };
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    close() {
      // Keep-alive sockets from clients would hold server.close() open forever.
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
