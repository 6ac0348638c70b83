import { describe, expect, it } from "vitest";
import { detectFramework, planMigration } from "../../src/analysis/frameworks/index.js";
import { lintFiles, lintText } from "../../src/index.js";
import { at, fixture, FIXTURES, only, relativeTo, sectionLines } from "./helpers.js";

describe("dbmate", () => {
  it("is detected from `-- migrate:up` at the start of a line", () => {
    expect(detectFramework("-- migrate:up\nSELECT 1;\n-- migrate:down\n", "/db/migrations/20240101000000_x.sql")).toBe("dbmate");
    expect(detectFramework("--migrate:up transaction:false\nSELECT 1;\n")).toBe("dbmate");
    expect(detectFramework("    -- migrate:up\nSELECT 1;\n")).toBeUndefined();
    expect(detectFramework("-- migrate:upgrade\nSELECT 1;\n")).toBeUndefined();
  });

  it("splits the file at `-- migrate:down`", () => {
    const { path, text } = fixture("dbmate", "20240105093000_create_users.sql");
    const plan = planMigration(text, path);
    expect(plan.framework).toBe("dbmate");
    expect(plan.sections.map((s) => [s.direction, sectionLines(text, s), s.wrap])).toEqual([
      ["up", [1, 14], "transaction"],
      ["down", [15, 17], "transaction"],
    ]);
  });

  it("lints the down section at the file's own lines, as a migration of its own", async () => {
    const [result] = await lintFiles([fixture("dbmate", "20240105093000_create_users.sql").path]);
    expect(at(result!, "ban-drop-table")).toEqual(["16:1 ban-drop-table", "17:1 ban-drop-table"]);
  });

  it("wraps a block in a transaction unless it says transaction:false", async () => {
    const [result] = await lintFiles([fixture("dbmate", "20240201080000_orders_user_fk_index.sql").path]);
    // Up (line 3) is wrapped; down is marked transaction:false and holds one statement.
    expect(at(result!, "ban-concurrently-in-transaction")).toEqual(["3:14 ban-concurrently-in-transaction"]);
    expect(only(result!, "ban-concurrently-in-transaction")[0]!.message).toContain("the transaction dbmate runs this block in");
    expect(only(result!, "ban-concurrently-in-transaction")[0]!.help).toContain("-- migrate:up transaction:false");
  });

  it("transaction:false with one statement: no transaction at all", async () => {
    const { path, text } = fixture("dbmate", "20240112141500_index_users_email.sql");
    expect(planMigration(text, path).sections.map((s) => s.wrap)).toEqual(["implicit", "implicit"]);
    const [result] = await lintFiles([path]);
    expect(at(result!, "ban-concurrently-in-transaction")).toEqual([]);
  });

  it("transaction:false with several statements: PostgreSQL's implicit transaction still refuses CONCURRENTLY", async () => {
    const [result] = await lintFiles([fixture("dbmate", "20240120110000_orders_status_index.sql").path]);
    // Up: SET + CREATE INDEX CONCURRENTLY sent as one query; down: the default transaction.
    expect(at(result!, "ban-concurrently-in-transaction")).toEqual(["5:14 ban-concurrently-in-transaction", "8:12 ban-concurrently-in-transaction"]);
    const [up, down] = only(result!, "ban-concurrently-in-transaction");
    expect(up!.message).toContain("implicit transaction");
    expect(up!.message).toContain("transaction:false");
    expect(down!.message).toContain("the transaction dbmate runs this block in");
  });

  it("several up/down pairs in one file are linted one by one, each with its own options", () => {
    const text = [
      "-- migrate:up",
      "CREATE TABLE audit (id bigint PRIMARY KEY);",
      "-- migrate:down",
      "DROP TABLE audit;",
      "-- migrate:up transaction:false",
      "CREATE INDEX CONCURRENTLY audit_id_idx ON audit (id);",
      "-- migrate:down transaction:false",
      "DROP INDEX CONCURRENTLY audit_id_idx;",
      "",
    ].join("\n");
    const plan = planMigration(text, "/db/migrations/20240301000000_audit.sql");
    expect(plan.sections.map((s) => [s.direction, sectionLines(text, s), s.wrap])).toEqual([
      ["up", [1, 2], "transaction"],
      ["down", [3, 4], "transaction"],
      ["up", [5, 6], "implicit"],
      ["down", [7, 8], "implicit"],
    ]);
    const result = lintText(text, { filePath: "/db/migrations/20240301000000_audit.sql" });
    expect(at(result, "ban-concurrently-in-transaction")).toEqual([]);
    expect(at(result, "ban-drop-table")).toEqual(["4:1 ban-drop-table"]);
  });

  it("orders the history by its timestamp prefixes", async () => {
    const results = await lintFiles([`${FIXTURES}/dbmate`]);
    expect(relativeTo("dbmate", results)).toEqual([
      "20240105093000_create_users.sql",
      "20240112141500_index_users_email.sql",
      "20240120110000_orders_status_index.sql",
      "20240201080000_orders_user_fk_index.sql",
    ]);
  });
});
