import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../common/user-error.js';
import { RangeSet, type Range } from './range-set.js';

/**
 * The producer-acknowledgement ledger `sdfleet lake verify --acks` reconciles the lake with.
 * File format (JSON), compact per vehicle as inclusive `[first, last]` seq ranges:
 *
 *   { "format": "sdfleet-acks/1",
 *     "vehicles": { "veh-0001": { "acked": [[1, 5000]],
 *                                 "failed":  { "<reason>": [[5001, 5001]] },
 *                                 "dropped": { "<reason>": [[5002, 5010]] } } } }
 *
 * acked: the stream accepted the record (PutRecords success), so it must reach the lake.
 * failed: the producer gave up on it (retries or TTL exhausted). dropped: it chose not to send it
 * (backpressure policy, shutdown). A seq recorded as acked counts as acked whatever else is recorded.
 */
export const ACK_LEDGER_FORMAT = 'sdfleet-acks/1';

// Seqs are safe integers (exact in JSON and in DuckDB's BIGINT); a range never runs backwards.
const seq = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const rangeList = z.array(
  z.tuple([seq, seq]).superRefine(([first, last], ctx) => {
    if (first > last) ctx.addIssue({ code: 'custom', message: `range [${first}, ${last}] ends before it starts` });
  }),
);
const ledgerSchema = z.object({
  format: z.literal(ACK_LEDGER_FORMAT),
  vehicles: z.record(
    z.string(),
    z.object({
      acked: rangeList.default([]),
      failed: z.record(z.string(), rangeList).default({}),
      dropped: z.record(z.string(), rangeList).default({}),
    }),
  ),
});

export type AckLedgerJson = z.infer<typeof ledgerSchema>;
export type AckOutcome = { outcome: 'acked' } | { outcome: 'failed' | 'dropped'; reason: string };

interface VehicleAcks {
  acked: RangeSet;
  failed: Map<string, RangeSet>;
  dropped: Map<string, RangeSet>;
}

export class AckLedger {
  private readonly vehicles = new Map<string, VehicleAcks>();

  acked(vehicleId: string, seq: number): void {
    this.vehicle(vehicleId).acked.add(seq);
  }

  failed(vehicleId: string, seq: number, reason: string): void {
    setFor(this.vehicle(vehicleId).failed, reason).add(seq);
  }

  dropped(vehicleId: string, seq: number, reason: string): void {
    setFor(this.vehicle(vehicleId).dropped, reason).add(seq);
  }

  /**
   * Records the outcome of a producer `put()` when it settles: acked on success, failed with the
   * error's `code` (ProducerError) or name otherwise. Returns the same promise for the caller.
   */
  track<T>(vehicleId: string, seq: number, put: Promise<T>): Promise<T> {
    return put.then(
      (result) => {
        this.acked(vehicleId, seq);
        return result;
      },
      (err: unknown) => {
        this.failed(vehicleId, seq, String((err as { code?: unknown }).code ?? (err as Error).name ?? 'Error'));
        throw err;
      },
    );
  }

  vehicleIds(): string[] {
    return [...this.vehicles.keys()].sort();
  }

  /** What the producer knows about one record, or undefined when it never recorded it. */
  outcomeOf(vehicleId: string, seq: number): AckOutcome | undefined {
    const v = this.vehicles.get(vehicleId);
    if (!v) return undefined;
    if (v.acked.has(seq)) return { outcome: 'acked' };
    for (const [reason, set] of v.failed) if (set.has(seq)) return { outcome: 'failed', reason };
    for (const [reason, set] of v.dropped) if (set.has(seq)) return { outcome: 'dropped', reason };
    return undefined;
  }

  /**
   * Splits some seqs of one vehicle by what the ledger knows, with the precedence of `outcomeOf`
   * (acked, then failed, then dropped), by range arithmetic: a ledger claiming 2^53 seqs costs
   * no more than one claiming ten.
   */
  explain(vehicleId: string, seqs: RangeSet): { acked: RangeSet; failed: Map<string, number>; dropped: Map<string, number>; unknown: RangeSet } {
    const failed = new Map<string, number>();
    const dropped = new Map<string, number>();
    const v = this.vehicles.get(vehicleId);
    if (!v) return { acked: new RangeSet(), failed, dropped, unknown: seqs };
    const acked = seqs.intersect(v.acked);
    let rest = seqs.subtract(v.acked);
    for (const [outcomes, counts] of [
      [v.failed, failed],
      [v.dropped, dropped],
    ] as const) {
      for (const [reason, set] of outcomes) {
        const hit = rest.intersect(set);
        if (hit.size === 0) continue;
        counts.set(reason, hit.size);
        rest = rest.subtract(hit);
      }
    }
    return { acked, failed, dropped, unknown: rest };
  }

  /** Every seq of one vehicle the ledger has an outcome for, as ranges. */
  recordedRanges(vehicleId: string): Range[] {
    const v = this.vehicles.get(vehicleId);
    if (!v) return [];
    const all = new RangeSet(v.acked.toJSON());
    for (const set of [...v.failed.values(), ...v.dropped.values()]) for (const [a, b] of set.toJSON()) all.addRange(a, b);
    return all.toJSON();
  }

  totals(): { acked: number; failed: number; dropped: number } {
    let acked = 0;
    let failed = 0;
    let dropped = 0;
    for (const v of this.vehicles.values()) {
      acked += v.acked.size;
      for (const set of v.failed.values()) failed += set.size;
      for (const set of v.dropped.values()) dropped += set.size;
    }
    return { acked, failed, dropped };
  }

  toJSON(): AckLedgerJson {
    const vehicles: AckLedgerJson['vehicles'] = {};
    for (const id of this.vehicleIds()) {
      const v = this.vehicles.get(id)!;
      vehicles[id] = { acked: v.acked.toJSON(), failed: mapToJson(v.failed), dropped: mapToJson(v.dropped) };
    }
    return { format: ACK_LEDGER_FORMAT, vehicles };
  }

  /**
   * One ledger holding everything several ledgers recorded (workers each write their own).
   * A seq acked in any of them counts as acked, as within one ledger.
   */
  static merge(ledgers: readonly AckLedger[]): AckLedger {
    const merged = new AckLedger();
    for (const ledger of ledgers) {
      for (const [id, v] of ledger.vehicles) {
        const into = merged.vehicle(id);
        for (const [a, b] of v.acked.toJSON()) into.acked.addRange(a, b);
        for (const [outcomes, target] of [
          [v.failed, into.failed],
          [v.dropped, into.dropped],
        ] as const) {
          for (const [reason, set] of outcomes) for (const [a, b] of set.toJSON()) setFor(target, reason).addRange(a, b);
        }
      }
    }
    return merged;
  }

  static fromJSON(json: unknown): AckLedger {
    const parsed = ledgerSchema.parse(json);
    const ledger = new AckLedger();
    for (const [id, v] of Object.entries(parsed.vehicles)) {
      ledger.vehicles.set(id, {
        acked: new RangeSet(v.acked),
        failed: new Map(Object.entries(v.failed).map(([reason, ranges]) => [reason, new RangeSet(ranges)])),
        dropped: new Map(Object.entries(v.dropped).map(([reason, ranges]) => [reason, new RangeSet(ranges)])),
      });
    }
    return ledger;
  }

  /** Written atomically (temp + rename), so a crash mid-save keeps the previous ledger. */
  async save(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, JSON.stringify(this.toJSON()));
    await rename(`${path}.tmp`, path);
  }

  static async load(path: string): Promise<AckLedger> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new UserError('acks', path, `cannot be read: ${(err as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new UserError('acks', path, `is not JSON: ${(err as Error).message}`);
    }
    const checked = ledgerSchema.safeParse(json);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new UserError(`acks ${issue.path.join('.') || '(root)'}`, path, issue.message);
    }
    return AckLedger.fromJSON(checked.data);
  }

  private vehicle(id: string): VehicleAcks {
    let v = this.vehicles.get(id);
    if (!v) this.vehicles.set(id, (v = { acked: new RangeSet(), failed: new Map(), dropped: new Map() }));
    return v;
  }
}

function setFor(map: Map<string, RangeSet>, reason: string): RangeSet {
  let set = map.get(reason);
  if (!set) map.set(reason, (set = new RangeSet()));
  return set;
}

function mapToJson(map: Map<string, RangeSet>): Record<string, Range[]> {
  return Object.fromEntries([...map].map(([reason, set]) => [reason, set.toJSON()]));
}
