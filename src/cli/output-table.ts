/** One column of a table: its header, how a row shows in it, and which side it aligns to. */
export interface Column<Row> {
  header: string;
  cell(row: Row): string;
  /** Numbers read best aligned right. */
  align?: 'left' | 'right';
}

/**
 * Rows as an aligned plain-text table, two spaces between columns, no
 * trailing blanks, so that it reads in a terminal and greps cleanly.
 *
 * @example
 * formatTable([{ header: 'id', cell: (w) => w.id }, { header: 'role', cell: (w) => w.role }], workspaces)
 * // id                                    role
 * // 14987cff-f4b2-4598-ac19-fa7714cc0aa1  ADMIN
 */
export function formatTable<Row>(columns: ReadonlyArray<Column<Row>>, rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((line) => (line[i] ?? '').length)));
  const render = (line: readonly string[]): string =>
    line
      .map((text, i) => {
        const width = widths[i] ?? 0;
        return columns[i]?.align === 'right' ? text.padStart(width) : text.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.header)), ...cells.map(render)].join('\n');
}

/**
 * A value that may be missing, as a table shows it.
 *
 * @example
 * orDash(null) // '-'
 */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}
