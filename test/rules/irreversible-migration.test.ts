import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { lintFiles } from "../../src/index.js";
import { runRuleTests } from "../harness/rule-tester.js";

const ID = "irreversible-migration";
const goose = (up: string, down: string): string => `-- +goose Up\n${up}\n-- +goose Down\n${down}\n`;

runRuleTests(ID, {
  valid: [
    { name: "reversible: the up adds, the down drops", code: goose("ALTER TABLE users ADD COLUMN email text;", "ALTER TABLE users DROP COLUMN email;") },
    { name: "no down: require-down-migration's case", code: "-- +goose Up\nALTER TABLE users DROP COLUMN email;\n" },
    { name: "a table created in the same up", code: goose("CREATE TABLE t (id int);\nDROP TABLE t;", "SELECT 1;") },
    { name: "text → varchar(n) fails on longer values instead of losing them", code: goose("CREATE TABLE t (a text);\nCOMMIT;\nALTER TABLE t ALTER COLUMN a TYPE varchar(3);", "ALTER TABLE t ALTER COLUMN a TYPE text;") },
    { name: "plain SQL of no tool", code: "ALTER TABLE users DROP COLUMN email;\n" },
    { name: "liquibase: reversible changeset", code: "--liquibase formatted sql\n--changeset a:1\nALTER TABLE users ADD COLUMN phone text;\n--rollback ALTER TABLE users DROP COLUMN phone;\n" },
    { name: "liquibase: rollback empty says there is none on purpose", code: "--liquibase formatted sql\n--changeset a:1\nALTER TABLE users DROP COLUMN email;\n--rollback empty\n" },
  ],
  invalid: [
    {
      name: "goose: drop column with a down that re-adds it",
      code: goose("ALTER TABLE users DROP COLUMN email;", "ALTER TABLE users ADD COLUMN email text;"),
      errors: [{ messageId: "dropColumn", line: 2, column: 19, endColumn: 36, includes: ['rolling back cannot bring back the values of column "email" of "users"', "`-- +goose Down` section"] }],
    },
    {
      name: "sql-migrate: drop table, quoted and schema-qualified names",
      code: '-- +migrate Up\nDROP TABLE app."Users", audit;\n-- +migrate Down\nCREATE TABLE audit (id int);\n',
      errors: [
        { messageId: "dropTable", line: 2, column: 1, includes: ['rows of "app.Users"'] },
        { messageId: "dropTable", line: 2, column: 1, includes: ['rows of "audit"'] },
      ],
    },
    {
      name: "liquibase: drop table with a multi-line rollback block that re-creates it",
      code: "--liquibase formatted sql\n--changeset a:1\nALTER TABLE users ADD COLUMN phone text;\n--rollback ALTER TABLE users DROP COLUMN phone;\n--changeset a:2\nDROP TABLE audit_log;\n/* liquibase rollback\nCREATE TABLE audit_log (id bigint);\n*/\n",
      errors: [{ messageId: "dropTable", line: 6, column: 1, includes: ['rows of "audit_log"', "the rollback of changeset `a:2`"] }],
    },
    {
      name: "dbmate: realistic contract migration",
      fixture: "invalid/dbmate-drop-legacy.sql",
      errors: [
        { messageId: "dropColumn", line: 4, column: 19, includes: ['column "email" of "users"'] },
        { messageId: "dropTable", line: 5, column: 1, includes: ['"user_audit_log"'] },
      ],
    },
  ],
});

describe("irreversible-migration through lintFiles (file pairs)", () => {
  const dir = mkdtempSync(join(tmpdir(), "pgsafe-irreversible-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    const full = join(dir, path);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, text);
  };
  const own = async (path: string): Promise<string[]> => {
    const [result] = await lintFiles([join(dir, path)], { include: [ID], schema: false });
    return result!.messages.filter((m) => m.ruleId === ID).map((m) => m.message);
  };
  const DROP = "ALTER TABLE users DROP COLUMN email;\n";

  it("golang-migrate", async () => {
    write("gm/1_drop.up.sql", DROP);
    write("gm/1_drop.down.sql", "ALTER TABLE users ADD COLUMN email text;\n");
    write("gm/2_drop.up.sql", DROP);
    write("gm/3_add.up.sql", "ALTER TABLE users ADD COLUMN phone text;\n");
    write("gm/3_add.down.sql", "ALTER TABLE users DROP COLUMN phone;\n");
    expect(await own("gm/1_drop.up.sql")).toEqual([expect.stringContaining("(`1_drop.down.sql` can only re-create it empty)")]);
    expect(await own("gm/2_drop.up.sql")).toEqual([]);
    expect(await own("gm/3_add.up.sql")).toEqual([]);
    expect(await own("gm/3_add.down.sql")).toEqual([]);
  });

  it("narrowing with the old type known from an earlier file: numeric scale rounds", async () => {
    write("nr/1_create.up.sql", "CREATE TABLE prices (amount numeric(10,4), note text);\n");
    write("nr/1_create.down.sql", "DROP TABLE prices;\n");
    write("nr/2_narrow.up.sql", "ALTER TABLE prices ALTER COLUMN amount TYPE numeric(10,2), ALTER COLUMN note TYPE varchar(20);\n");
    write("nr/2_narrow.down.sql", "ALTER TABLE prices ALTER COLUMN amount TYPE numeric(10,4), ALTER COLUMN note TYPE text;\n");
    const results = await lintFiles([join(dir, "nr")], { include: [ID] });
    const found = results.flatMap((r) => r.messages.filter((m) => m.ruleId === ID).map((m) => [r.filePath.endsWith("2_narrow.up.sql"), m.messageId, m.line, m.column, m.message]));
    expect(found).toEqual([[true, "narrowType", 1, 20, expect.stringContaining('from numeric(10,4) to numeric(10,2) drops their digits beyond scale 2')]]);
  });

  it("Flyway", async () => {
    write("fw/V1__drop.sql", DROP);
    write("fw/U1__drop.sql", "ALTER TABLE users ADD COLUMN email text;\n");
    write("fw/V2__add.sql", "ALTER TABLE users ADD COLUMN phone text;\n");
    write("fw/U2__add.sql", "ALTER TABLE users DROP COLUMN phone;\n");
    expect(await own("fw/V1__drop.sql")).toEqual([expect.stringContaining("`U1__drop.sql`")]);
    expect(await own("fw/V2__add.sql")).toEqual([]);
  });

  it("sqitch", async () => {
    write("sq/sqitch.plan", "%project=shop\n\ndrop 2024-01-01T00:00:00Z A <a@example.com>\nadd 2024-01-02T00:00:00Z A <a@example.com>\n");
    write("sq/deploy/drop.sql", `BEGIN;\n${DROP}COMMIT;\n`);
    write("sq/revert/drop.sql", "BEGIN;\nALTER TABLE users ADD COLUMN email text;\nCOMMIT;\n");
    write("sq/deploy/add.sql", "BEGIN;\nALTER TABLE users ADD COLUMN phone text;\nCOMMIT;\n");
    write("sq/revert/add.sql", "BEGIN;\nALTER TABLE users DROP COLUMN phone;\nCOMMIT;\n");
    expect(await own("sq/deploy/drop.sql")).toEqual([expect.stringContaining("`revert/drop.sql`")]);
    expect(await own("sq/deploy/add.sql")).toEqual([]);
  });
});

describe("which narrowings lose data (PostgreSQL)", () => {
  it("refuses text → varchar(n) and bigint → int that do not fit, rounds numeric scale", async () => {
    const db = await PGlite.create();
    await db.exec("CREATE TABLE t (a text, b bigint, c numeric(10,4)); INSERT INTO t VALUES ('abcdef', 5000000000, 1.2345);");
    await expect(db.exec("ALTER TABLE t ALTER COLUMN a TYPE varchar(3)")).rejects.toThrow(/value too long/);
    await expect(db.exec("ALTER TABLE t ALTER COLUMN b TYPE int")).rejects.toThrow(/out of range/);
    await db.exec("ALTER TABLE t ALTER COLUMN c TYPE numeric(10,2)");
    expect((await db.query<{ c: string }>("SELECT c FROM t")).rows).toEqual([{ c: "1.23" }]);
    await db.close();
  }, 60_000);
});
