/**
 * ESLint's directive comments inside SQL comments (`-- eslint-disable-next-line …`,
 * `/* eslint-disable *\/ … /* eslint-enable *\/`, `eslint-disable-line`, `/* eslint rule: … *\/`),
 * and pgsafe's own `-- pgsafe-ignore` comments, which the plugin honours as the CLI does.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Linter } from "eslint";
import { lintText } from "../../src/index.js";
import { comparable, config, pgsafeOptions, ROOT, type Preset } from "./helpers.js";

const FILE = join(ROOT, "fixtures", "eslint", "snippet.sql");

function verify(text: string, options: { preset?: Preset; rules?: Linter.RulesRecord; filename?: string; reportUnused?: Linter.StringSeverity } = {}) {
  const linter = new Linter({ cwd: ROOT });
  const configs = config(options.preset ?? "recommended", {}, options.rules ?? {});
  if (options.reportUnused) configs.push({ linterOptions: { reportUnusedDisableDirectives: options.reportUnused } });
  const messages = linter.verify(text, configs, { filename: options.filename ?? FILE });
  // Linter#getSuppressedMessages is public API (docs/src/integrate/nodejs-api.md) but missing from eslint's types.
  const suppressed = (linter as unknown as { getSuppressedMessages(): Linter.SuppressedLintMessage[] }).getSuppressedMessages();
  return { messages, suppressed };
}

function ids(messages: readonly Linter.LintMessage[]): (string | null)[] {
  return messages.map((m) => m.ruleId);
}

const INDEX = "CREATE INDEX users_email_idx ON users (email);";

describe("eslint-disable comments in SQL", () => {
  it("-- eslint-disable-next-line silences the listed rule on the next line only", () => {
    const text = `SET lock_timeout = '2s';\n-- eslint-disable-next-line pgsafe/require-concurrent-index-creation\n${INDEX}\n${INDEX.replace("users_email_idx", "users_email2_idx")}\n`;
    const { messages, suppressed } = verify(text);
    expect(messages.map((m) => [m.ruleId, m.line])).toEqual([["pgsafe/require-concurrent-index-creation", 4]]);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]).toMatchObject({ ruleId: "pgsafe/require-concurrent-index-creation", line: 3, column: 1 });
    expect(suppressed[0]!.suppressions).toEqual([{ kind: "directive", justification: "" }]);
  });

  it("keeps the reason written after ` -- ` as the justification", () => {
    const text = `SET lock_timeout = '2s';\n-- eslint-disable-next-line pgsafe/require-concurrent-index-creation -- table is empty\n${INDEX}\n`;
    const { messages, suppressed } = verify(text);
    expect(messages).toEqual([]);
    expect(suppressed[0]!.suppressions).toEqual([{ kind: "directive", justification: "table is empty" }]);
  });

  it("/* eslint-disable */ … /* eslint-enable */ block comments, with and without rule ids", () => {
    const text = [
      "SET lock_timeout = '2s';",
      "/* eslint-disable pgsafe/require-concurrent-index-creation */",
      INDEX,
      "/* eslint-enable pgsafe/require-concurrent-index-creation */",
      "CREATE INDEX a_idx ON a (x);",
      "/* eslint-disable */",
      "DROP TABLE old_things;",
      "/* eslint-enable */",
      "DROP TABLE other_things;",
    ].join("\n");
    const { messages, suppressed } = verify(text);
    expect(messages.map((m) => [m.ruleId, m.line])).toEqual([
      ["pgsafe/require-concurrent-index-creation", 5],
      ["pgsafe/ban-drop-table", 9],
    ]);
    expect(suppressed.map((m) => [m.ruleId, m.line])).toEqual([
      ["pgsafe/require-concurrent-index-creation", 3],
      ["pgsafe/ban-drop-table", 7],
    ]);
  });

  it("-- eslint-disable-line trailing the statement, and a multi-line block comment (a problem)", () => {
    const text = `SET lock_timeout = '2s';\n${INDEX} -- eslint-disable-line pgsafe/require-concurrent-index-creation\n/* eslint-disable-line pgsafe/ban-drop-table\n */ DROP TABLE t;\n`;
    const { messages, suppressed } = verify(text);
    expect(suppressed.map((m) => [m.ruleId, m.line])).toEqual([["pgsafe/require-concurrent-index-creation", 2]]);
    expect(messages.map((m) => [m.ruleId, m.message, m.line, m.column])).toEqual([
      [null, "eslint-disable-line comment should not span multiple lines.", 3, 1],
      ["pgsafe/ban-drop-table", expect.stringContaining('"t"'), 4, 5],
    ]);
  });

  it("reports unused directives at the comment, and --fix removes them", () => {
    const text = `SET lock_timeout = '2s';\n  -- eslint-disable-next-line pgsafe/ban-drop-table\nCREATE INDEX CONCURRENTLY a_idx ON a (x);\n`;
    const { messages } = verify(text, { reportUnused: "error" });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: null, severity: 2, line: 2, column: 3, message: expect.stringContaining("Unused eslint-disable directive") });
    expect(messages[0]!.message).toContain("pgsafe/ban-drop-table");
    const linter = new Linter({ cwd: ROOT });
    const fixed = linter.verifyAndFix(text, [...config(), { linterOptions: { reportUnusedDisableDirectives: "error" } }], { filename: FILE });
    expect(fixed.output).not.toContain("eslint-disable");
    expect(fixed.messages).toEqual([]);
  });

  it("an unknown rule in a directive is an error at the comment", () => {
    const { messages } = verify(`SELECT 1;\n\n    /* eslint-disable-next-line pgsafe/no-such-rule */\nSELECT 2;\n`);
    expect(messages).toEqual([expect.objectContaining({ ruleId: "pgsafe/no-such-rule", severity: 2, line: 3, column: 5, message: expect.stringContaining("pgsafe/no-such-rule") })]);
  });

  it("directive positions count UTF-16 code units after multi-byte text", () => {
    const text = `SET lock_timeout = '2s'; SELECT '😀 é'; /* eslint-disable-line pgsafe/require-concurrent-index-creation */ ${INDEX}\n`;
    const { messages, suppressed } = verify(text, { reportUnused: "error" });
    expect(messages).toEqual([]);
    expect(suppressed).toEqual([expect.objectContaining({ ruleId: "pgsafe/require-concurrent-index-creation", line: 1, column: text.indexOf("CREATE") + 1 })]);
  });

  it("/* eslint rule: severity */ configures pgsafe's rules inline; a bad one is a fatal problem", () => {
    const text = `/* eslint pgsafe/prefer-bigint-over-int: "off", pgsafe/ban-drop-column: ["error"] */\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN n int;\nALTER TABLE users DROP COLUMN legacy;\n`;
    const { messages } = verify(text, { preset: "strict" });
    expect(ids(messages)).not.toContain("pgsafe/prefer-bigint-over-int");
    expect(messages.find((m) => m.ruleId === "pgsafe/ban-drop-column")).toMatchObject({ severity: 2, line: 4 });
    const bad = verify(`/* eslint pgsafe/ban-drop-table: [bad */\nSELECT 1;\n`).messages;
    expect(bad).toEqual([expect.objectContaining({ ruleId: null, fatal: true, severity: 2, line: 1, column: 1 })]);
  });

  it("noInlineConfig: directives have no effect and are reported where they are (pgsafe-ignore comments still apply)", () => {
    const text = `SET lock_timeout = '2s';\n  -- eslint-disable-next-line pgsafe/require-concurrent-index-creation\n${INDEX}\n-- pgsafe-ignore ban-drop-table\nDROP TABLE t;\n`;
    const linter = new Linter({ cwd: ROOT });
    const messages = linter.verify(text, [...config(), { linterOptions: { noInlineConfig: true } }], { filename: FILE });
    expect(messages.map((m) => [m.ruleId, m.severity, m.line, m.column])).toEqual([
      [null, 1, 2, 3],
      ["pgsafe/require-concurrent-index-creation", 2, 3, 1],
    ]);
    expect(messages[0]!.message).toContain("'-- eslint-disable-next-line pgsafe/require-concurrent-index-creation' has no effect");
  });

  it("eslint-disable comments in the down section of a goose file", () => {
    const text = [
      "-- +goose Up",
      "SET lock_timeout = '2s';",
      INDEX,
      "-- +goose Down",
      "-- eslint-disable-next-line pgsafe/require-concurrent-index-deletion",
      "DROP INDEX users_email_idx;",
      "",
    ].join("\n");
    const { messages, suppressed } = verify(text, { preset: "strict" });
    expect(suppressed.map((m) => [m.ruleId, m.line])).toEqual([["pgsafe/require-concurrent-index-deletion", 6]]);
    expect(ids(messages)).toContain("pgsafe/require-concurrent-index-creation");
  });
});

/** Texts with pgsafe-ignore comments: ESLint and pgsafe must agree on each. */
const IGNORE_CASES: { name: string; text: string; preset?: Preset; filename?: string }[] = [
  { name: "ignore the next statement", text: `-- pgsafe-ignore require-concurrent-index-creation, require-lock-timeout\n${INDEX}\n${INDEX}\n` },
  { name: "all rules, with a reason", text: `/* pgsafe-ignore -- reviewed */ ${INDEX}\nDROP TABLE t;\n` },
  { name: "trailing comment", text: `SET lock_timeout = '2s';\n${INDEX} -- pgsafe-ignore require-concurrent-index-creation\n` },
  { name: "ignore-file", text: `-- pgsafe-ignore-file require-lock-timeout\n${INDEX}\nDROP TABLE t;\n` },
  { name: "unused and unknown ids (unused-ignore)", text: `-- pgsafe-ignore ban-drop-table, no-such-rule\n${INDEX}\n-- pgsafe-ignore\nSELECT 1;\n-- pgsafe-ignore-file ban-truncate\n` },
  {
    name: "goose file: ignore-file used in one section only, unknown id in every section",
    text: "-- pgsafe-ignore-file require-concurrent-index-deletion, nope\n-- +goose Up\nSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY a_idx ON a (x);\n-- +goose Down\nSET lock_timeout = '2s';\nDROP INDEX a_idx;\n",
  },
  {
    name: "goose file: ignore-file used in no section",
    text: "-- pgsafe-ignore-file ban-drop-table\n-- pgsafe-ignore-file\n-- +goose Up\nSELECT 1;\n-- +goose Down\nSELECT 2;\n",
  },
  {
    name: "dbmate file: statement ignores in each block",
    text: "-- migrate:up\n-- pgsafe-ignore require-lock-timeout\nCREATE INDEX a_idx ON a (x);\n-- migrate:down\n-- pgsafe-ignore ban-drop-table\nDROP INDEX a_idx;\n",
    preset: "strict",
  },
  { name: "a syntax error ignored", text: "-- pgsafe-ignore syntax-error\nSELEC 1;\nSELECT 2 FRM t;\n" },
  {
    name: "inside a DO block: the next statement of the block, and an unused one",
    text: "SET lock_timeout = '2s';\nDO $$\nBEGIN\n  -- pgsafe-ignore require-concurrent-index-creation\n  CREATE INDEX a_idx ON a (x);\n  CREATE INDEX b_idx ON b (x);\n  -- pgsafe-ignore ban-drop-table\n  RAISE NOTICE 'x';\nEND $$;\n",
  },
];

describe("pgsafe-ignore comments through ESLint", () => {
  for (const c of IGNORE_CASES) {
    it(c.name, () => {
      const preset = c.preset ?? "recommended";
      const { messages } = verify(c.text, { preset, ...(c.filename ? { filename: c.filename } : {}) });
      const expected = lintText(c.text, pgsafeOptions(preset, {}, c.filename ?? FILE));
      expect(comparable(messages)).toEqual(comparable(expected.messages));
      // Each case silences something (or reports an unused comment): the comparison is not vacuous.
      expect(expected.suppressedMessages.length + expected.messages.filter((m) => m.ruleId === "unused-ignore").length).toBeGreaterThan(0);
    });
  }

  it("a silenced finding is silenced in ESLint too, and unused-ignore reports the comment that silenced nothing", () => {
    const { messages } = verify(`-- pgsafe-ignore ban-drop-table\n${INDEX}\n`);
    const found = messages.map((m) => [m.ruleId, m.messageId, m.line, m.column, m.endLine, m.endColumn]);
    expect(found.sort((a, b) => String(a).localeCompare(String(b)))).toEqual([
      ["pgsafe/require-concurrent-index-creation", "missingConcurrently", 2, 1, 2, 13],
      ["pgsafe/require-lock-timeout", "missingLockTimeout", 2, 1, 2, 46],
      ["pgsafe/unused-ignore", "unusedRule", 1, 1, 1, 32],
    ]);
  });

  it("unused-ignore off: no finding about the comments", () => {
    const { messages } = verify(`-- pgsafe-ignore ban-drop-table\nSELECT 1;\n`, { rules: { "pgsafe/unused-ignore": "off" } });
    expect(messages).toEqual([]);
  });
});
