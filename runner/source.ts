// What feeds a run: a simulated fleet or a recording. Each record goes to `emit` with its
// vehicle id and seq (the ledger's key) and its JSON line; a returned Promise means "wait".
export type Emit = (vehicleId: string, seq: number, json: string, createdAtS?: number) => void | Promise<void>;
/** A telemetry reading as UTF-8 JSON bytes buf[start, end), valid until the call returns or its Promise settles. */
export type EmitBytes = (vehicleId: string, seq: number, buf: Buffer, start: number, end: number) => void | Promise<void>;

export interface SourceStats {
  /** Records handed to emit. */
  emitted: number;
  skippedBadLines: number;
  /** Set for a simulated fleet. */
  simulation?: {
    vehicles: number;
    simulatedS: number;
    simulatedStart: string;
    simulatedEnd: string;
    eventTypes: number;
  };
}

export interface Source {
  /** Scenario name or path, or the recording's path. */
  readonly name: string;
  readonly seed: number | null;
  /** Local hour of day at the source's start (for the `daily` shape). */
  readonly startHour: number;
  /** `emitBytes`, when given, is what a source that has readings as bytes should use for them. */
  run(emit: Emit, options: { signal: AbortSignal; maxRecords?: number; emitBytes?: EmitBytes }): Promise<SourceStats>;
}
