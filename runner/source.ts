// What feeds a run: a simulated fleet or a recording. Each record goes to `emit` with its
// vehicle id and seq (the ledger's key) and its JSON line; a returned Promise means "wait".
export type Emit = (vehicleId: string, seq: number, json: string, createdAtS?: number) => void | Promise<void>;

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
  run(emit: Emit, options: { signal: AbortSignal; maxRecords?: number }): Promise<SourceStats>;
}
