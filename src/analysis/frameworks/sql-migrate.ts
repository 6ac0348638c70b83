/**
 * sql-migrate (https://github.com/rubenv/sql-migrate): one file holds both directions.
 *
 * - `-- +migrate Up` and `-- +migrate Down` (exactly so, at the start of the line) switch the
 *   direction; a file may switch back and forth, each direction collecting its statements.
 * - `-- +migrate StatementBegin` / `StatementEnd` only group lines into one statement.
 * - Each direction runs in one transaction unless its marker line says `notransaction`
 *   (`-- +migrate Up notransaction`); then its statements run one by one without one.
 *
 * Source: sql-migrate's sqlparse/sqlparse.go (ParseMigration, DisableTransactionUp/Down) and
 * migrate.go (statements run on the transaction, or on the connection when disabled).
 */
import { unterminatedStatementEnds } from "./lines.js";
import type { FrameworkDefinition, MigrationFile, MigrationSection, Runner } from "./types.js";

const PREFIX = "-- +migrate ";

function runnerFor(direction: "Up" | "Down"): Runner {
  return {
    transaction: "the transaction sql-migrate runs this migration in",
    optOut: `move it into a migration file of its own whose \`-- +migrate ${direction}\` line ends with \`notransaction\``,
  };
}

function sections(file: MigrationFile): MigrationSection[] {
  const end = file.text.length;
  const lines = file.lines();
  const ends = unterminatedStatementEnds(lines, (t) => t.startsWith(`${PREFIX}StatementBegin`), (t) => t.startsWith(`${PREFIX}StatementEnd`));
  const blocks: { direction: "Up" | "Down"; start: number; noTransaction: boolean }[] = [];
  for (const line of lines) {
    if (!line.text.startsWith(PREFIX)) continue;
    const [command, ...options] = line.text.slice(PREFIX.length).trim().split(/\s+/);
    if (command === "Up" || command === "Down") blocks.push({ direction: command, start: line.start, noTransaction: options.includes("notransaction") });
  }
  const endsIn = (ranges: [number, number][]): { statementEnds?: [number, number][] } => {
    const list = ends.filter(([s]) => ranges.some(([from, to]) => s >= from && s < to));
    return list.length > 0 ? { statementEnds: list } : {};
  };
  if (blocks.length === 0) return [{ direction: "up", ranges: [[0, end]], wrap: "transaction", runner: runnerFor("Up"), ...endsIn([[0, end]]) }];
  const out: MigrationSection[] = [];
  for (const direction of ["Up", "Down"] as const) {
    const ranges: [number, number][] = [];
    let noTransaction = false;
    blocks.forEach((block, i) => {
      if (block.direction !== direction) return;
      // Text before the first marker joins the first block.
      ranges.push([i === 0 ? 0 : block.start, blocks[i + 1]?.start ?? end]);
      noTransaction ||= block.noTransaction;
    });
    if (ranges.length === 0) continue;
    out.push({
      direction: direction === "Up" ? "up" : "down",
      ranges,
      wrap: noTransaction ? "none" : "transaction",
      ...(noTransaction ? {} : { runner: runnerFor(direction) }),
      ...endsIn(ranges),
    });
  }
  return out;
}

export const sqlMigrate: FrameworkDefinition = {
  name: "sql-migrate",
  docs: "https://github.com/rubenv/sql-migrate#writing-migrations",
  detect: (file) => /^-- \+migrate (?:Up|Down)(?:\s|$)/m.test(file.text),
  sections,
};
