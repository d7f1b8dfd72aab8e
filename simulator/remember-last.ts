/**
 * f, remembering its last answer: within a step every vehicle asks for the same simulated time or
 * hour, so one entry saves the work (a Map lookup, three exp) for all but the first.
 */
export function rememberLast(f: (x: number) => number): (x: number) => number {
  let lastX = NaN;
  let last = 0;
  return (x) => {
    if (x !== lastX) {
      lastX = x;
      last = f(x);
    }
    return last;
  };
}
