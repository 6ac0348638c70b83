import { describe, expect, it } from "vitest";
import { detectFramework, planMigration } from "../../src/analysis/frameworks/index.js";
import { lintFiles, lintText } from "../../src/index.js";
import { at, fixture, FIXTURES, only, relativeTo, sectionLines } from "./helpers.js";

describe("sql-migrate", () => {
  it("is detected from `-- +migrate Up` / `Down`, written exactly so", () => {
    expect(detectFramework("-- +migrate Up\nSELECT 1;\n", "/migrations/1_x.sql")).toBe("sql-migrate");
    expect(detectFramework("-- +migrate Down\nSELECT 1;\n")).toBe("sql-migrate");
    expect(detectFramework("-- +migrate up\nSELECT 1;\n")).toBeUndefined();
    expect(detectFramework("--+migrate Up\nSELECT 1;\n")).toBeUndefined();
  });

  it("splits the file into Up and Down", () => {
    const { path, text } = fixture("sql-migrate", "1_create_users.sql");
    const plan = planMigration(text, path);
    expect(plan.sections.map((s) => [s.direction, sectionLines(text, s), s.wrap])).toEqual([
      ["up", [1, 14], "transaction"],
      ["down", [15, 17], "transaction"],
    ]);
    return lintFiles([path]).then(([result]) => expect(at(result!, "ban-drop-table")).toEqual(["16:1 ban-drop-table", "17:1 ban-drop-table"]));
  });

  it("collects every Up block into the up migration and every Down block into the down one", () => {
    const text = ["-- +migrate Up", "CREATE TABLE a (id bigint);", "-- +migrate Down", "DROP TABLE a;", "-- +migrate Up", "CREATE TABLE b (id bigint);", "-- +migrate Down", "DROP TABLE b;", ""].join("\n");
    const plan = planMigration(text, "/migrations/3_ab.sql");
    expect(plan.sections.map((s) => [s.direction, s.ranges.map(([from, to]) => text.slice(from, to).split("\n")[1])])).toEqual([
      ["up", ["CREATE TABLE a (id bigint);", "CREATE TABLE b (id bigint);"]],
      ["down", ["DROP TABLE a;", "DROP TABLE b;"]],
    ]);
  });

  it("runs each direction in a transaction unless its marker says notransaction", async () => {
    const [plain] = await lintFiles([fixture("sql-migrate", "10_orders_status.sql").path]);
    expect(at(plain!, "ban-concurrently-in-transaction")).toEqual(["10:14 ban-concurrently-in-transaction"]);
    expect(only(plain!, "ban-concurrently-in-transaction")[0]!.help).toContain("`-- +migrate Up` line ends with `notransaction`");
    const { path, text } = fixture("sql-migrate", "2_index_users_email.sql");
    expect(planMigration(text, path).sections.map((s) => s.wrap)).toEqual(["none", "none"]);
    const [optedOut] = await lintFiles([path]);
    expect(at(optedOut!, "ban-concurrently-in-transaction")).toEqual([]);
    const wrapped = lintText(text.replace(" notransaction\n", "\n"), { filePath: path });
    expect(at(wrapped, "ban-concurrently-in-transaction")).toEqual(["3:14 ban-concurrently-in-transaction"]);
  });

  it("`-- +migrate StatementEnd` ends a statement written without a semicolon", async () => {
    const { path, text } = fixture("sql-migrate", "10_orders_status.sql");
    const [result] = await lintFiles([path]);
    expect(at(result!, "syntax-error")).toEqual([]);
    expect(at(lintText(text, { framework: "none" }), "syntax-error")).not.toEqual([]);
  });

  it("orders the history numerically", async () => {
    const results = await lintFiles([`${FIXTURES}/sql-migrate`]);
    expect(relativeTo("sql-migrate", results)).toEqual(["1_create_users.sql", "2_index_users_email.sql", "10_orders_status.sql"]);
  });
});
