import { describe, expect, it } from "vitest";
import { detectFramework, planMigration } from "../../src/analysis/frameworks/index.js";
import { lintFiles, lintText } from "../../src/index.js";
import { at, fixture, FIXTURES, only, relativeTo, sectionLines } from "./helpers.js";

describe("goose", () => {
  it("is detected from its annotations: case-insensitive, at the start of a line only", () => {
    expect(detectFramework("-- +goose Up\nSELECT 1;\n", "/app/db/1_x.sql")).toBe("goose");
    expect(detectFramework("-- +goose up\nSELECT 1;\n")).toBe("goose");
    expect(detectFramework("--+goose UP\nSELECT 1;\n")).toBe("goose");
    expect(detectFramework("SELECT 1;\r\n-- +GOOSE UP\r\nSELECT 2;\r\n")).toBe("goose");
    // goose rejects an indented annotation, and a comment after code is no annotation.
    expect(detectFramework("  -- +goose Up\nSELECT 1;\n")).toBeUndefined();
    expect(detectFramework("SELECT 1; -- +goose Up\n")).toBeUndefined();
    expect(detectFramework("-- +goose Down\nSELECT 1;\n")).toBeUndefined();
  });

  it("splits the file at `-- +goose Down`: the up section starts at the top of the file", () => {
    const { path, text } = fixture("goose", "20240105093000_create_users.sql");
    const plan = planMigration(text, path);
    expect(plan.framework).toBe("goose");
    expect(plan.sections.map((s) => [s.direction, sectionLines(text, s), s.wrap])).toEqual([
      ["up", [1, 14], "transaction"],
      ["down", [15, 17], "transaction"],
    ]);
    expect(text.slice(plan.sections[1]!.ranges[0]![0]).startsWith("-- +goose Down\n")).toBe(true);
  });

  it("lints the down section as its own migration, at the file's own lines", async () => {
    const [result] = await lintFiles([fixture("goose", "20240105093000_create_users.sql").path]);
    // The tables are new in the up migration, but not when the down migration runs.
    expect(at(result!, "ban-drop-table")).toEqual(["16:1 ban-drop-table", "17:1 ban-drop-table"]);
    const { text } = fixture("goose", "20240105093000_create_users.sql");
    const asOneFile = lintText(text, { framework: "none" });
    expect(at(asOneFile, "ban-drop-table")).toEqual([]);
    expect(result!.source).toBe(text);
  });

  it("runs each section in a transaction: CONCURRENTLY is flagged in both", async () => {
    const [result] = await lintFiles([fixture("goose", "20240120110000_orders_status_index.sql").path]);
    expect(at(result!, "ban-concurrently-in-transaction")).toEqual(["4:14 ban-concurrently-in-transaction", "8:12 ban-concurrently-in-transaction"]);
    const [up] = only(result!, "ban-concurrently-in-transaction");
    expect(up!.message).toContain("the transaction goose runs this migration in");
    expect(up!.endColumn).toBe(26);
    expect(up!.help).toContain("-- +goose NO TRANSACTION");
  });

  it("`-- +goose NO TRANSACTION` turns the transaction off for Up and Down", async () => {
    const { path, text } = fixture("goose", "20240112141500_index_users_email.sql");
    expect(planMigration(text, path).sections.map((s) => s.wrap)).toEqual(["none", "none"]);
    const [result] = await lintFiles([path]);
    expect(at(result!, "ban-concurrently-in-transaction")).toEqual([]);
    // The same statements without the annotation are flagged.
    const wrapped = lintText(text.replace("-- +goose NO TRANSACTION\n", "\n"), { filePath: path });
    expect(at(wrapped, "ban-concurrently-in-transaction")).toEqual(["6:14 ban-concurrently-in-transaction", "10:12 ban-concurrently-in-transaction"]);
    // Lower case works too (goose compares annotations case-insensitively).
    const lower = lintText(text.replace("NO TRANSACTION", "no transaction"), { filePath: path });
    expect(at(lower, "ban-concurrently-in-transaction")).toEqual([]);
  });

  it("`-- +goose StatementEnd` ends a statement written without a semicolon", async () => {
    const { path, text } = fixture("goose", "20240201080000_touch_updated_at.sql");
    const [result] = await lintFiles([path]);
    expect(at(result!, "syntax-error")).toEqual([]);
    expect(at(result!, "ban-drop-column")).toEqual(["18:20 ban-drop-column"]);
    expect(result!.statementCount).toBe(6);
    // Read as plain SQL, the function runs into the SET that follows it.
    expect(at(lintText(text, { framework: "none" }), "syntax-error")).not.toEqual([]);
  });

  it("fixes in the down section edit the file at the right place", () => {
    const { text } = fixture("goose", "20240105093000_create_users.sql");
    const result = lintText(`-- +goose NO TRANSACTION\n${text}`, { include: ["prefer-robust-stmts"], filePath: "/db/1_create.sql" });
    const fixes = result.messages.filter((m) => m.ruleId === "prefer-robust-stmts" && m.fix);
    expect(fixes.map((m) => m.line)).toEqual([3, 9, 17, 18]);
    const source = `-- +goose NO TRANSACTION\n${text}`;
    const down = fixes.find((m) => m.line === 17)!.fix!;
    const fixed = source.slice(0, down.range[0]) + down.text + source.slice(down.range[1]);
    expect(fixed.split("\n")[16]).toBe("DROP TABLE IF EXISTS orders;");
  });

  it("`--framework goose` on a file without annotations: one up migration in a transaction", () => {
    const result = lintText("CREATE INDEX CONCURRENTLY a_idx ON a (b);\n", { framework: "goose" });
    expect(at(result, "ban-concurrently-in-transaction")).toEqual(["1:14 ban-concurrently-in-transaction"]);
    expect(at(lintText("CREATE INDEX CONCURRENTLY a_idx ON a (b);\n"), "ban-concurrently-in-transaction")).toEqual([]);
  });

  it("orders the history by its timestamp prefixes", async () => {
    const results = await lintFiles([`${FIXTURES}/goose`]);
    expect(relativeTo("goose", results)).toEqual([
      "20240105093000_create_users.sql",
      "20240112141500_index_users_email.sql",
      "20240120110000_orders_status_index.sql",
      "20240201080000_touch_updated_at.sql",
    ]);
  });
});
