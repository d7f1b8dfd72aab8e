declare module 'kinesalite' {
  import type { Server } from 'node:http';
  interface KinesaliteOptions {
    path?: string;
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
    ssl?: boolean;
  }
  function kinesalite(options?: KinesaliteOptions): Server;
  export default kinesalite;
}
declare module 'leveldown' {
  interface LevelDown {
    open(callback: (err: Error | undefined) => void): void;
    close(callback: (err: Error | undefined) => void): void;
  }
  function leveldown(location: string): LevelDown;
  export default leveldown;
}
