import { describe, expect, it } from "vitest";
import { analyzeMigration } from "../../src/analysis/context.js";
import { existingTableChanges, statementPhases } from "../../src/analysis/phases.js";
import { parseSql } from "../../src/parser/parse.js";

const phasesOf = (sql: string) => statementPhases(parseSql(sql).statements[0]!).map((c) => `${c.phase} ${c.kind} ${c.table.key}${c.command !== undefined ? `#${c.command}` : ""}`);

function changes(sql: string) {
  const parsed = parseSql(sql);
  const migration = analyzeMigration(parsed);
  return existingTableChanges(parsed.statements, migration.isNewTable).map((c) => `${c.statement.index}: ${c.phase} ${c.kind} ${c.identity} (${c.table.key})`);
}

describe("statementPhases", () => {
  it("classifies expand statements", () => {
    expect(phasesOf("ALTER TABLE app.t ADD COLUMN a int, ADD CONSTRAINT c CHECK (a > 0), ALTER COLUMN b SET DEFAULT 1")).toEqual([
      "expand add-column app.t#0",
      "expand add-constraint app.t#1",
    ]);
    expect(phasesOf("CREATE UNIQUE INDEX CONCURRENTLY i ON t (a)")).toEqual(["expand add-index public.t"]);
    expect(phasesOf('CREATE TABLE "T" (a int)')).toEqual(["expand create-table public.T"]);
  });

  it("classifies contract statements", () => {
    expect(phasesOf("ALTER TABLE t ALTER COLUMN a DROP NOT NULL, DROP COLUMN b")).toEqual(["contract drop-column public.t#1"]);
    expect(phasesOf("ALTER TABLE t RENAME COLUMN a TO b")).toEqual(["contract rename-column public.t"]);
    expect(phasesOf("ALTER TABLE t RENAME TO u")).toEqual(["contract rename-table public.t"]);
    expect(phasesOf("DROP TABLE a, s.b")).toEqual(["contract drop-table public.a", "contract drop-table s.b"]);
  });

  it("ignores what is neither", () => {
    expect(phasesOf("ALTER INDEX i RENAME TO j")).toEqual([]);
    expect(phasesOf("ALTER TABLE t DROP CONSTRAINT c")).toEqual([]);
    expect(phasesOf("DROP INDEX i")).toEqual([]);
    expect(phasesOf("CREATE VIEW v AS SELECT 1")).toEqual([]);
  });
});

describe("existingTableChanges", () => {
  it("leaves out tables created in the file, and columns the file added", () => {
    expect(changes("CREATE TABLE n (a int);\nALTER TABLE n DROP COLUMN a;\nALTER TABLE t ADD COLUMN x int;\nALTER TABLE t RENAME COLUMN x TO y;\nALTER TABLE t DROP COLUMN y;")).toEqual([
      "2: expand add-column public.t (public.t)",
    ]);
  });

  it("follows an existing table through renames", () => {
    expect(changes("ALTER TABLE a RENAME TO b;\nALTER TABLE b ADD COLUMN x int;\nALTER TABLE b RENAME TO c;\nDROP TABLE c;")).toEqual([
      "0: contract rename-table public.a (public.a)",
      "1: expand add-column public.a (public.b)",
      "2: contract rename-table public.a (public.b)",
      "3: contract drop-table public.a (public.c)",
    ]);
  });

  it("a new table under a vacated name expands the old table once; later changes are to the new table", () => {
    expect(changes("DROP TABLE t;\nCREATE TABLE t (a int);\nALTER TABLE t DROP COLUMN a;\nCREATE TABLE u (a int);")).toEqual([
      "0: contract drop-table public.t (public.t)",
      "1: expand create-table public.t (public.t)",
    ]);
  });
});
