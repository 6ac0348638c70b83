import { describe, expect, it } from "vitest";
import { detectFramework, planMigration } from "../../src/analysis/frameworks/index.js";
import { dbmsIncludesPostgres } from "../../src/analysis/frameworks/liquibase.js";
import { lintFiles, lintText } from "../../src/index.js";
import { at, fixture, FIXTURES, only, relativeTo, sectionLines } from "./helpers.js";

const CONCURRENTLY = "ban-concurrently-in-transaction";
const DOWN_RULES = { include: ["require-down-migration", "irreversible-migration"] };

/** [direction, first line, last line, wrap] of each section. */
function layout(text: string, path?: string): [string, number, number, string | undefined][] {
  return planMigration(text, path).sections.map((s) => [s.direction, ...sectionLines(text, s), s.wrap]);
}

describe("liquibase formatted SQL", () => {
  it("is detected from `--liquibase formatted sql` on the first non-blank line: any case, any spacing", () => {
    expect(detectFramework("--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n")).toBe("liquibase");
    expect(detectFramework("\n\n   -- Liquibase Formatted SQL\n--changeset a:1\nSELECT 1;\n")).toBe("liquibase");
    expect(detectFramework("--liquibaseformatted sql\n")).toBe("liquibase");
    expect(detectFramework("\r\n \t\r\n\u00a0\n--liquibase formatted sql\r\n--changeset a:1\r\nSELECT 1;\r\n")).toBe("liquibase");
    // Lines end at \n only: a lone \r does not start a line.
    expect(detectFramework("SELECT 1;\r--liquibase formatted sql\n")).toBeUndefined();
    // Only the first non-blank line counts, and only that header.
    expect(detectFramework("SELECT 1;\n--liquibase formatted sql\n")).toBeUndefined();
    expect(detectFramework("-- liquibase is used elsewhere\n--changeset a:1\nSELECT 1;\n")).toBeUndefined();
    // The header wins over a Flyway-looking file name.
    expect(detectFramework("--liquibase formatted sql\n--changeset a:1\nSELECT 1;\n", "/db/V1__init.sql")).toBe("liquibase");
  });

  it("makes each changeset a migration and its rollback lines its down, at the file's own lines", () => {
    const { path, text } = fixture("liquibase", "001_users.sql");
    expect(planMigration(text, path).framework).toBe("liquibase");
    expect(layout(text, path)).toEqual([
      ["up", 3, 10, "transaction"],
      ["down", 9, 9, "transaction"],
      ["up", 11, 14, "transaction"],
      ["down", 13, 13, "transaction"],
      ["up", 15, 16, "none"],
      ["down", 17, 17, "none"],
    ]);
  });

  it("runs each changeset in its own transaction: CONCURRENTLY is flagged there, in the rollback too, and not with runInTransaction:false", async () => {
    const [result] = await lintFiles([fixture("liquibase", "001_users.sql").path]);
    expect(at(result!, CONCURRENTLY)).toEqual([`12:14 ${CONCURRENTLY}`, `13:23 ${CONCURRENTLY}`]);
    const [up, down] = only(result!, CONCURRENTLY);
    expect(up!.message).toContain("the transaction Liquibase runs this changeset in");
    expect(up!.help).toContain("runInTransaction:false");
    expect(up!.endColumn).toBe(26);
    expect(down!.message).toContain("DROP INDEX CONCURRENTLY");
    // The rollback's SQL keeps its columns: "--rollback " is 11 characters.
    expect([down!.line, down!.column, down!.endColumn]).toEqual([13, 23, 35]);
  });

  it("lints a rollback as a migration of its own: the table the changeset created is not new there", async () => {
    const [result] = await lintFiles([fixture("liquibase", "001_users.sql").path]);
    expect(at(result!, "ban-drop-table")).toEqual(["9:12 ban-drop-table"]);
    // Read as plain SQL, the rollback lines are comments.
    expect(at(lintText(fixture("liquibase", "001_users.sql").text, { framework: "none" }), "ban-drop-table")).toEqual([]);
  });

  it("reads the changeset attributes: multi-line rollback block, splitStatements:false, rollback not required, dbms, ignoreLines, endDelimiter", async () => {
    const { path, text } = fixture("liquibase", "002_orders.sql");
    expect(layout(text, path)).toEqual([
      ["up", 4, 10, "transaction"],
      ["down", 8, 8, "transaction"],
      ["up", 11, 13, "transaction"],
      // runInTransaction:false with splitStatements:false: the changeset is sent in one call.
      ["up", 14, 18, "implicit"],
      // bob:orders-4 is for Oracle (dbms:oracle) and lines 21-23 are hidden by --ignoreLines.
      ["up", 26, 28, "none"],
      ["down", 30, 31, "none"],
    ]);
    const [result] = await lintFiles([path], DOWN_RULES);
    // The multi-line rollback block is linted (line 8), the ignored DROP TABLE of line 22 is not.
    expect(at(result!, "ban-drop-table")).toEqual(["8:1 ban-drop-table"]);
    // SET and CREATE INDEX CONCURRENTLY sent together run in one implicit transaction.
    expect(at(result!, CONCURRENTLY)).toEqual([`16:14 ${CONCURRENTLY}`]);
    expect(only(result!, CONCURRENTLY)[0]!.message).toContain("`splitStatements:false`");
    // The Oracle-only changeset's TABLESPACE clause and the GO delimiter line are no syntax errors.
    expect(at(result!, "syntax-error")).toEqual([]);
    expect(result!.messages.filter((m) => m.line >= 19 && m.line <= 25)).toEqual([]);
    // Only bob:orders-2 lacks a rollback; orders-3 says "not required".
    expect(at(result!, "require-down-migration")).toEqual(["11:1 require-down-migration"]);
    expect(only(result!, "require-down-migration")[0]!.message).toContain("changeset `bob:orders-2` has no `--rollback` lines");
  });

  it("endDelimiter: a line holding only the delimiter ends the statement", () => {
    const text = "--liquibase formatted sql\n--changeset a:1 endDelimiter:/\nCREATE TABLE t (id int)\n/\nCREATE TABLE u (id int)\n/\n";
    const result = lintText(text);
    expect(at(result, "syntax-error")).toEqual([]);
    expect(result.statementCount).toBe(2);
    expect(at(lintText(text.replace(" endDelimiter:/", "")), "syntax-error")).not.toEqual([]);
  });

  it("findings keep the file's columns and fixes edit the file at the right place", () => {
    const { text } = fixture("liquibase", "001_users.sql");
    const result = lintText(text, { include: ["prefer-robust-stmts"], filePath: "/db/changelog/001_users.sql" });
    const fixes = result.messages.filter((m) => m.ruleId === "prefer-robust-stmts" && m.fix);
    expect(fixes.map((m) => m.line)).toEqual([16, 17]);
    const rollback = fixes.find((m) => m.line === 17)!.fix!;
    const fixed = text.slice(0, rollback.range[0]) + rollback.text + text.slice(rollback.range[1]);
    expect(fixed.split("\n")[16]).toBe("--rollback DROP INDEX CONCURRENTLY IF EXISTS users_id_email_idx;");
  });

  it("--framework liquibase on a file without changesets: one migration in a transaction", () => {
    const result = lintText("CREATE INDEX CONCURRENTLY a_idx ON a (b);\n", { framework: "liquibase" });
    expect(at(result, CONCURRENTLY)).toEqual([`1:14 ${CONCURRENTLY}`]);
  });

  it("dbms: which lists let a changeset run on PostgreSQL", () => {
    expect([undefined, "postgresql", "oracle,postgresql", "!oracle", "all", "PostgreSQL"].map(dbmsIncludesPostgres)).toEqual([true, true, true, true, true, true]);
    expect(["oracle", "!postgresql", "none", "mysql,oracle", "!oracle,!postgresql"].map(dbmsIncludesPostgres)).toEqual([false, false, false, false, false]);
    // A file whose every changeset is for another database lints nothing.
    const result = lintText("--liquibase formatted sql\n--changeset a:1 dbms:mysql\nCREATE TABLE t (id int) ENGINE=InnoDB;\n", DOWN_RULES);
    expect(result.messages).toEqual([]);
  });

  it("require-down-migration and irreversible-migration read the rollbacks", async () => {
    const [result] = await lintFiles([fixture("liquibase", "003_contract.sql").path], { ...DOWN_RULES, schema: false });
    expect(at(result!, "irreversible-migration")).toEqual(["4:19 irreversible-migration"]);
    expect(only(result!, "irreversible-migration")[0]!.message).toContain("(the rollback of changeset `carol:contract-1` can only re-create it empty)");
    expect(at(result!, "require-down-migration")).toEqual(["11:1 require-down-migration"]);
    // A rollback that re-runs another changeset counts as one, and holds no SQL to lint.
    const rerun = "--liquibase formatted sql\n--changeset a:1\nALTER TABLE users ADD COLUMN bio text;\n--rollback changesetId:drop-bio changesetAuthor:a\n";
    expect(lintText(rerun, DOWN_RULES).messages.filter((m) => DOWN_RULES.include.includes(m.ruleId))).toEqual([]);
    // A rollback that holds only a comment is none.
    const comment = "--liquibase formatted sql\n--changeset a:1\nALTER TABLE users ADD COLUMN bio text;\n--rollback -- nothing\n";
    expect(only(lintText(comment, DOWN_RULES), "require-down-migration")[0]!.message).toContain("hold no SQL");
  });

  it("orders the changelogs by their names", async () => {
    const results = await lintFiles([`${FIXTURES}/liquibase`]);
    expect(relativeTo("liquibase", results)).toEqual(["001_users.sql", "002_orders.sql", "003_contract.sql"]);
  });
});
