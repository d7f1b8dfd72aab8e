/** The change of flat running counters since the previous reading (all of `now` when there is none). */
export function minus<T extends object>(now: T, before: T | undefined): T {
  const out = {} as Record<string, number>;
  for (const [k, v] of Object.entries(now)) out[k] = (v as number) - ((before as Record<string, number> | undefined)?.[k] ?? 0);
  return out as T;
}
