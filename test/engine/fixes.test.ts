/**
 * Fixes: applyFixes (ESLint's one-pass application), the lint → fix → lint loop behind
 * `lintText(..., { fix: true })`, and, for every rule with `meta.fixable`, every fix it gives on its
 * fixture files: the fixed SQL parses and no longer has that finding. The rules and fixtures come
 * from the registry and fixtures/rules/<id>/, so a new fix is covered without touching this file.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import type { MigrationOptions } from "../../src/analysis/context.js";
import { applyFixes, fixText, MAX_FIX_PASSES } from "../../src/engine/fixes.js";
import { lintSource } from "../../src/engine/linter.js";
import { lintText } from "../../src/index.js";
import { parseSql } from "../../src/parser/parse.js";
import type { LintMessage, LintResult } from "../../src/types.js";
import { FIXTURES } from "../harness/rule-tester.js";

function message(range: [number, number], text: string, extra: Partial<LintMessage> = {}): LintMessage {
  return { ruleId: "r", severity: 2, message: "m", line: 1, column: 1, endLine: 1, endColumn: 1, range, fix: { range, text }, ...extra };
}

describe("applyFixes", () => {
  it("applies the fixes in range order, whatever the order of the messages", () => {
    const text = "CREATE INDEX a ON t (x);\nCREATE INDEX b ON t (y);";
    const second = message([32, 37], "INDEX CONCURRENTLY");
    const first = message([7, 12], "INDEX CONCURRENTLY");
    const { output, applied } = applyFixes(text, [second, first]);
    expect(output).toBe("CREATE INDEX CONCURRENTLY a ON t (x);\nCREATE INDEX CONCURRENTLY b ON t (y);");
    expect(applied).toEqual([first, second]);
  });

  it("skips a fix that overlaps or touches one applied before it (a later pass applies it)", () => {
    const text = "abcdef";
    const a = message([1, 3], "X");
    const overlapping = message([2, 4], "Y");
    const touching = message([3, 3], "Z");
    const after = message([4, 5], "W");
    const { output, applied } = applyFixes(text, [a, overlapping, touching, after]);
    expect(output).toBe("aXdWf");
    expect(applied).toEqual([a, after]);
  });

  it("only one of two insertions at the same offset is applied", () => {
    const { output, applied } = applyFixes("DROP INDEX i;", [message([10, 10], " CONCURRENTLY"), message([10, 10], " IF EXISTS")]);
    expect(output).toBe("DROP INDEX CONCURRENTLY i;");
    expect(applied).toHaveLength(1);
  });

  it("keeps a byte-order mark (fix ranges do not count it)", () => {
    const { output } = applyFixes("\uFEFFCREATE INDEX i ON t (a);", [message([12, 12], " CONCURRENTLY")]);
    expect(output).toBe("\uFEFFCREATE INDEX CONCURRENTLY i ON t (a);");
  });

  it("ignores messages without a fix and fixes with a range outside the text, and returns the text itself when nothing applies", () => {
    const plain: LintMessage = { ruleId: "r", severity: 1, message: "m", line: 1, column: 1, endLine: 1, endColumn: 1, range: [0, 1] };
    const text = "SELECT 1;";
    const result = applyFixes(text, [plain, message([5, 99], "x"), message([-1, 2], "y"), message([4, 2], "z")]);
    expect(result).toEqual({ output: text, applied: [] });
  });

  it("keeps the file's line endings: only the fixed span changes", () => {
    const text = "BEGIN;\r\nCOMMIT;\r\nCREATE INDEX i ON t (a);\r\n";
    expect(applyFixes(text, [message([29, 29], " CONCURRENTLY")]).output).toBe("BEGIN;\r\nCOMMIT;\r\nCREATE INDEX CONCURRENTLY i ON t (a);\r\n");
  });
});

describe("fixText: lint, fix, lint again", () => {
  const result = (messages: LintMessage[], source: string): LintResult => ({
    filePath: "<text>",
    messages,
    suppressedMessages: [],
    errorCount: messages.length,
    warningCount: 0,
    fixableErrorCount: messages.filter((m) => m.fix).length,
    fixableWarningCount: 0,
    source,
    statementCount: 1,
  });

  it("repeats until nothing is left to fix, and reports the final text's messages", () => {
    // Each pass fixes one "x" into "y"; overlapping fixes wait for the next pass.
    const lint = (text: string): LintResult => {
      const i = text.indexOf("x");
      return result(i < 0 ? [] : [message([i, i + 1], "y"), message([i, text.length], "y")], text);
    };
    const { result: final, output, fixCount } = fixText("SELECT 'xxx';", lint);
    expect(output).toBe("SELECT 'yyy';");
    expect(fixCount).toBe(3);
    expect(final.messages).toEqual([]);
    expect(final.source).toBe("SELECT 'yyy';");
  });

  it(`stops after ${MAX_FIX_PASSES} passes when fixes never settle`, () => {
    let passes = 0;
    const lint = (text: string): LintResult => {
      passes++;
      return result([message([0, 0], "-- again\n")], text);
    };
    const { output } = fixText("SELECT 1;", lint);
    expect(passes).toBe(MAX_FIX_PASSES + 1);
    expect(output?.match(/-- again/g)).toHaveLength(MAX_FIX_PASSES);
  });

  it("never keeps a fix after which the SQL no longer parses; the others are applied", () => {
    const text = "CREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);";
    const lint = (current: string): LintResult =>
      result(
        current === text ? [message([12, 12], " CONCURRENTLY"), message([37, 37], " CONCURRENTLY CONCURRENTLY")] : [],
        current,
      );
    const { output } = fixText(text, lint);
    expect(output).toBe("CREATE INDEX CONCURRENTLY i ON t (a);\nCREATE INDEX j ON t (b);");
    expect(parseSql(output!).errors).toEqual([]);
  });

  it("gives no output when no fix parses", () => {
    const text = "SELECT 1;";
    const { output, result: final } = fixText(text, (current) => result([message([6, 6], " FROM FROM")], current));
    expect(output).toBeUndefined();
    expect(final.messages).toHaveLength(1);
  });
});

describe("lintText({ fix: true })", () => {
  it("returns the fixed text as output, and the findings left in it", () => {
    const text = "-- outside any transaction\nCREATE INDEX orders_status_idx ON orders (status);\nALTER TABLE orders DROP COLUMN note;\n";
    const result = lintText(text, { fix: true });
    expect(result.output).toBe("-- outside any transaction\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\nALTER TABLE orders DROP COLUMN note;\n");
    expect(result.source).toBe(result.output);
    expect(result.messages.map((m) => m.ruleId)).not.toContain("require-concurrent-index-creation");
    expect(result.messages.map((m) => m.ruleId)).toContain("ban-drop-column");
    expect(result.fixableErrorCount + result.fixableWarningCount).toBe(0);
  });

  it("changes nothing inside a transaction: no output, the finding stays", () => {
    for (const [text, options] of [
      ["BEGIN;\nCREATE INDEX orders_status_idx ON orders (status);\nCOMMIT;\n", {}],
      ["CREATE INDEX orders_status_idx ON orders (status);\n", { assumeInTransaction: true }],
    ] as const) {
      const result = lintText(text, { ...options, fix: true });
      expect(result.output).toBeUndefined();
      expect(result.messages.map((m) => m.ruleId)).toContain("require-concurrent-index-creation");
    }
  });

  it("without fix there is no output, even when findings are fixable", () => {
    const result = lintText("CREATE INDEX orders_status_idx ON orders (status);");
    expect(result.output).toBeUndefined();
    expect(result.fixableErrorCount).toBe(1);
  });
});

// ---- Every fix of every fixable rule, over the rule's fixture files ----

const fixableRules = Object.entries(rules).filter(([, rule]) => rule.meta.fixable !== undefined);

function fixtureFiles(ruleId: string): string[] {
  const out: string[] = [];
  for (const kind of ["invalid", "valid"]) {
    const dir = join(FIXTURES, ruleId, kind);
    if (existsSync(dir)) for (const f of readdirSync(dir).filter((x) => x.endsWith(".sql")).sort()) out.push(`${kind}/${f}`);
  }
  return out;
}

/** The settings a fixture is linted under: psql's (no transaction) and a tool's transaction. */
const SETTINGS: Partial<MigrationOptions>[] = [
  { pgVersion: 15, assumeInTransaction: false },
  { pgVersion: 15, assumeInTransaction: true },
  { pgVersion: 18, assumeInTransaction: false },
];

function lintOne(ruleId: string, text: string, migration: Partial<MigrationOptions>): LintResult {
  return lintSource(text, { filePath: "migration.sql", rules, severities: { [ruleId]: 2 }, migration });
}

function findingCount(ruleId: string, text: string, migration: Partial<MigrationOptions>, messageId: string | undefined): number {
  return lintOne(ruleId, text, migration).messages.filter((m) => m.messageId === messageId).length;
}

describe("every fix of every fixable rule re-parses and removes its finding", () => {
  it("the registry has fixable rules", () => {
    expect(fixableRules.map(([id]) => id)).toEqual(expect.arrayContaining(["require-concurrent-index-creation", "require-concurrent-index-deletion", "prefer-jsonb"]));
  });

  for (const [ruleId] of fixableRules) {
    describe(ruleId, () => {
      const files = fixtureFiles(ruleId);
      let fixesSeen = 0;

      for (const file of files) {
        it(file, () => {
          const text = readFileSync(join(FIXTURES, ruleId, file), "utf8");
          for (const migration of SETTINGS) {
            const result = lintOne(ruleId, text, migration);
            const fixable = result.messages.filter((m) => m.fix);
            fixesSeen += fixable.length;
            // Each fix on its own.
            for (const m of fixable) {
              const { output, applied } = applyFixes(text, [m]);
              expect(applied, `${file}: the fix of line ${m.line} applies`).toEqual([m]);
              expect(parseSql(output).errors.map((e) => e.message), `${file}: fixed SQL parses:\n${output}`).toEqual([]);
              const before = result.messages.filter((x) => x.messageId === m.messageId).length;
              expect(findingCount(ruleId, output, migration, m.messageId), `${file}: the fix of line ${m.line} removes its finding:\n${output}`).toBe(before - 1);
            }
            // All of them, pass after pass, as --fix does: nothing fixable is left.
            const { output, result: final } = fixText(text, (current) => lintOne(ruleId, current, migration));
            if (fixable.length === 0) {
              expect(output).toBeUndefined();
              continue;
            }
            expect(parseSql(output!).errors).toEqual([]);
            expect(final.messages.filter((m) => m.fix), `${file}: fixes left after --fix`).toEqual([]);
            expect(final.messages.length).toBe(result.messages.length - fixable.length);
          }
        });
      }

      it("has a fixture that its fix applies to", () => {
        expect(files.length, `fixtures/rules/${ruleId}/ has no fixtures`).toBeGreaterThan(0);
        expect(fixesSeen, `no fixture of ${ruleId} gets a fix: add one that does`).toBeGreaterThan(0);
      });
    });
  }
});
