/**
 * The deepest nesting a record may have (MongoDB allows documents the same 100). Real events nest
 * two or three levels; a few thousand levels overflow the stack of the recursive walks after
 * `JSON.parse` (`JSON.stringify`, error formatting), so the limit sits far below that.
 */
export const MAX_NESTING_DEPTH = 100;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The first point where JSON text nests deeper than `limit` arrays/objects, or undefined when it
 * never does. One pass over the bytes, no recursion and no allocation, so it is safe to run on any
 * input before parsing. Brackets inside strings do not count; UTF-8 continuation bytes are never
 * ASCII, so scanning bytes rather than characters is exact.
 */
export function exceedsNesting(bytes: Uint8Array, limit = MAX_NESTING_DEPTH): { offset: number } | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++; // the escaped byte cannot end the string
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACKET || b === OPEN_BRACE) {
      if (++depth > limit) return { offset: i };
    } else if (b === CLOSE_BRACKET || b === CLOSE_BRACE) {
      depth--;
    }
  }
  return undefined;
}
