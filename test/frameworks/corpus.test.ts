/**
 * The goose, dbmate and sql-migrate files of the real-world corpus (../shared/corpus/real-world):
 * every file is recognised as its tool's, and a file whose sections each parse on their own (as
 * the tool sends them) gets no syntax-error finding, also when the file as a whole does not parse
 * (a statement without `;` before `-- migrate:down`, or before goose's StatementEnd).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planMigration } from "../../src/analysis/frameworks/index.js";
import { blankOutside, terminateAt } from "../../src/analysis/frameworks/sections.js";
import { lintText } from "../../src/index.js";
import { parseSync } from "../../src/parser/wasm.js";
import { ROOT } from "./helpers.js";

const CORPUS = join(ROOT, "..", "shared", "corpus", "real-world");
const present = existsSync(CORPUS);
const TOOLS = new Set(["goose", "dbmate", "sql-migrate"]);

function parses(text: string): boolean {
  try {
    parseSync(text);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!present)(`goose, dbmate and sql-migrate files of the corpus (${CORPUS})`, () => {
  const files = present
    ? readdirSync(CORPUS, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith(".sql"))
        .map((e) => join(e.parentPath, e.name))
        .sort()
    : [];
  const sectioned = files
    .map((path) => {
      const text = readFileSync(path, "utf8");
      return { path, text, plan: planMigration(text, path) };
    })
    .filter((f) => TOOLS.has(f.plan.framework));

  it("recognises every goose, dbmate and sql-migrate file (the counts of the corpus README)", () => {
    const count = (tool: string): number => sectioned.filter((f) => f.plan.framework === tool).length;
    expect([count("goose"), count("dbmate"), count("sql-migrate")]).toEqual([230, 312, 19]);
  });

  it("reports no syntax error in a file whose sections parse on their own", () => {
    const splitOnly: string[] = [];
    const wrong: string[] = [];
    for (const { path, text, plan } of sectioned) {
      const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      const sectionsParse = plan.sections.every((s) => parses(terminateAt(blankOutside(body, s.ranges), s.statementEnds ?? [])));
      if (!sectionsParse) continue;
      if (!parses(body)) splitOnly.push(path);
      const result = lintText(text, { filePath: path });
      const errors = result.messages.filter((m) => m.ruleId === "syntax-error" || m.fatal);
      if (errors.length > 0) wrong.push(`${path}:${errors[0]!.line} ${errors[0]!.message}`);
    }
    expect(wrong).toEqual([]);
    // The corpus has such files: goose's hatchet v1_0_21 and dbmate files ending a statement at `-- migrate:down`.
    expect(splitOnly.length).toBeGreaterThanOrEqual(2);
    expect(splitOnly.some((p) => p.includes("hatchet"))).toBe(true);
  });

  it("keeps every finding inside its file and its section", () => {
    const bad: string[] = [];
    for (const { path, text, plan } of sectioned.filter((f) => f.plan.sections.length > 1)) {
      const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      const lines = body.split(/\r\n|\r|\n/);
      for (const m of lintText(text, { filePath: path }).messages) {
        const inside = m.line >= 1 && m.endLine <= lines.length && m.column <= lines[m.line - 1]!.length + 1 && m.range[1] <= body.length;
        const inSection = plan.sections.some((s) => s.ranges.some(([from, to]) => m.range[0] >= from && m.range[1] <= to));
        if (!inside || !inSection) bad.push(`${path}:${m.line}:${m.column} ${m.ruleId}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe.runIf(!present)("goose, dbmate and sql-migrate files of the corpus", () => {
  it("is skipped: ../shared/corpus/real-world is not present", (ctx) => {
    ctx.skip(`${CORPUS} is absent; the corpus checks need it`);
  });
});
