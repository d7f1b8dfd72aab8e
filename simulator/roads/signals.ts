// Fixed-time traffic signals: every signalised node runs the same 90 s cycle with its own offset
// (derived from the node id, so it is stable across runs and workers).
const CYCLE_S = 90;
const GREEN_S = 42;
const AMBER_S = 4;

export type SignalPhase = 0 | 1 | 2; // green, amber, red
export const GREEN = 0;
export const AMBER = 1;
export const RED = 2;

function cycleTime(node: number, simTimeS: number): number {
  const offset = (Math.imul(node, 2654435761) >>> 0) % CYCLE_S;
  return (simTimeS + offset) % CYCLE_S;
}

export function signalPhase(node: number, simTimeS: number): SignalPhase {
  const t = cycleTime(node, simTimeS);
  return t < GREEN_S ? GREEN : t < GREEN_S + AMBER_S ? AMBER : RED;
}

/** Seconds of amber left (0 outside amber). */
export function amberLeftS(node: number, simTimeS: number): number {
  const t = cycleTime(node, simTimeS);
  return t >= GREEN_S && t < GREEN_S + AMBER_S ? GREEN_S + AMBER_S - t : 0;
}
