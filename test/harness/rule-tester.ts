/**
 * A RuleTester in ESLint's shape for pgsafe rules, on vitest.
 *
 *   runRuleTests("rule-id", { valid: [...], invalid: [...] })
 *
 * - Each case lints with only the rule under test enabled, with pinned default options
 *   (PG 15, no assumed transaction); a case that depends on them says so in `options`.
 * - Every file in fixtures/rules/<id>/valid/ runs as a valid case; every file in
 *   fixtures/rules/<id>/invalid/ must be referenced by an invalid case (`fixture`).
 * - Cases must parse (a syntax error in a test case is a broken test, not a finding).
 * - Invalid cases name the messageId and position of every finding.
 * - A fix or suggestion must leave SQL that parses and no longer has that finding.
 * - Every rule has at least three valid and three invalid cases.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import type { MigrationOptions } from "../../src/analysis/context.js";
import { lintSource } from "../../src/engine/linter.js";
import { parseSql } from "../../src/parser/parse.js";
import type { LintMessage, LintResult } from "../../src/types.js";

export const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "rules");

export interface ValidCase {
  /** Required for object cases: what the case shows. */
  name: string;
  code?: string;
  /** A file under fixtures/rules/<id>/, e.g. "invalid/plain-index.sql". */
  fixture?: string;
  options?: Partial<MigrationOptions>;
  ruleOptions?: unknown[];
}

export interface ExpectedSuggestion {
  messageId?: string;
  desc?: string;
  output: string;
}

export interface ExpectedError {
  messageId: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** Substrings the message must contain (real table, column, lock names). */
  includes?: string[];
  /** Substrings the help must contain. */
  helpIncludes?: string[];
  suggestions?: ExpectedSuggestion[];
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
  /** The text after applying the fixes, when the rule fixes. */
  output?: string;
}

export interface RuleTests {
  valid: (string | ValidCase)[];
  invalid: InvalidCase[];
}

function codeOf(ruleId: string, c: ValidCase): string {
  if (c.code !== undefined) return c.code;
  if (c.fixture) return readFileSync(join(FIXTURES, ruleId, c.fixture), "utf8");
  throw new Error(`case "${c.name}" has neither code nor fixture`);
}

export function lintWithRule(ruleId: string, code: string, options: Partial<MigrationOptions> = {}, ruleOptions?: unknown[]): LintResult {
  return lintSource(code, {
    filePath: "migration.sql",
    rules,
    severities: { [ruleId]: 2 },
    migration: { pgVersion: 15, assumeInTransaction: false, ...options },
    ...(ruleOptions ? { ruleOptions: { [ruleId]: ruleOptions } } : {}),
  });
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: { range: [number, number]; text: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range[0] - a.range[0])) out = out.slice(0, e.range[0]) + e.text + out.slice(e.range[1]);
  return out;
}

function assertParses(ruleId: string, code: string, what: string): void {
  if (ruleId === "syntax-error") return;
  const errors = parseSql(code.replace(/^\uFEFF/, "")).errors;
  expect(errors.map((e) => e.message), `${what} must parse`).toEqual([]);
}

/** The fixed SQL parses, and has `removed` fewer findings with that messageId than the `before` the fix had. */
function checkFixed(ruleId: string, fixed: string, messageId: string, options: Partial<MigrationOptions>, ruleOptions: unknown[] | undefined, before: number, removed: number): void {
  assertParses(ruleId, fixed, "fixed SQL");
  const again = lintWithRule(ruleId, fixed, options, ruleOptions).messages.filter((m: LintMessage) => m.messageId === messageId);
  expect(again.length, `the fix must remove the "${messageId}" finding:\n${fixed}`).toBeLessThanOrEqual(before - removed);
}

export function runRuleTests(ruleId: string, tests: RuleTests): void {
  if (!(ruleId in rules)) throw new Error(`unknown rule ${ruleId}`);
  const fixtureDir = join(FIXTURES, ruleId);
  const validFixtures = existsSync(join(fixtureDir, "valid")) ? readdirSync(join(fixtureDir, "valid")).filter((f) => f.endsWith(".sql")) : [];
  const invalidFixtures = existsSync(join(fixtureDir, "invalid")) ? readdirSync(join(fixtureDir, "invalid")).filter((f) => f.endsWith(".sql")) : [];
  const validCases: ValidCase[] = [
    ...tests.valid.map((v) => (typeof v === "string" ? { name: v.trim().split("\n")[0]!.slice(0, 80), code: v } : v)),
    ...validFixtures.filter((f) => !tests.valid.some((v) => typeof v !== "string" && v.fixture === `valid/${f}`)).map((f) => ({ name: `fixture valid/${f}`, fixture: `valid/${f}` })),
  ];

  describe(ruleId, () => {
    it("has at least three valid and three invalid cases", () => {
      expect(validCases.length).toBeGreaterThanOrEqual(3);
      expect(tests.invalid.length).toBeGreaterThanOrEqual(3);
    });

    describe("valid", () => {
      for (const c of validCases) {
        it(c.name, () => {
          const code = codeOf(ruleId, c);
          assertParses(ruleId, code, "a valid case");
          const result = lintWithRule(ruleId, code, c.options, c.ruleOptions);
          expect(result.messages.map((m) => `${m.line}:${m.column} ${m.messageId}: ${m.message}`)).toEqual([]);
        });
      }
    });

    describe("invalid", () => {
      it("every invalid fixture is used by a case", () => {
        const used = new Set(tests.invalid.map((c) => c.fixture));
        expect(invalidFixtures.filter((f) => !used.has(`invalid/${f}`))).toEqual([]);
      });
      for (const c of tests.invalid) {
        it(c.name, () => {
          expect(c.errors.length, "an invalid case lists its errors").toBeGreaterThan(0);
          const code = codeOf(ruleId, c);
          assertParses(ruleId, code, "an invalid case");
          const result = lintWithRule(ruleId, code, c.options, c.ruleOptions);
          const got = result.messages.map((m) => ({
            messageId: m.messageId,
            line: m.line,
            column: m.column,
            ...(c.errors.some((e) => e.endLine !== undefined) ? { endLine: m.endLine } : {}),
            ...(c.errors.some((e) => e.endColumn !== undefined) ? { endColumn: m.endColumn } : {}),
          }));
          const want = c.errors.map((e) => ({
            messageId: e.messageId,
            line: e.line,
            column: e.column,
            ...(c.errors.some((x) => x.endLine !== undefined) ? { endLine: e.endLine ?? expect.any(Number) } : {}),
            ...(c.errors.some((x) => x.endColumn !== undefined) ? { endColumn: e.endColumn ?? expect.any(Number) } : {}),
          }));
          expect(got).toEqual(want);
          c.errors.forEach((e, i) => {
            const m = result.messages[i]!;
            expect(m.ruleId).toBe(ruleId);
            expect(m.message).not.toMatch(/\{\{/);
            for (const s of e.includes ?? []) expect(m.message).toContain(s);
            for (const s of e.helpIncludes ?? []) expect(m.help ?? "").toContain(s);
            if (e.suggestions) {
              expect((m.suggestions ?? []).map((s) => applyEdits(code, [s.fix]))).toEqual(e.suggestions.map((s) => s.output));
              const before = result.messages.filter((x) => x.messageId === m.messageId).length;
              for (const s of m.suggestions ?? []) checkFixed(ruleId, applyEdits(code, [s.fix]), m.messageId!, c.options ?? {}, c.ruleOptions, before, 1);
            }
          });
          const fixes = result.messages.filter((m) => m.fix).map((m) => m.fix!);
          if (c.output !== undefined) {
            const fixed = applyEdits(code, fixes);
            expect(fixed).toBe(c.output);
            const fixedIds = new Set(result.messages.filter((x) => x.fix).map((x) => x.messageId!));
            for (const id of fixedIds) {
              const before = result.messages.filter((x) => x.messageId === id).length;
              checkFixed(ruleId, fixed, id, c.options ?? {}, c.ruleOptions, before, result.messages.filter((x) => x.fix && x.messageId === id).length);
            }
          } else {
            expect(fixes.length, "a case whose code gets fixed must give `output`").toBe(0);
          }
        });
      }
    });
  });
}
