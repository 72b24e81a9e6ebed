/** Everything a command prints goes through here: data to stdout, notes to stderr. */
export const out = {
  /** A line of the command's result (what a script reads). */
  line(text: string): void {
    process.stdout.write(`${text}\n`);
  },
  /** One JSON document per line, for piping (`--json`). */
  json(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  },
  /** Progress and lifecycle notes, kept out of the data stream. */
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  },
};

const NUMERIC = /^-?[\d,]+(\.\d+)?$/;

/**
 * A table with aligned columns. A column whose cells below the first row are all numbers
 * is right-aligned; the rest are left-aligned.
 */
export function table(rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((row) => row.map((cell) => String(cell)));
  const widths: number[] = [];
  const numeric: boolean[] = [];
  cells.forEach((row, r) => {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
      if (r > 0) numeric[i] = (numeric[i] ?? true) && (NUMERIC.test(cell) || cell === '-');
    });
  });
  return cells
    .map((row) =>
      row
        .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `12345.6` → `12,346`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
