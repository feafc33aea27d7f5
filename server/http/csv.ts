export type CsvCell = string | number | boolean | null | undefined;

// A text cell starting with = + - @ (or a tab or carriage return) would run as a formula in a spreadsheet:
// it is prefixed with an apostrophe. Numbers are written as numbers; they can't carry a formula.
function cell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function csvFileName(base: string, asOf: string): string {
  return `${base}-${asOf}.csv`;
}
