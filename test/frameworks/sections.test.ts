/**
 * Up and down sections linted one by one and reported as one file: positions are the file's own
 * (byte-order mark, CRLF, characters outside the BMP), ignore comments work across sections, and
 * the `framework` option is checked.
 */
import { describe, expect, it } from "vitest";
import { blankOutside, planMigration } from "../../src/analysis/frameworks/index.js";
import { parseArgs } from "../../src/cli/options.js";
import { lintText, PgsafeUsageError } from "../../src/index.js";
import { at } from "./helpers.js";

const GOOSE = ["-- +goose Up", "CREATE TABLE users (id bigint PRIMARY KEY);", "", "-- +goose Down", "DROP TABLE users;", ""].join("\n");

describe("sections", () => {
  it("blanking keeps the length, the line breaks and the kept ranges", () => {
    const text = "a😀b\r\nSELECT 1;\nc";
    const blanked = blankOutside(text, [[6, 15]]);
    expect(blanked).toHaveLength(text.length);
    expect(blanked).toBe("    \r\nSELECT 1;\n ");
    expect(blankOutside(text, [])).toBe("    \r\n         \n ");
  });

  it("keeps a byte-order mark and CRLF line breaks: findings at the file's own lines and columns", () => {
    const text = `\uFEFF${GOOSE.replace(/\n/g, "\r\n")}`;
    const result = lintText(text, { filePath: "/db/1_users.sql" });
    expect(at(result, "ban-drop-table")).toEqual(["5:1 ban-drop-table"]);
    expect(result.source).toBe(text);
    const [drop] = result.messages.filter((m) => m.ruleId === "ban-drop-table");
    expect(text.slice(1).slice(drop!.range[0], drop!.range[1])).toBe("DROP TABLE users");
  });

  it("counts columns in UTF-16 code units after characters outside the BMP", () => {
    const text = GOOSE.replace("DROP TABLE users;", "/* 🚀 */ DROP TABLE users;");
    const [drop] = lintText(text, { filePath: "/db/1_users.sql" }).messages.filter((m) => m.ruleId === "ban-drop-table");
    expect([drop!.line, drop!.column, drop!.endColumn]).toEqual([5, 10, 26]);
  });

  it("applies a statement ignore comment inside its own section", () => {
    const text = GOOSE.replace("DROP TABLE users;", "-- pgsafe-ignore ban-drop-table -- rollback only\nDROP TABLE users;");
    const result = lintText(text, { filePath: "/db/1_users.sql" });
    expect(at(result, "ban-drop-table")).toEqual([]);
    expect(at(result, "unused-ignore")).toEqual([]);
    expect(result.suppressedMessages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual(["6:1 ban-drop-table"]);
  });

  it("applies a pgsafe-ignore-file comment to every section, and reports it unused only when no section used it", () => {
    const used = lintText(`-- pgsafe-ignore-file ban-drop-table\n${GOOSE}`, { filePath: "/db/1_users.sql" });
    expect(at(used, "ban-drop-table")).toEqual([]);
    expect(at(used, "unused-ignore")).toEqual([]);
    const unused = lintText(`-- pgsafe-ignore-file ban-truncate\n${GOOSE}`, { filePath: "/db/1_users.sql" });
    expect(at(unused, "unused-ignore")).toEqual(["1:1 unused-ignore"]);
    expect(at(unused, "ban-drop-table")).toEqual(["6:1 ban-drop-table"]);
    // Written in the down section, it still covers the up section.
    const late = lintText(`${GOOSE}-- pgsafe-ignore-file prefer-bigint-over-int, ban-drop-table, require-lock-timeout\n`.replace("id bigint", "id int"), { filePath: "/db/1_users.sql" });
    expect(at(late)).toEqual([]);
  });

  it("counts the statements of every section", () => {
    expect(lintText(GOOSE, { filePath: "/db/1_users.sql" }).statementCount).toBe(2);
  });

  it("a file of no tool is linted as it is, with the assumeInTransaction option", () => {
    const text = "CREATE INDEX CONCURRENTLY a_idx ON a (b);\n";
    expect(planMigration(text, "/db/0001_a.sql")).toEqual({ framework: "none", sections: [{ direction: "up", ranges: [[0, text.length]] }] });
    expect(at(lintText(text, { filePath: "/db/0001_a.sql", assumeInTransaction: true }), "ban-concurrently-in-transaction")).toEqual(["1:14 ban-concurrently-in-transaction"]);
    expect(at(lintText(text, { filePath: "/db/0001_a.sql" }), "ban-concurrently-in-transaction")).toEqual([]);
  });

  it("checks the framework option and the --framework flag", () => {
    expect(() => lintText("SELECT 1;", { framework: "gose" as never })).toThrow(PgsafeUsageError);
    expect(() => lintText("SELECT 1;", { framework: "gose" as never })).toThrow(/Did you mean "goose"/);
    expect(parseArgs(["--framework", "golang-migrate", "db"]).framework).toBe("golang-migrate");
    expect(parseArgs(["--framework=none"]).framework).toBe("none");
    expect(() => parseArgs(["--framework", "flyaway"])).toThrow(/Unknown framework "flyaway" for --framework\. Did you mean "flyway"\?/);
    expect(() => parseArgs(["rules", "--framework", "goose"])).toThrow(PgsafeUsageError);
  });
});
