/**
 * The lock timeline (src/timeline.ts) and its renderings (src/reporters/timeline-*.ts, and through
 * `pgsafe explain`'s reporters): snapshots of a migration with two transactions and three tables in
 * text (Unicode and ASCII), Markdown + Mermaid and JSON; the model (spans, held until COMMIT /
 * ROLLBACK / AND CHAIN / end of file / end of a DO block, autocommit statements, implicit and
 * assumed transactions, index locks); collapsing and wrapping of long migrations; the section of the
 * lint text report; and every Mermaid block checked against the gantt grammar
 * (./mermaid-gantt-grammar.ts), with negative cases proving the checker rejects broken lines.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeMigration } from "../../src/analysis/context.js";
import { explainAnalyzed, explainText } from "../../src/explain.js";
import { lintText } from "../../src/index.js";
import { parseSql } from "../../src/parser/parse.js";
import explainJson from "../../src/reporters/explain-json.js";
import explainMarkdown from "../../src/reporters/explain-markdown.js";
import explainTextReport from "../../src/reporters/explain-text.js";
import json from "../../src/reporters/json.js";
import text from "../../src/reporters/text.js";
import { mermaidName, renderTimelineMarkdown } from "../../src/reporters/timeline-markdown.js";
import { renderTimelineText } from "../../src/reporters/timeline-text.js";
import { displayWidth } from "../../src/reporters/width.js";
import {
  blockingRows,
  buildTimeline,
  describeSpan,
  groupColumns,
  holdsBlockingLockAcrossStatements,
  lintTimeline,
  type LockTimeline,
  type TimelineRow,
} from "../../src/timeline.js";
import { GanttSyntaxError, mermaidBlocks, parseGantt } from "./mermaid-gantt-grammar.js";

const ROOT = join(import.meta.dirname, "..", "..");
/** Two transactions (BEGIN ... COMMIT), a CONCURRENTLY statement between them, three tables. */
const MIGRATION = "fixtures/explain/0042_invoices_and_order_status.sql";
const SQL = readFileSync(join(ROOT, MIGRATION), "utf8");

function timelineOf(sql: string, options: { assumeInTransaction?: boolean } = {}): LockTimeline {
  return buildTimeline(explainText(sql, options));
}

function row(timeline: LockTimeline, label: string): TimelineRow {
  const found = timeline.rows.find((r) => r.label === label);
  if (!found) throw new Error(`no row ${label} in ${timeline.rows.map((r) => r.label).join(", ")}`);
  return found;
}

/**
 * One character per statement: # blocks reads and writes, = writes, - neither / new, . no lock,
 * where the statement takes a lock on the relation; h, w, n where the lock is only held from before.
 */
function strip(timeline: LockTimeline, label: string): string {
  return row(timeline, label)
    .cells.map((c) => {
      if (!c) return ".";
      const g = c.new ? "-" : c.blocksReads ? "#" : c.blocksWrites ? "=" : "-";
      return c.acquired ? g : g === "#" ? "h" : g === "=" ? "w" : "n";
    })
    .join("");
}

/** Every Mermaid block of the Markdown passes the gantt grammar checker. */
function checkMermaid(markdown: string): void {
  const blocks = mermaidBlocks(markdown);
  expect(blocks.length).toBeGreaterThan(0);
  for (const block of blocks) expect(() => parseGantt(block)).not.toThrow();
}

describe("a migration with two transactions and three tables: the renderings", () => {
  const file = explainText(SQL, { filePath: MIGRATION });

  it("text, Unicode", async () => {
    const out = explainTextReport([file], { color: false, timeline: true });
    await expect(out).toMatchFileSnapshot("__snapshots__/timeline.unicode.txt");
    expect(out).toContain("orders     ·   ▓▓▓▓▓▓████████ ░░ ·");
  });

  it("text, ASCII (--no-unicode): nothing outside ASCII", async () => {
    const out = explainTextReport([file], { color: false, timeline: true, unicode: false });
    await expect(out).toMatchFileSnapshot("__snapshots__/timeline.ascii.txt");
    expect(out).toMatch(/^[\x20-\x7e\n]*$/);
    expect(out).toContain("orders     .   ======######## -- .");
  });

  it("text with colour: the glyphs are painted, and the picture is the same without the escapes", () => {
    const plain = explainTextReport([file], { color: false, timeline: true });
    const coloured = explainTextReport([file], { color: true, timeline: true });
    expect(coloured).toContain("\u001b[33m▓▓▓▓▓▓\u001b[39m\u001b[31m████████\u001b[39m");
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[\d+m/g, "")).toBe(plain);
  });

  it("Markdown and a Mermaid gantt block", async () => {
    const out = explainMarkdown([file], { color: false, timeline: true });
    await expect(out).toMatchFileSnapshot("__snapshots__/timeline.md");
    expect(out).toContain("| `orders` | · | ▓ SRE | ▓ | █ AE | █ | █ | ░ SUE | · | · | · | · |");
    checkMermaid(out);
    const chart = parseGantt(mermaidBlocks(out)[0]!);
    expect(chart.sections.map((s) => [s.name, s.tasks.map((t) => `${t.tags.join("+")} ${t.start}-${t.end}`)])).toEqual([
      ["orders", ["active 3-5", "crit 5-8", " 8-9"]],
      ["invoices", ["done 4-8"]],
      ["customers", ["crit 11-14"]],
    ]);
  });

  it("Markdown without Unicode", () => {
    const out = explainMarkdown([file], { color: false, timeline: true, unicode: false });
    expect(out).toMatch(/^[\x20-\x7e\n]*$/);
    expect(out).toContain("| `orders` | . | = SRE | = | # AE | # | # | - SUE | . | . | . | . |");
    checkMermaid(out);
  });

  it("JSON: `timeline` next to the explain fields", async () => {
    const out = explainJson([file], { color: false, timeline: true });
    const [parsed] = JSON.parse(out) as [Record<string, unknown> & { timeline: LockTimeline }];
    expect(Object.keys(parsed)).toEqual(["file", "statements", "transactions", "errors", "timeline"]);
    await expect(`${JSON.stringify(parsed.timeline, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/timeline.json");
    expect(parsed.timeline.columns).toHaveLength(13);
    // Without --timeline the shape stays as it was.
    expect(Object.keys((JSON.parse(explainJson([file], { color: false })) as object[])[0]!)).toEqual(["file", "statements", "transactions", "errors"]);
  });
});

describe("the model", () => {
  const timeline = timelineOf(SQL);

  it("one column per statement, with its line and transaction", () => {
    expect(timeline.columns.map((c) => `${c.statement}:${c.line}:${c.transaction ?? "-"}`)).toEqual([
      "1:2:1",
      "2:3:1",
      "3:4:1",
      "4:9:1",
      "5:10:1",
      "6:11:1",
      "7:12:1",
      "8:14:-",
      "9:16:2",
      "10:17:2",
      "11:18:2",
      "12:19:2",
      "13:20:2",
    ]);
  });

  it("a lock is held from the statement that takes it to the COMMIT, with the strongest mode so far", () => {
    expect(timeline.rows.map((r) => r.label)).toEqual(["orders", "invoices", "customers"]);
    // SHARE ROW EXCLUSIVE (the foreign key of invoices), still held at line 9, then ACCESS EXCLUSIVE up to the COMMIT.
    expect(strip(timeline, "orders")).toBe("..=w##h-.....");
    expect(row(timeline, "orders").cells[3]).toMatchObject({ mode: "SHARE ROW EXCLUSIVE", acquired: false, span: 0 });
    expect(row(timeline, "orders").cells[6]).toMatchObject({ mode: "ACCESS EXCLUSIVE", acquired: false, span: 0 });
    const [first, concurrently] = row(timeline, "orders").spans;
    expect(first).toMatchObject({
      mode: "ACCESS EXCLUSIVE",
      from: 2,
      to: 6,
      fromLine: 4,
      toLine: 12,
      fromStatement: 3,
      toStatement: 7,
      writesBlockedFromLine: 4,
      readsBlockedFromLine: 10,
      heldUntil: { kind: "commit", line: 12 },
      // Lines 4, 9, 10, 11 (not the COMMIT that releases it).
      blockingStatements: 4,
    });
    expect(describeSpan(row(timeline, "orders"), first!)).toBe(
      "orders: ACCESS EXCLUSIVE from line 4 (statement 3) to COMMIT at line 12, blocks writes from line 4, reads from line 10",
    );
    // The CONCURRENTLY statement runs on its own: held only while it runs.
    expect(concurrently).toMatchObject({ mode: "SHARE UPDATE EXCLUSIVE", from: 7, to: 7, heldUntil: { kind: "statement" }, blockingStatements: 0 });
    // VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE: the cell keeps the ACCESS EXCLUSIVE taken before.
    expect(strip(timeline, "customers")).toBe("..........##h");
    expect(row(timeline, "customers").cells[11]).toMatchObject({ mode: "ACCESS EXCLUSIVE", acquired: true });
  });

  it("a table created in the file blocks nobody", () => {
    expect(strip(timeline, "invoices")).toBe("...-nnn......");
    expect(row(timeline, "invoices").spans[0]).toMatchObject({ mode: "SHARE", new: true, blockingStatements: 0 });
    expect(blockingRows(timeline).map((r) => r.label)).toEqual(["orders", "customers"]);
  });

  it("autocommit statements: each releases its locks when it ends, two in a row are two spans", () => {
    const t = timelineOf("ALTER TABLE a ADD COLUMN x int;\nALTER TABLE a ADD COLUMN y int;\nSELECT 1;\n");
    expect(strip(t, "a")).toBe("##.");
    expect(row(t, "a").spans.map((s) => [s.from, s.to, s.heldUntil.kind, s.blockingStatements])).toEqual([
      [0, 0, "statement", 1],
      [1, 1, "statement", 1],
    ]);
    expect(holdsBlockingLockAcrossStatements(t)).toBe(false);
    // The text draws them apart.
    expect(renderTimelineText(t, { color: false, unicode: true })).toContain("a     ██ ██ ·");
  });

  it("ROLLBACK and COMMIT AND CHAIN release the locks taken before them", () => {
    const t = timelineOf("BEGIN;\nLOCK TABLE a;\nCOMMIT AND CHAIN;\nUPDATE a SET x = 1;\nROLLBACK;\nSELECT 1;\n");
    expect(strip(t, "a")).toBe(".#h-n.");
    expect(row(t, "a").spans.map((s) => [s.mode, s.heldUntil])).toEqual([
      ["ACCESS EXCLUSIVE", { kind: "commit", line: 3 }],
      ["ROW EXCLUSIVE", { kind: "rollback", line: 5 }],
    ]);
  });

  it("assumed transaction (the migration tool's): held to the end of the file", () => {
    const t = timelineOf("ALTER TABLE a ADD COLUMN x int;\nUPDATE b SET y = 1;\n", { assumeInTransaction: true });
    expect(strip(t, "a")).toBe("#h");
    expect(row(t, "a").spans[0]).toMatchObject({ heldUntil: { kind: "end-of-file" }, blockingStatements: 2 });
    expect(holdsBlockingLockAcrossStatements(t)).toBe(true);
  });

  it("implicit transaction (statements sent as one query): held to the end of the file", () => {
    const parsed = parseSql("ALTER TABLE a ADD COLUMN x int;\nUPDATE b SET y = 1;\nCREATE INDEX b_y_idx ON b (y);\n");
    const t = buildTimeline(explainAnalyzed(parsed, analyzeMigration(parsed, { wrap: "implicit" }), "x.sql"));
    expect(strip(t, "a")).toBe("#hh");
    expect(strip(t, "b")).toBe(".-=");
    expect(t.columns.map((c) => c.transaction)).toEqual([1, 1, 1]);
    expect(row(t, "a").spans[0]!.heldUntil).toEqual({ kind: "end-of-file" });
  });

  it("a DO block outside a transaction runs its statements in its own transaction", () => {
    const t = timelineOf("DO $$ BEGIN ALTER TABLE a ADD COLUMN x int; UPDATE a SET x = 1; END $$;\nSELECT 1;\n");
    expect(strip(t, "a")).toBe(".##.");
    expect(row(t, "a").spans[0]).toMatchObject({ heldUntil: { kind: "block", line: 1 }, blockingStatements: 2 });
  });

  it("index locks: rows of their own, right under their table's row", () => {
    const t = timelineOf(
      "CREATE INDEX users_email_idx ON users (email);\nBEGIN;\nDROP INDEX users_email_idx;\nREINDEX INDEX orders_total_idx;\nREINDEX TABLE users;\nCOMMIT;\n",
    );
    expect(t.rows.map((r) => [r.label, r.kind])).toEqual([
      ["users", "table"],
      ["users_email_idx (index)", "index"],
      ["indexes of users", "indexes-of-table"],
      ["table of orders_total_idx", "table-of-index"],
      ["orders_total_idx (index)", "index"],
    ]);
    expect(row(t, "users_email_idx (index)").table).toBe("users");
    expect(strip(t, "users")).toBe("=.#h#h");
    expect(strip(t, "users_email_idx (index)")).toBe("..#hhh");
    expect(strip(t, "table of orders_total_idx")).toBe("...=ww");
    expect(strip(t, "orders_total_idx (index)")).toBe("...#hh");
  });

  it("a file that holds a blocking lock only for its own statement does not need the timeline", () => {
    expect(holdsBlockingLockAcrossStatements(timelineOf("BEGIN;\nSET LOCAL lock_timeout = '2s';\nALTER TABLE a ADD COLUMN x int;\nCOMMIT;\n"))).toBe(false);
    // ROW EXCLUSIVE first, then SHARE on the last statement: writes are blocked for one statement only.
    expect(holdsBlockingLockAcrossStatements(timelineOf("BEGIN;\nUPDATE a SET x = 1;\nCREATE INDEX a_x_idx ON a (x);\nCOMMIT;\n"))).toBe(false);
    expect(holdsBlockingLockAcrossStatements(timelineOf("BEGIN;\nCREATE INDEX a_x_idx ON a (x);\nUPDATE a SET x = 1;\nCOMMIT;\n"))).toBe(true);
    // A table created in the file blocks nobody.
    expect(holdsBlockingLockAcrossStatements(timelineOf("BEGIN;\nCREATE TABLE a (x int);\nALTER TABLE a ADD COLUMN y int;\nCREATE INDEX a_x_idx ON a (x);\nCOMMIT;\n"))).toBe(false);
  });
});

describe("wide migrations", () => {
  it("runs of statements that change nothing for the drawn rows become one column", () => {
    const sql = ["BEGIN;", "ALTER TABLE users ADD COLUMN a int;", ...Array.from({ length: 30 }, (_, i) => `SET LOCAL work_mem = '${i + 1}MB';`), "ALTER TABLE users ADD COLUMN b int;", "COMMIT;"].join("\n");
    const t = timelineOf(sql);
    expect(t.columns).toHaveLength(34);
    expect(groupColumns(t).map((g) => [g.first + 1, g.last + 1])).toEqual([
      [1, 1],
      [2, 2],
      [3, 32],
      [33, 33],
      [34, 34],
    ]);
    const lines = renderTimelineText(t, { color: false, unicode: true });
    expect(lines.slice(0, 4)).toEqual(["stmt   1  2  3-32 33 34", "line   1  2  3-32 33 34", "tx     T1 T1 T1   T1 T1", "users  ·  █████████████"]);
  });

  it("a timeline wider than the width is wrapped into bands, each with its header", () => {
    const tables = Array.from({ length: 60 }, (_, i) => `t${i + 1}`);
    const sql = ["BEGIN;", ...tables.map((t) => `ALTER TABLE ${t} ADD COLUMN x int;`), "COMMIT;"].join("\n");
    const t = timelineOf(sql);
    const lines = renderTimelineText(t, { color: false, unicode: true, width: 80 });
    for (const line of lines.slice(0, lines.indexOf("█ blocks reads and writes   ▓ blocks writes   ░ blocks neither (or a new table)   · no lock"))) {
      expect(displayWidth(line)).toBeLessThanOrEqual(80);
    }
    const stmtRows = lines.filter((l) => l.startsWith("stmt "));
    expect(stmtRows.length).toBeGreaterThan(2);
    const numbers = stmtRows.flatMap((l) => l.slice(4).trim().split(/\s+/).map(Number));
    expect(numbers).toEqual(Array.from({ length: 62 }, (_, i) => i + 1));
    // A band shows only the rows that hold a lock in it: t60 is not in the first band.
    const firstBand = lines.slice(0, lines.indexOf(""));
    expect(firstBand.some((l) => l.startsWith("t1 "))).toBe(true);
    expect(firstBand.some((l) => l.startsWith("t60 "))).toBe(false);
    checkMermaid(renderTimelineMarkdown(t, { unicode: true, title: "60 tables" }).join("\n"));
  });
});

describe("the lint text report", () => {
  const lint = (sql: string, options: Parameters<typeof lintText>[1] = {}) => lintText(sql, { filePath: "<text>", lockTimeline: true, ...options });
  const HELD = "BEGIN;\nALTER TABLE users ADD COLUMN note text;\nUPDATE users SET note = 'x' WHERE id < 10;\nCOMMIT;\n";

  it("shows the timeline under the findings of a file that holds a blocking lock across statements", () => {
    const result = lint(HELD);
    expect(result.messages.length).toBeGreaterThan(0);
    expect(result.lockTimelines).toHaveLength(1);
    const out = text([result], { cwd: ROOT, color: false });
    const section = out.slice(out.indexOf("<text>  lock timeline"));
    expect(section.split("\n").slice(0, 10)).toEqual([
      "<text>  lock timeline: locks that block reads or writes while other statements run",
      "  stmt   1  2  3  4",
      "  line   1  2  3  4",
      "  tx     T1 T1 T1 T1",
      "  users  ·  ████████",
      "",
      "  █ blocks reads and writes   ▓ blocks writes   ░ blocks neither (or a new table)   · no lock",
      "",
      "  users  ACCESS EXCLUSIVE  from line 2 (statement 2) to COMMIT at line 4  blocks reads and writes from line 2",
      "",
    ]);
    // After the last finding, before the summary.
    expect(out.indexOf("lock timeline")).toBeGreaterThan(out.lastIndexOf("docs:"));
    expect(out.indexOf("lock timeline")).toBeLessThan(out.indexOf("✖"));
    expect(text([result], { cwd: ROOT, color: false, unicode: false })).toContain("  users  .  ########\n");
  });

  it("lists only the rows and spans that block reads or writes", () => {
    const result = lint("BEGIN;\nALTER TABLE users ADD COLUMN note text;\nSELECT * FROM orders;\nUPDATE users SET note = 'x' WHERE id < 10;\nCOMMIT;\n");
    const out = text([result], { cwd: ROOT, color: false });
    expect(out).toContain("  users  ·  ███████████\n");
    expect(out).not.toMatch(/^ {2}orders/m);
  });

  it("does not show it when the blocking lock covers one statement, for autocommit files, or without the option", () => {
    const single = lint("BEGIN;\nSET LOCAL lock_timeout = '1s';\nCREATE INDEX users_note_idx ON users (note);\nCOMMIT;\n");
    expect(single.messages.length).toBeGreaterThan(0);
    expect(single.lockTimelines).toBeUndefined();
    const autocommit = lint("ALTER TABLE users ADD COLUMN note text;\nCREATE INDEX users_note_idx ON users (note);\n");
    expect(autocommit.messages.length).toBeGreaterThan(0);
    expect(autocommit.lockTimelines).toBeUndefined();
    expect(lintText(HELD, { filePath: "<text>" }).lockTimelines).toBeUndefined();
    expect(text([lintText(HELD, { filePath: "<text>" })], { cwd: ROOT, color: false })).not.toContain("lock timeline");
  });

  it("is not computed for a file without findings, and stays out of the JSON output", () => {
    const clean = lint(HELD, { rules: Object.fromEntries(Object.keys(lint(HELD).messages.reduce((m, x) => ({ ...m, [x.ruleId]: 1 }), {})).map((id) => [id, "off"])) });
    expect(clean.messages).toEqual([]);
    expect(clean.lockTimelines).toBeUndefined();
    expect(json([lint(HELD)], { cwd: ROOT, color: false })).toBe(json([lintText(HELD, { filePath: "<text>" })], { cwd: ROOT, color: false }));
  });

  it("uses the transaction semantics of the migration tool, per up / down migration", () => {
    const goose = [
      "-- +goose Up",
      "ALTER TABLE users ADD COLUMN note text;",
      "UPDATE users SET note = 'x' WHERE id < 10;",
      "-- +goose Down",
      "ALTER TABLE users DROP COLUMN note;",
      "",
    ].join("\n");
    // goose runs each migration in a transaction: the ALTER's lock is held through the UPDATE.
    const result = lint(goose, { filePath: "db/migrations/20240101000000_note.sql" });
    expect(result.lockTimelines?.map((t) => t.direction)).toEqual(["up"]);
    expect(strip(result.lockTimelines![0]!, "users")).toBe("##");
    expect(text([result], { cwd: ROOT, color: false })).toContain("lock timeline of the up migration:");
    // Linted as psql runs it (no tool), the same statements run on their own.
    expect(lint(goose, { framework: "none" }).lockTimelines).toBeUndefined();
  });

  it("lintTimeline reuses the engine's parse and context", () => {
    const parsed = parseSql(HELD);
    const t = lintTimeline(parsed, analyzeMigration(parsed));
    expect(t && strip(t, "users")).toBe(".##h");
    expect(lintTimeline(parseSql("SELECT 1;\n"), analyzeMigration(parseSql("SELECT 1;\n")))).toBeUndefined();
  });
});

describe("Mermaid gantt grammar checker", () => {
  const valid = ["gantt", "  title Locks", "  dateFormat X", "  axisFormat %s", "  section users", "    ACCESS EXCLUSIVE lines 2-4 :crit, lock1, 2, 5"];
  const withTask = (task: string): string => [...valid.slice(0, 5), `    ${task}`].join("\n");

  it("accepts the subset pgsafe writes", () => {
    expect(parseGantt(valid.join("\n"))).toEqual({
      title: "Locks",
      dateFormat: "X",
      axisFormat: "%s",
      sections: [{ name: "users", tasks: [{ title: "ACCESS EXCLUSIVE lines 2-4", tags: ["crit"], id: "lock1", start: 2, end: 5, line: 6 }] }],
    });
    expect(parseGantt(withTask("SHARE 50% :active, a, 1, 2")).sections[0]!.tasks[0]!.title).toBe("SHARE 50%");
  });

  it.each([
    ["a `:` in a task title", withTask("ACCESS EXCLUSIVE: users :crit, lock1, 2, 5"), /4 data items/],
    ["a `:` in a title that shifts the id", withTask("a:b :lock1, 2, 5"), /id "b :lock1" is not a plain identifier/],
    ["a `#` in a task title (a comment)", withTask("users#1 :crit, lock1, 2, 5"), /no ":" and data|comment/],
    ["a `;` in a task title", withTask("users;x :crit, lock1, 2, 5"), /no ":" and data|is not a gantt token/],
    ["a title starting with `%` (the line becomes a comment)", withTask("%x :crit, lock1, 2, 5"), /comment/],
    ["a `%` as a title's second character", withTask("a% :crit, lock1, 2, 5"), /comment/],
    ["a `:` in a section name", [...valid.slice(0, 4), "  section app:users", valid[5]].join("\n"), /no task title before its ":"/],
    ["a `;` in a section name", [...valid.slice(0, 4), "  section a;b", valid[5]].join("\n"), /is not a gantt token/],
    ["a fractional start (dateFormat X is read strictly)", withTask("AE :crit, lock1, 2.5, 5"), /not whole seconds/],
    ["an end before the start", withTask("AE :crit, lock1, 5, 2"), /ends \(2\) before it starts/],
    ["a duplicate id", [...valid, "    SHARE :lock1, 6, 7"].join("\n"), /used twice/],
    ["an unknown tag", withTask("AE :critical, lock1, 2, 5"), /4 data items/],
    ["no dateFormat", valid.filter((l) => !l.includes("dateFormat")).join("\n"), /dateFormat must be X/],
    ["a task outside a section", [...valid.slice(0, 4), valid[5]].join("\n"), /before the first section/],
    ["not a gantt chart", ["graph TD", ...valid.slice(1)].join("\n"), /starts with "gantt"/],
    ["a title starting with a keyword (click)", withTask("click here :lock1, 2, 5"), /not used by pgsafe/],
  ])("rejects %s", (_, chart, reason) => {
    expect(() => parseGantt(chart)).toThrow(GanttSyntaxError);
    expect(() => parseGantt(chart)).toThrow(reason);
  });

  it("names are cleaned of everything that breaks a gantt line", () => {
    expect(mermaidName("app:users#1;x%y")).toBe("app users 1 x y");
    expect(mermaidName(" :# ")).toBe("unnamed");
    const t = timelineOf('BEGIN;\nALTER TABLE "we:ird#;%name" ADD COLUMN a int;\nALTER TABLE "%x" ADD COLUMN b int;\nCOMMIT;\n');
    const out = renderTimelineMarkdown(t, { unicode: true, title: "a:b;c#d%e.sql" }).join("\n");
    checkMermaid(out);
    expect(parseGantt(mermaidBlocks(out)[0]!).sections.map((s) => s.name)).toEqual(["we ird name", "x"]);
  });

  it("every rendering of the model tests is valid", () => {
    for (const sql of [
      SQL,
      "DO $$ BEGIN ALTER TABLE a ADD COLUMN x int; UPDATE a SET x = 1; END $$;\n",
      "BEGIN;\nLOCK TABLE a;\nCOMMIT AND CHAIN;\nUPDATE a SET x = 1;\nROLLBACK;\n",
      "CREATE INDEX users_email_idx ON users (email);\nBEGIN;\nDROP INDEX users_email_idx;\nREINDEX TABLE users;\nCOMMIT;\n",
    ]) {
      checkMermaid(renderTimelineMarkdown(timelineOf(sql), { unicode: true, title: "t" }).join("\n"));
      checkMermaid(renderTimelineMarkdown(timelineOf(sql), { unicode: false, title: "t" }).join("\n"));
    }
  });
});
