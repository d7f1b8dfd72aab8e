// `--timestamps wall`: created_at becomes the wall clock at send (Unix seconds, ms fraction), so
// hourly lake partitions land on "now". The field is rewritten in the JSON text, not re-encoded.
const FIELD = '"created_at":';

export function stampCreatedAt(json: string, nowMs: number): string {
  const at = json.indexOf(FIELD);
  if (at < 0) return json;
  const from = at + FIELD.length;
  let to = from;
  while (to < json.length && json.charCodeAt(to) !== 44 /* , */ && json.charCodeAt(to) !== 125 /* } */) to++;
  return `${json.slice(0, from)}${(nowMs / 1000).toFixed(3)}${json.slice(to)}`;
}
