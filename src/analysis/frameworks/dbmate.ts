/**
 * dbmate (https://github.com/amacneil/dbmate): one file holds both directions.
 *
 * - `-- migrate:up` starts the up migration, `-- migrate:down` the down one (the marker starts the
 *   line). Recent dbmate versions accept several up/down pairs in one file and run each up block
 *   on its own, in order.
 * - Options follow the marker: `-- migrate:up transaction:false` runs that block without the
 *   transaction dbmate otherwise opens.
 * - dbmate sends a whole block to PostgreSQL in one Exec call. Inside its transaction that changes
 *   nothing; with `transaction:false` the block is one multi-statement simple query, which
 *   PostgreSQL runs as one implicit transaction: CREATE INDEX CONCURRENTLY then only works alone in
 *   its block (https://github.com/amacneil/dbmate/issues/182).
 *
 * Source: dbmate's pkg/dbmate/migration.go (parseMigrationContents, migrationOptions.Transaction)
 * and pkg/dbmate/db.go (Migrate: tx.Exec(section.Up) inside doTransaction, or on the connection).
 */
import type { FrameworkDefinition, MigrationFile, MigrationSection, Runner } from "./types.js";

const MARKER = /^--\s*migrate:(up|down)(?:\s*$|\s+(\S.*)$)/;

interface Marker {
  direction: "up" | "down";
  start: number;
  transaction: boolean;
}

function markers(file: MigrationFile): Marker[] {
  const out: Marker[] = [];
  // Every marker holds `migrate:`: a file without it (most files) is not read line by line.
  if (!file.text.includes("migrate:")) return out;
  for (const line of file.lines()) {
    const m = MARKER.exec(line.text);
    if (!m) continue;
    const options = new Map<string, string>();
    for (const pair of (m[2] ?? "").trim().split(/\s+/)) {
      const parts = pair.split(":");
      if (parts.length === 2) options.set(parts[0]!, parts[1]!);
    }
    out.push({ direction: m[1] as "up" | "down", start: line.start, transaction: options.get("transaction") !== "false" });
  }
  return out;
}

function runnerFor(marker: Marker): Runner {
  const line = `-- migrate:${marker.direction} transaction:false`;
  if (marker.transaction) {
    return {
      transaction: "the transaction dbmate runs this block in",
      optOut: `move it alone into a migration of its own whose block is marked \`${line}\` (dbmate sends a whole block as one query, and PostgreSQL runs a query holding several statements as one transaction)`,
    };
  }
  return {
    transaction: "the implicit transaction PostgreSQL runs this block in (with `transaction:false` dbmate still sends the whole block as one query, and a query holding several statements runs as one transaction)",
    optOut: `move it alone into a migration of its own whose block is marked \`${line}\` (a query holding a single statement runs without a transaction)`,
  };
}

function section(direction: "up" | "down", start: number, end: number, marker: Marker): MigrationSection {
  return { direction, ranges: [[start, end]], wrap: marker.transaction ? "transaction" : "implicit", runner: runnerFor(marker) };
}

function sections(file: MigrationFile): MigrationSection[] {
  const all = markers(file);
  const firstUp = all.findIndex((m) => m.direction === "up");
  const end = file.text.length;
  if (firstUp === -1) return [section("up", 0, end, { direction: "up", start: 0, transaction: true })];
  const out: MigrationSection[] = [];
  const ups = all.filter((m, i) => m.direction === "up" && i >= firstUp);
  ups.forEach((up, i) => {
    const blockEnd = ups[i + 1]?.start ?? end;
    const down = all.find((m) => m.direction === "down" && m.start > up.start && m.start < blockEnd);
    out.push(section("up", i === 0 ? 0 : up.start, down?.start ?? blockEnd, up));
    if (down) out.push(section("down", down.start, blockEnd, down));
  });
  return out;
}

export const dbmate: FrameworkDefinition = {
  name: "dbmate",
  docs: "https://github.com/amacneil/dbmate#creating-migrations",
  detect: (file) => markers(file).some((m) => m.direction === "up"),
  sections,
};
