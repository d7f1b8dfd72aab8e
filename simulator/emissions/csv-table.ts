import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One parsed row of a bundled numeric data file: text cells by column name. */
export type CsvRow = Readonly<Record<string, string>>;

/**
 * Reads a small bundled CSV (no quoting: our data files are plain numbers and identifiers).
 * Sync on purpose: tables load once when a model is first built, before any hot loop.
 */
export function readCsvTable(url: URL): CsvRow[] {
  const lines = readFileSync(fileURLToPath(url), 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  return lines.slice(1).map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== header.length) {
      throw new Error(`${url.pathname}: line ${i + 2} has ${cells.length} cells, expected ${header.length}`);
    }
    return Object.fromEntries(header.map((name, j) => [name, (cells[j] ?? '').trim()]));
  });
}

/** A finite number from a cell; a malformed bundled file must fail loudly, naming where. */
export function numberCell(row: CsvRow, column: string, source: URL): number {
  const text = row[column];
  const n = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(n)) {
    throw new Error(`${source.pathname}: column ${column} is not a number (got ${JSON.stringify(text)})`);
  }
  return n;
}
