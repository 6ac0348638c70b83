/**
 * Every real-world migration in ../shared/corpus/real-world, linted in one lintFiles run: every
 * file is reported, no rule throws, positions are inside the file, and a syntax-error finding
 * appears only in files that PostgreSQL's parser (libpg-query parseSync) rejects as a whole, or
 * whose DO block or PL/pgSQL function body its PL/pgSQL parser rejects (parsePlPgSQLSync).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lintFiles, rules } from "../../src/index.js";
import { parsePlPgSQLSync, parseSync } from "../../src/parser/wasm.js";
import type { LintResult } from "../../src/types.js";

const CORPUS = join(import.meta.dirname, "..", "..", "..", "shared", "corpus", "real-world");
const present = existsSync(CORPUS);
const CATALOGUE = join(import.meta.dirname, "..", "..", "..", "shared", "spec", "rules.md");
/** Every rule runs, the opt-in ones too. */
const OPT_IN = Object.entries(rules)
  .filter(([, rule]) => rule.meta.docs.defaultSeverity === "off")
  .map(([id]) => id);

/** True when a DO block or function body of the (parsable) text fails PostgreSQL's PL/pgSQL parser with a syntax error. */
function rejectsBody(text: string): boolean {
  const bytes = Buffer.from(text, "utf8");
  return (parseSync(text).stmts ?? []).some((raw) => {
    const type = Object.keys(raw.stmt ?? {})[0];
    if (type !== "DoStmt" && type !== "CreateFunctionStmt") return false;
    const start = raw.stmt_location ?? 0;
    try {
      parsePlPgSQLSync(bytes.subarray(start, raw.stmt_len ? start + raw.stmt_len : bytes.length).toString("utf8"));
      return false;
    } catch (e) {
      return /^(syntax error|unterminated )/.test(String((e as Error).message));
    }
  });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".sql"))
    .map((e) => join(e.parentPath, e.name));
}

describe.skipIf(!present)(`real-world corpus (${CORPUS})`, () => {
  let results: LintResult[];
  beforeAll(async () => {
    results = await lintFiles([CORPUS], { include: OPT_IN });
  }, 60_000);

  it("reports every file exactly once", () => {
    const expected = allFiles(CORPUS).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(results.map((r) => r.filePath).sort()).toEqual(expected);
  });

  it("no rule throws (no fatal or internal-error messages)", () => {
    const broken = results.flatMap((r) => r.messages.filter((m) => m.fatal || m.message.startsWith("Internal error")).map((m) => `${r.filePath}: ${m.message}`));
    expect(broken).toEqual([]);
  });

  it("every finding's rule id is in the rule catalogue", (ctx) => {
    if (!existsSync(CATALOGUE)) {
      ctx.skip(`${CATALOGUE} is absent`);
      return;
    }
    const catalogue = new Set([...readFileSync(CATALOGUE, "utf8").matchAll(/^\| ([a-z-]+) \|/gm)].map((m) => m[1]!));
    const seen = new Set(results.flatMap((r) => r.messages.map((m) => m.ruleId)));
    expect([...seen].filter((id) => !catalogue.has(id))).toEqual([]);
    expect(seen.size).toBeGreaterThan(20);
  });

  it("every position is inside its file", () => {
    const bad: string[] = [];
    for (const r of results) {
      const text = r.source.charCodeAt(0) === 0xfeff ? r.source.slice(1) : r.source;
      const lines = text.split(/\r\n|\r|\n/);
      for (const m of [...r.messages, ...r.suppressedMessages]) {
        const ok =
          m.line >= 1 &&
          m.column >= 1 &&
          m.line <= lines.length &&
          m.column <= lines[m.line - 1]!.length + 1 &&
          (m.endLine > m.line || (m.endLine === m.line && m.endColumn >= m.column)) &&
          m.endLine <= lines.length &&
          m.endColumn <= lines[m.endLine - 1]!.length + 1 &&
          m.range[0] <= m.range[1] &&
          m.range[1] <= text.length;
        if (!ok) bad.push(`${r.filePath}:${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("syntax errors are reported only in files PostgreSQL's parsers reject", () => {
    const withSyntaxErrors = results.filter((r) => r.messages.some((m) => m.ruleId === "syntax-error"));
    const wrong = withSyntaxErrors.filter((r) => {
      const text = r.source.charCodeAt(0) === 0xfeff ? r.source.slice(1) : r.source;
      try {
        parseSync(text);
      } catch {
        return false;
      }
      return !rejectsBody(text);
    });
    expect(wrong.map((r) => r.filePath)).toEqual([]);
  });
});

describe.runIf(!present)("real-world corpus", () => {
  it("is skipped: ../shared/corpus/real-world is not present", (ctx) => {
    ctx.skip(`${CORPUS} is absent; the corpus checks need it`);
  });
});
