/**
 * goose (https://github.com/pressly/goose): one file holds both directions.
 *
 * - `-- +goose Up` starts the up migration, `-- +goose Down` (optional, after it) the down one.
 *   Annotations are case-insensitive and must start the line (goose rejects an indented one).
 * - `-- +goose StatementBegin` / `StatementEnd` only group lines into one statement.
 * - Each migration runs in one transaction unless `-- +goose NO TRANSACTION` appears anywhere in
 *   the file; then both directions run statement by statement without one.
 *
 * Source: https://pressly.github.io/goose/documentation/annotations/ and goose's
 * internal/sqlparser/parser.go (ParseSQLMigration returns useTx=false for NO TRANSACTION).
 */
import { unterminatedStatementEnds, type Line } from "./lines.js";
import type { FrameworkDefinition, MigrationFile, MigrationSection, Runner } from "./types.js";

const ANNOTATION = /^--\s*\+goose\s+(up|down|statementbegin|statementend|no\s+transaction|envsub\s+on|envsub\s+off)\s*$/i;

const RUNNER: Runner = {
  transaction: "the transaction goose runs this migration in",
  optOut: "move it into a migration file of its own marked `-- +goose NO TRANSACTION` (goose then runs that file, Up and Down, without a transaction)",
};

/** Every annotation holds `+goose`: a file without it (most files) is not read line by line. */
const MARK = /\+goose/i;
const mayHoldAnnotations = (text: string): boolean => MARK.test(text);

function annotations(lines: readonly Line[]): { command: string; start: number }[] {
  const out: { command: string; start: number }[] = [];
  for (const line of lines) {
    if (!line.text.startsWith("--")) continue;
    const m = ANNOTATION.exec(line.text);
    if (m) out.push({ command: m[1]!.toLowerCase().replace(/\s+/g, " "), start: line.start });
  }
  return out;
}

const command = (text: string): string | undefined => (text.startsWith("--") ? ANNOTATION.exec(text)?.[1]?.toLowerCase() : undefined);

function sections(file: MigrationFile): MigrationSection[] {
  const lines = mayHoldAnnotations(file.text) ? file.lines() : [];
  const found = annotations(lines);
  const ends = unterminatedStatementEnds(lines, (t) => command(t) === "statementbegin", (t) => command(t) === "statementend");
  const within = (start: number, end: number): { statementEnds?: [number, number][] } => {
    const list = ends.filter(([s]) => s >= start && s < end);
    return list.length > 0 ? { statementEnds: list } : {};
  };
  const up = found.find((a) => a.command === "up");
  const down = up ? found.find((a) => a.command === "down" && a.start > up.start) : undefined;
  const noTransaction = found.some((a) => a.command === "no transaction");
  const wrap = noTransaction ? "none" : "transaction";
  const runner = noTransaction ? {} : { runner: RUNNER };
  const end = file.text.length;
  if (!down) return [{ direction: "up", ranges: [[0, end]], wrap, ...runner, ...within(0, end) }];
  return [
    { direction: "up", ranges: [[0, down.start]], wrap, ...runner, ...within(0, down.start) },
    { direction: "down", ranges: [[down.start, end]], wrap, ...runner, ...within(down.start, end) },
  ];
}

export const goose: FrameworkDefinition = {
  name: "goose",
  docs: "https://pressly.github.io/goose/documentation/annotations/",
  detect: (file) => mayHoldAnnotations(file.text) && annotations(file.lines()).some((a) => a.command === "up"),
  sections,
};
