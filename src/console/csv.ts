// CSV for spreadsheets. A cell that a spreadsheet would run as a formula (= + - @, or a leading
// tab or carriage return) is neutralized with a leading apostrophe; every cell is quoted.

const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (FORMULA.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;
