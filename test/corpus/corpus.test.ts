/**
 * Every real-world migration in ../shared/corpus/real-world, linted in one lintFiles run: every
 * file is reported, no rule throws, positions are inside the file, and a syntax-error finding
 * appears only in files that PostgreSQL's parser (libpg-query parseSync) rejects as a whole.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lintFiles } from "../../src/index.js";
import { parseSync } from "../../src/parser/wasm.js";
import type { LintResult } from "../../src/types.js";

const CORPUS = join(import.meta.dirname, "..", "..", "..", "shared", "corpus", "real-world");
const present = existsSync(CORPUS);

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".sql"))
    .map((e) => join(e.parentPath, e.name));
}

describe.skipIf(!present)(`real-world corpus (${CORPUS})`, () => {
  let results: LintResult[];
  beforeAll(async () => {
    results = await lintFiles([CORPUS]);
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

  it("syntax errors are reported only in files PostgreSQL's parser rejects", () => {
    const withSyntaxErrors = results.filter((r) => r.messages.some((m) => m.ruleId === "syntax-error"));
    const wrong = withSyntaxErrors.filter((r) => {
      const text = r.source.charCodeAt(0) === 0xfeff ? r.source.slice(1) : r.source;
      try {
        parseSync(text);
        return true;
      } catch {
        return false;
      }
    });
    expect(wrong.map((r) => r.filePath)).toEqual([]);
  });
});

describe.runIf(!present)("real-world corpus", () => {
  it("is skipped: ../shared/corpus/real-world is not present", (ctx) => {
    ctx.skip(`${CORPUS} is absent; the corpus checks need it`);
  });
});
