/** Lines of a file the way the Go migration tools read them (bufio.ScanLines: split at \n, a trailing \r dropped). */
export interface Line {
  /** Index of the first character. */
  start: number;
  /** Index just after the line's text (before \r\n or \n). */
  end: number;
  /** Index of the next line's first character. */
  next: number;
  text: string;
}

export function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const next = nl === -1 ? text.length : nl + 1;
    let end = nl === -1 ? text.length : nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    lines.push({ start, end, next, text: text.slice(start, end) });
    start = next;
  }
  return lines;
}

/** The last path segment. */
export function baseName(path: string | undefined): string {
  if (!path) return "";
  const i = path.lastIndexOf("/");
  return i === -1 ? path : path.slice(i + 1);
}

/** The path's directory segments (without the file name). */
export function dirSegments(path: string | undefined): string[] {
  if (!path) return [];
  return path.split("/").slice(0, -1);
}

/** True when the line's last word before any `--` comment ends with `;` (how goose and sql-migrate end a statement). */
export function endsWithSemicolon(line: string): boolean {
  let last = "";
  for (const word of line.split(/\s+/)) {
    if (word.startsWith("--")) break;
    if (word !== "") last = word;
  }
  return last.endsWith(";");
}

/**
 * The `StatementEnd` marker lines that end a statement written without a `;` (goose and sql-migrate
 * end the statement there). `isEnd` / `isBegin` recognise the tool's markers.
 */
export function unterminatedStatementEnds(lines: readonly Line[], isBegin: (text: string) => boolean, isEnd: (text: string) => boolean): [number, number][] {
  const out: [number, number][] = [];
  let begin = -1;
  lines.forEach((line, i) => {
    if (isBegin(line.text)) begin = i;
    else if (isEnd(line.text) && begin !== -1) {
      for (let j = i - 1; j > begin; j--) {
        const text = lines[j]!.text.trim();
        if (text === "" || text.startsWith("--")) continue;
        if (!endsWithSemicolon(text)) out.push([line.start, line.end]);
        break;
      }
      begin = -1;
    }
  });
  return out;
}
