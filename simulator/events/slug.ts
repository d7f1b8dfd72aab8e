/** "Downtown / Gaslamp" → "downtown_gaslamp": lower-case ASCII words joined by underscores. */
export function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}
