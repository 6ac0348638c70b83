/**
 * The text reporter: what users read. Snapshots are of hand-built results (see helpers.ts), so
 * they change only when the rendering does.
 */
import { describe, expect, it } from "vitest";
import { lintText } from "../../src/index.js";
import text from "../../src/reporters/text.js";
import { cellAt, displayWidth, graphemeWidth, renderLine, sliceCells } from "../../src/reporters/width.js";
import { resultFor } from "./helpers.js";

const CWD = "/repo";
const plain = { cwd: CWD, color: false };
const DOCS = "https://github.com/pgsafe/pgsafe/blob/main/docs/rules/example-rule.md";

/** The code line marked ">" and the underline under it, for alignment checks. */
function frameOf(output: string, lineNumber: number): { code: string; underline: string } {
  const lines = output.split("\n");
  const i = lines.findIndex((l) => new RegExp(`^  > ${lineNumber} \\| `).test(l));
  expect(i, `line ${lineNumber} is in the frame`).toBeGreaterThanOrEqual(0);
  return { code: lines[i]!.replace(/^ {2}> \d+ \| /, ""), underline: lines[i + 1]!.replace(/^ {4} +\| /, "") };
}

describe("text reporter", () => {
  it("prints nothing at all for a clean run", () => {
    expect(text([resultFor("/repo/a.sql", "SELECT 1;", [])], plain)).toBe("");
    expect(text([], plain)).toBe("");
  });

  it("renders location, severity, message, rule id, the statement's lines, help, docs and a summary", () => {
    const sql = "-- Dashboard query\nSET lock_timeout = '2s';\n\nCREATE INDEX orders_status_idx\n    ON orders (status);\n";
    const result = resultFor("/repo/migrations/0005_index.sql", sql, [
      {
        ruleId: "example-rule",
        severity: 2,
        message: 'Creating index "orders_status_idx" on "orders" blocks writes.',
        at: "CREATE INDEX",
        help: "Build it without blocking writes:\n  CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);",
        docsUrl: DOCS,
      },
    ]);
    expect(text([result], plain)).toMatchInlineSnapshot(`
      "migrations/0005_index.sql:4:1  error  Creating index "orders_status_idx" on "orders" blocks writes.  example-rule
        > 4 | CREATE INDEX orders_status_idx
            | ^^^^^^^^^^^^
          5 |     ON orders (status);
        help: Build it without blocking writes:
                CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
        docs: https://github.com/pgsafe/pgsafe/blob/main/docs/rules/example-rule.md

      ✖ 1 problem (1 error, 0 warnings)
      "
    `);
  });

  it("counts and pluralises; warnings are marked as such", () => {
    const sql = "UPDATE a SET x = 1;\nUPDATE b SET y = 2;\n";
    const result = resultFor("/repo/m.sql", sql, [
      { ruleId: "warn-rule", severity: 1, message: "First.", at: "UPDATE a" },
      { ruleId: "warn-rule", severity: 1, message: "Second.", at: "UPDATE b" },
    ]);
    const out = text([result], plain);
    expect(out).toContain("m.sql:1:1  warning  First.  warn-rule");
    expect(out).toMatch(/✖ 2 problems \(0 errors, 2 warnings\)\n$/);
    const one = resultFor("/repo/m.sql", sql, [{ ruleId: "err", severity: 2, message: "Only.", at: "UPDATE b" }]);
    expect(text([one], plain)).toMatch(/✖ 1 problem \(1 error, 0 warnings\)\n$/);
  });

  it("aligns the underline by display width: emoji, ZWJ sequences, combining marks, CJK and tabs", () => {
    const line = "\tSELECT '👨‍👩‍👧 e\u0301 漢'; CREATE INDEX i ON t (a);";
    const result = resultFor("/repo/m.sql", `${line}\n`, [{ ruleId: "r", severity: 2, message: "M.", at: "CREATE INDEX" }]);
    // UTF-16 column: tab 1 + "SELECT '" 8 + family 8 + space + e + U+0301 + space + 漢 + "'; " 3 = 25 units before.
    expect(result.messages[0]!.column).toBe(26);
    const out = text([result], plain);
    const { code, underline } = frameOf(out, 1);
    // Cells before: tab to 4 + 8 + family 2 + 1 + é 1 + 1 + 漢 2 + 3 = 22.
    expect(code.startsWith("    SELECT")).toBe(true);
    expect(underline).toBe(`${" ".repeat(22)}${"^".repeat("CREATE INDEX".length)}`);
    expect(out).toMatchInlineSnapshot(`
      "m.sql:1:26  error  M.  r
        > 1 |     SELECT '👨‍👩‍👧 é 漢'; CREATE INDEX i ON t (a);
            |                       ^^^^^^^^^^^^

      ✖ 1 problem (1 error, 0 warnings)
      "
    `);
  });

  it("aligns the underline after a plain emoji (two cells, two UTF-16 units) and accented text", () => {
    const sql = "-- 🎉 launch\nINSERT INTO café_log VALUES ('🎉 ünïcödé'); CREATE INDEX i ON t (a);\n";
    const result = resultFor("/repo/m.sql", sql, [{ ruleId: "r", severity: 2, message: "M.", at: "CREATE INDEX" }]);
    const { code, underline } = frameOf(text([result], plain), 2);
    const before = code.slice(0, code.indexOf("CREATE"));
    expect(underline.indexOf("^")).toBe(displayWidth(before));
    expect(underline.indexOf("^")).toBe("INSERT INTO café_log VALUES ('".length + 2 + " ünïcödé'); ".length);
  });

  it("handles CRLF line endings (no stray \\r, right lines)", () => {
    const sql = "SET lock_timeout = '2s';\r\n\r\nCREATE INDEX i\r\n  ON t (a);\r\n";
    const result = resultFor("/repo/crlf.sql", sql, [{ ruleId: "r", severity: 2, message: "M.", at: "INDEX" }]);
    expect(result.messages[0]).toMatchObject({ line: 3, column: 8 });
    const out = text([result], plain);
    expect(out).not.toContain("\r");
    expect(out).toMatchInlineSnapshot(`
      "crlf.sql:3:8  error  M.  r
        > 3 | CREATE INDEX i
            |        ^^^^^
          4 |   ON t (a);

      ✖ 1 problem (1 error, 0 warnings)
      "
    `);
  });

  it("positions after a byte-order mark are those of the text without it", () => {
    const sql = "\ufeffCREATE INDEX i ON t (a);\n";
    const result = resultFor("/repo/bom.sql", sql, [{ ruleId: "r", severity: 2, message: "M.", at: "CREATE INDEX" }]);
    const { code, underline } = frameOf(text([result], plain), 1);
    expect(code).toBe("CREATE INDEX i ON t (a);");
    expect(underline).toBe("^".repeat(12));
  });

  it("underlines a span over several lines on its first and last line", () => {
    const sql = "UPDATE users\n   SET name = lower(name)\n WHERE true;\n";
    const result = resultFor("/repo/m.sql", sql, [{ ruleId: "r", severity: 1, message: "M.", at: "UPDATE users\n   SET name = lower(name)\n WHERE true" }]);
    expect(text([result], plain)).toMatchInlineSnapshot(`
      "m.sql:1:1  warning  M.  r
        > 1 | UPDATE users
            | ^^^^^^^^^^^^
        > 2 |    SET name = lower(name)
        > 3 |  WHERE true;
            |  ^^^^^^^^^^

      ✖ 1 problem (0 errors, 1 warning)
      "
    `);
  });

  it("shows at most 8 lines of a long statement, around the finding, with elision marks", () => {
    const columns = Array.from({ length: 20 }, (_, i) => `    c${i + 1} bigint,`).join("\n");
    const sql = `SELECT 1;\nCREATE TABLE wide (\n${columns}\n    payload text\n);\n`;
    const result = resultFor("/repo/m.sql", sql, [{ ruleId: "r", severity: 2, message: "M.", at: "c10 bigint" }]);
    const out = text([result], plain);
    expect(out).toMatchInlineSnapshot(`
      "m.sql:12:5  error  M.  r
           2 | CREATE TABLE wide (
             ⋮
          10 |     c8 bigint,
          11 |     c9 bigint,
        > 12 |     c10 bigint,
             |     ^^^^^^^^^^
          13 |     c11 bigint,
          14 |     c12 bigint,
             ⋮

      ✖ 1 problem (1 error, 0 warnings)
      "
    `);
    expect(out.split("\n").filter((l) => / \| /.test(l) && !/^\s+\| /.test(l))).toHaveLength(6);
  });

  it("crops very long lines around the finding, keeping the underline aligned", () => {
    const values = Array.from({ length: 60 }, (_, i) => `(${i}, 'value ${i}')`).join(", ");
    const sql = `INSERT INTO t VALUES ${values}; CREATE INDEX i ON t (a);\n`;
    const result = resultFor("/repo/m.sql", sql, [{ ruleId: "r", severity: 2, message: "M.", at: "CREATE INDEX" }]);
    const { code, underline } = frameOf(text([result], plain), 1);
    expect(displayWidth(code)).toBeLessThanOrEqual(122);
    expect(code.startsWith("…")).toBe(true);
    expect(code.slice(underline.indexOf("^"))).toMatch(/^CREATE INDEX/);
  });

  it("shows file paths relative to cwd, and names like <stdin> as they are", () => {
    const sql = "CREATE INDEX i ON t (a);";
    const f = { ruleId: "r", severity: 2 as const, message: "M.", at: "CREATE" };
    expect(text([resultFor("/repo/db/m.sql", sql, [f])], plain)).toContain("\ndb/m.sql:1:1".slice(1));
    expect(text([resultFor("/elsewhere/m.sql", sql, [f])], plain)).toContain("../elsewhere/m.sql:1:1  error");
    expect(text([resultFor("<stdin>", sql, [f])], plain)).toContain("<stdin>:1:1  error");
  });

  it("replaces control characters from the SQL so they cannot drive the terminal", () => {
    const sql = "CREATE INDEX \"evil\u001b[2J\" ON t (a);";
    const result = resultFor("/repo/m.sql", sql, [{ ruleId: "r", severity: 2, message: 'Index "evil\u001b[2J" blocks writes.', at: "CREATE INDEX" }]);
    const out = text([result], plain);
    expect(out).not.toContain("\u001b");
    expect(out).toContain('Index "evil\ufffd[2J" blocks writes.');
  });

  it("prints no code frame for a fatal (internal) error", () => {
    const result = resultFor("/repo/m.sql", "SELECT 1;", [{ ruleId: "r", severity: 2, message: "Internal error in rule r.", at: "SELECT", fatal: true }]);
    expect(text([result], plain)).toBe("m.sql:1:1  error  Internal error in rule r.  r\n\n✖ 1 problem (1 error, 0 warnings)\n");
  });

  it("frames a finding outside any statement (a comment) by its own line", () => {
    const sql = "SELECT 1;\n-- pgsafe-ignore\n";
    const result = resultFor("/repo/m.sql", sql, [{ ruleId: "unused-ignore", severity: 1, message: "Unused.", at: "-- pgsafe-ignore" }]);
    const out = text([result], plain);
    expect(out).toContain("  > 2 | -- pgsafe-ignore\n      | ^^^^^^^^^^^^^^^^\n");
    expect(out).not.toContain("SELECT 1");
  });

  it("uses colours only when asked", () => {
    const result = resultFor("/repo/m.sql", "CREATE INDEX i ON t (a);", [{ ruleId: "r", severity: 2, message: "M.", at: "CREATE INDEX" }]);
    expect(text([result], plain)).not.toContain("\u001b[");
    const colored = text([result], { cwd: CWD, color: true });
    expect(colored).toContain("\u001b[31merror\u001b[39m");
    // Same text once the colours are taken out.
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\u001b\[\d+m/g, "")).toBe(text([result], plain));
  });

  it("renders what the engine reports (real rule, real positions)", () => {
    const result = lintText("-- 🎉\nSET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n", { filePath: "/repo/m.sql", cwd: CWD });
    const out = text([result], plain);
    expect(out).toContain("m.sql:3:1  error  ");
    expect(out).toContain("require-concurrent-index-creation");
    expect(frameOf(out, 3).underline).toBe("^".repeat("CREATE INDEX".length));
    expect(out).toContain("  help: ");
    expect(out).toContain("  docs: https://");
  });
});

describe("display width", () => {
  it.each([
    ["a", 1],
    ["漢", 2],
    ["ｱ", 1],
    ["Ａ", 2],
    ["🎉", 2],
    ["👨‍👩‍👧", 2],
    ["🇫🇷", 2],
    ["✔\ufe0f", 2],
    ["✔", 1],
    ["e\u0301", 1],
    ["\u200b", 0],
  ])("%j takes %i cells", (grapheme, width) => {
    expect(graphemeWidth(grapheme)).toBe(width);
  });

  it("expands tabs to the next tab stop", () => {
    const line = renderLine("a\tb\t\tc", 4);
    expect(line.cells.map((c) => c.text).join("")).toBe("a   b       c");
    expect(cellAt(line, 3)).toBe(4);
  });

  it("maps UTF-16 columns to cells", () => {
    const line = renderLine("漢🎉x");
    expect([1, 2, 4, 5].map((c) => cellAt(line, c))).toEqual([0, 2, 4, 5]);
  });

  it("lays out a printable ASCII line (no segmentation) exactly as the general path does", () => {
    const ascii = "ALTER TABLE users ADD COLUMN x int;";
    // The same text followed by an accented letter goes through grapheme segmentation.
    const general = renderLine(`${ascii}é`);
    const fast = renderLine(ascii);
    expect(fast.ascii).toBeDefined();
    expect(general.ascii).toBeUndefined();
    expect(fast.width).toBe(ascii.length);
    for (let column = 1; column <= ascii.length + 3; column++) expect(cellAt(fast, column)).toBe(column - 1);
    for (const [from, to] of [[0, 5], [3, 12], [10, Infinity], [30, 34], [-2, 4], [40, 50]] as const) {
      expect(sliceCells(fast, from, to)).toBe(sliceCells(general, from, Math.min(to, ascii.length)));
    }
  });
});
