import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lintFiles, lintText } from "../../src/index.js";
import { runRuleTests } from "../harness/rule-tester.js";

const ID = "require-down-migration";

runRuleTests(ID, {
  valid: [
    { name: "goose with a down section", code: "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n" },
    { name: "dbmate with a down block", code: "-- migrate:up\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n" },
    { name: "sql-migrate with a down section", code: "-- +migrate Up\nCREATE TABLE a (id int);\n-- +migrate Down\nDROP TABLE a;\n" },
    { name: "plain SQL of no tool", code: "CREATE TABLE a (id int);\n" },
    { name: "liquibase changeset with a rollback", code: "--liquibase formatted sql\n--changeset a:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n" },
    { name: "liquibase changeset whose rollback is not required, on purpose", code: "--liquibase formatted sql\n--changeset a:1\nINSERT INTO a VALUES (1);\n--rollback not required\n" },
  ],
  invalid: [
    {
      name: "goose without a down section",
      code: "-- +goose Up\nCREATE TABLE a (id int);\n",
      errors: [{ messageId: "missingDown", line: 1, column: 1, endColumn: 13, includes: ["goose", "the file has no `-- +goose Down` section"] }],
    },
    {
      name: "goose with an empty down section",
      code: "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\n-- nothing to undo\n",
      errors: [{ messageId: "missingDown", line: 1, column: 1, includes: ["its `-- +goose Down` section is empty"] }],
    },
    {
      name: "dbmate without a down block",
      code: "-- migrate:up\nCREATE TABLE a (id int);\n",
      errors: [{ messageId: "missingDown", line: 1, column: 1, includes: ["dbmate", "`-- migrate:down` block"] }],
    },
    {
      name: "sql-migrate without a down section",
      code: "-- +migrate Up\nCREATE TABLE a (id int);\n",
      errors: [{ messageId: "missingDown", line: 1, column: 1, includes: ["sql-migrate", "`-- +migrate Down` section"] }],
    },
    {
      name: "liquibase: the second changeset has no rollback (reported at its --changeset line)",
      code: "--liquibase formatted sql\n--changeset a:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n\n--changeset a:2 runInTransaction:false\nCREATE INDEX CONCURRENTLY a_id_idx ON a (id);\n",
      errors: [{ messageId: "missingDown", line: 6, column: 1, endColumn: 39, includes: ["liquibase", "changeset `a:2` has no `--rollback` lines"] }],
    },
    {
      name: "realistic goose file with statement blocks and no down",
      fixture: "invalid/goose-create-orders.sql",
      errors: [{ messageId: "missingDown", line: 1, column: 1, includes: ["goose"] }],
    },
  ],
});

describe("require-down-migration through lintText / lintFiles", () => {
  const dir = mkdtempSync(join(tmpdir(), "pgsafe-downs-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string): string => {
    const full = join(dir, path);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, text);
    return full;
  };
  const own = async (path: string): Promise<string[]> => {
    const [result] = await lintFiles([join(dir, path)], { include: [ID], schema: false });
    return result!.messages.filter((m) => m.ruleId === ID).map((m) => m.message);
  };

  it("reports a goose file linted as text", () => {
    const result = lintText("-- +goose Up\nCREATE TABLE a (id int);\n", { include: [ID] });
    expect(result.messages.filter((m) => m.ruleId === ID).map((m) => [m.line, m.column])).toEqual([[1, 1]]);
  });

  it("golang-migrate: an up file without its down file", async () => {
    write("gm/1_users.up.sql", "CREATE TABLE users (id int);\n");
    write("gm/2_orders.up.sql", "CREATE TABLE orders (id int);\n");
    write("gm/2_orders.down.sql", "DROP TABLE orders;\n");
    expect(await own("gm/1_users.up.sql")).toEqual([expect.stringContaining("no `1_users.down.sql` next to it")]);
    expect(await own("gm/2_orders.up.sql")).toEqual([]);
    expect(await own("gm/2_orders.down.sql")).toEqual([]);
  });

  it("golang-migrate: not decided without a file on disk", () => {
    expect(lintText("CREATE TABLE users (id int);\n", { include: [ID], filePath: join(dir, "gm/9_missing.up.sql") }).messages.filter((m) => m.ruleId === ID)).toEqual([]);
  });

  it("Flyway: a versioned migration without its undo migration", async () => {
    write("fw/V1__users.sql", "CREATE TABLE users (id int);\n");
    write("fw/V2__orders.sql", "CREATE TABLE orders (id int);\n");
    write("fw/U2__orders.sql", "DROP TABLE orders;\n");
    expect(await own("fw/V1__users.sql")).toEqual([expect.stringContaining("flyway migration has no down migration: there is no undo migration `U1__*.sql`")]);
    expect(await own("fw/V2__orders.sql")).toEqual([]);
  });

  it("sqitch: a deploy script without its revert script", async () => {
    write("sq/sqitch.plan", "%project=shop\n\nusers 2024-01-01T00:00:00Z A <a@example.com>\norders 2024-01-02T00:00:00Z A <a@example.com>\n");
    write("sq/deploy/users.sql", "BEGIN;\nCREATE TABLE users (id int);\nCOMMIT;\n");
    write("sq/deploy/orders.sql", "BEGIN;\nCREATE TABLE orders (id int);\nCOMMIT;\n");
    write("sq/revert/orders.sql", "BEGIN;\nDROP TABLE orders;\nCOMMIT;\n");
    expect(await own("sq/deploy/users.sql")).toEqual([expect.stringContaining("there is no revert script `revert/users.sql`")]);
    expect(await own("sq/deploy/orders.sql")).toEqual([]);
  });
});

/**
 * Every tool that has downs, in the three cases: no down (require-down-migration), a down that
 * cannot bring the data back (irreversible-migration), and a down that undoes the migration (neither).
 */
describe("every tool with downs: missing, irreversible and reversible down", () => {
  const dir = mkdtempSync(join(tmpdir(), "pgsafe-downs-matrix-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string): string => {
    const full = join(dir, path);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, text);
    return full;
  };
  const PLAN = "%project=shop\n\nx 2024-01-01T00:00:00Z A <a@example.com>\n";
  /** Writes the migration (and its down, when given) under `at`; returns the up migration's path. */
  const TOOLS: Record<string, (at: string, up: string, down?: string) => string> = {
    goose: (at, up, down) => write(`${at}/1_x.sql`, `-- +goose Up\n${up}\n${down ? `-- +goose Down\n${down}\n` : ""}`),
    dbmate: (at, up, down) => write(`${at}/1_x.sql`, `-- migrate:up\n${up}\n${down ? `-- migrate:down\n${down}\n` : ""}`),
    "sql-migrate": (at, up, down) => write(`${at}/1_x.sql`, `-- +migrate Up\n${up}\n${down ? `-- +migrate Down\n${down}\n` : ""}`),
    "golang-migrate": (at, up, down) => {
      if (down) write(`${at}/1_x.down.sql`, `${down}\n`);
      return write(`${at}/1_x.up.sql`, `${up}\n`);
    },
    flyway: (at, up, down) => {
      if (down) write(`${at}/U1__x.sql`, `${down}\n`);
      return write(`${at}/V1__x.sql`, `${up}\n`);
    },
    sqitch: (at, up, down) => {
      write(`${at}/sqitch.plan`, PLAN);
      if (down) write(`${at}/revert/x.sql`, `BEGIN;\n${down}\nCOMMIT;\n`);
      return write(`${at}/deploy/x.sql`, `BEGIN;\n${up}\nCOMMIT;\n`);
    },
    liquibase: (at, up, down) => write(`${at}/changelog.sql`, `--liquibase formatted sql\n--changeset a:1\n${up}\n${down ? `--rollback ${down}\n` : ""}`),
  };
  const CASES: [string, string, string | undefined, string[]][] = [
    ["missing down", "ALTER TABLE users ADD COLUMN phone text;", undefined, [ID]],
    ["irreversible down", "ALTER TABLE users DROP COLUMN email;", "ALTER TABLE users ADD COLUMN email text;", ["irreversible-migration"]],
    ["reversible down", "ALTER TABLE users ADD COLUMN phone text;", "ALTER TABLE users DROP COLUMN phone;", []],
  ];
  for (const [tool, writeMigration] of Object.entries(TOOLS)) {
    for (const [name, up, down, expected] of CASES) {
      it(`${tool}: ${name}`, async () => {
        const path = writeMigration(`${tool}/${name.replace(/ /g, "-")}`, up, down);
        const [result] = await lintFiles([path], { include: [ID, "irreversible-migration"], schema: false });
        expect(result!.messages.filter((m) => m.ruleId === ID || m.ruleId === "irreversible-migration").map((m) => m.ruleId)).toEqual(expected);
      });
    }
  }
});
