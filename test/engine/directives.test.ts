/**
 * Inline ignore comments (interfaces.md, "Inline suppression"), end to end through lintSource with
 * a few real rules enabled, plus the directive parser on its own.
 */
import { describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { parseDirectives } from "../../src/engine/directives.js";
import { lintSource } from "../../src/engine/linter.js";
import { parseSql } from "../../src/parser/parse.js";
import type { LintResult } from "../../src/types.js";

const INDEX = "require-concurrent-index-creation";
const TIMEOUT = "require-lock-timeout";

function lint(code: string): LintResult {
  return lintSource(code, {
    rules,
    severities: { [INDEX]: 2, [TIMEOUT]: 2, "syntax-error": 2, "unused-ignore": 1 },
    migration: { pgVersion: 15, assumeInTransaction: false },
  });
}

/** `line:column rule[/messageId]` of the kept findings. */
function kept(result: LintResult): string[] {
  return result.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}${m.ruleId === "unused-ignore" ? `/${m.messageId}` : ""}`);
}

function suppressed(result: LintResult): string[] {
  return result.suppressedMessages.map((m) => `${m.line}:${m.column} ${m.ruleId}`);
}

describe("statement directives", () => {
  it("silence the listed rule on the next statement only", () => {
    const r = lint(`-- pgsafe-ignore ${INDEX}\nCREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);`);
    expect(suppressed(r)).toEqual([`2:1 ${INDEX}`]);
    expect(kept(r)).toEqual([`2:1 ${TIMEOUT}`, `3:1 ${INDEX}`, `3:1 ${TIMEOUT}`]);
    expect(r.errorCount).toBe(3);
  });

  it("apply to the next statement across blank lines and other comments", () => {
    const r = lint(`-- pgsafe-ignore ${INDEX}\n-- the table has 12 rows\n\nCREATE INDEX i ON t (a);`);
    expect(suppressed(r)).toEqual([`4:1 ${INDEX}`]);
  });

  it("without rule ids silence every rule on the statement", () => {
    const r = lint("-- pgsafe-ignore\nCREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);");
    expect(suppressed(r).sort()).toEqual([`2:1 ${INDEX}`, `2:1 ${TIMEOUT}`]);
    expect(kept(r)).toEqual([`3:1 ${INDEX}`, `3:1 ${TIMEOUT}`]);
  });

  it("list several rules, separated by commas or spaces", () => {
    for (const list of [`${INDEX}, ${TIMEOUT}`, `${INDEX},${TIMEOUT}`, `${INDEX} ${TIMEOUT}`]) {
      const r = lint(`-- pgsafe-ignore ${list}\nCREATE INDEX i ON t (a);`);
      expect(kept(r), list).toEqual([]);
      expect(suppressed(r).length, list).toBe(2);
    }
  });

  it("trailing a statement on the same line apply to that statement, not the next one", () => {
    const r = lint(`CREATE INDEX i ON t (a); -- pgsafe-ignore ${INDEX}\nCREATE INDEX j ON t (b);`);
    expect(suppressed(r)).toEqual([`1:1 ${INDEX}`]);
    expect(kept(r)).toEqual([`1:1 ${TIMEOUT}`, `2:1 ${INDEX}`, `2:1 ${TIMEOUT}`]);
  });

  it("trailing the last of two statements on a line apply to the last one", () => {
    const r = lint(`CREATE INDEX i ON t (a); CREATE INDEX j ON t (b); -- pgsafe-ignore ${INDEX}`);
    expect(suppressed(r)).toEqual([`1:26 ${INDEX}`]);
    expect(kept(r)).toContain(`1:1 ${INDEX}`);
  });

  it("trailing a multi-line statement on its last line apply to it", () => {
    const r = lint(`CREATE INDEX i\n  ON t (a); -- pgsafe-ignore ${INDEX}\nCREATE INDEX j ON t (b);`);
    expect(suppressed(r)).toEqual([`1:1 ${INDEX}`]);
    expect(kept(r)).toContain(`3:1 ${INDEX}`);
  });

  it("trailing a statement's semicolon on the next line apply to that statement", () => {
    const r = lint(`CREATE INDEX i ON t (a)\n; -- pgsafe-ignore ${INDEX}\nSELECT 1;`);
    expect(suppressed(r)).toEqual([`1:1 ${INDEX}`]);
    expect(kept(r).filter((k) => k.includes("unused-ignore"))).toEqual([]);
  });

  it("inside a multi-line statement apply to that statement", () => {
    const r = lint(`CREATE INDEX i\n  -- pgsafe-ignore ${INDEX}\n  ON t (a);\nCREATE INDEX j ON t (b);`);
    expect(suppressed(r)).toEqual([`1:1 ${INDEX}`]);
    expect(kept(r)).toContain(`4:1 ${INDEX}`);
  });

  it("work as block comments, on one or several lines", () => {
    const one = lint(`/* pgsafe-ignore ${INDEX} */\nCREATE INDEX i ON t (a);`);
    expect(suppressed(one)).toEqual([`2:1 ${INDEX}`]);
    const several = lint(`/*\n  pgsafe-ignore ${INDEX}\n  -- built on an empty table\n*/\nCREATE INDEX i ON t (a);`);
    expect(suppressed(several)).toEqual([`5:1 ${INDEX}`]);
    expect(kept(several)).toEqual([`5:1 ${TIMEOUT}`]);
  });

  it("as a block comment followed by a statement on the same line, apply to that statement", () => {
    const r = lint(`SELECT 1; /* pgsafe-ignore ${INDEX} */ CREATE INDEX i ON t (a);`);
    expect(suppressed(r)).toEqual([`1:65 ${INDEX}`]);
    expect(kept(r)).toEqual([`1:65 ${TIMEOUT}`]);
  });

  it("take a reason after ` -- ` that is not read as rule ids", () => {
    for (const code of [
      `-- pgsafe-ignore ${INDEX} -- the table has 12 rows\nCREATE INDEX i ON t (a);`,
      `/* pgsafe-ignore ${INDEX} -- the table has 12 rows */\nCREATE INDEX i ON t (a);`,
    ]) {
      const r = lint(code);
      expect(suppressed(r), code).toEqual([`2:1 ${INDEX}`]);
      expect(kept(r), code).toEqual([`2:1 ${TIMEOUT}`]);
    }
  });

  it("silence a syntax error in the statement they apply to, and the rest of the file is still linted", () => {
    const r = lint("-- pgsafe-ignore syntax-error\nSELEC 1;\nCREATE INDEX i ON t (a);");
    expect(suppressed(r)).toEqual(["2:1 syntax-error"]);
    expect(kept(r)).toEqual([`3:1 ${INDEX}`, `3:1 ${TIMEOUT}`]);
  });

  it("inside a string literal is not a directive", () => {
    const r = lint("SELECT '-- pgsafe-ignore';\nCREATE INDEX i ON t (a);");
    expect(suppressed(r)).toEqual([]);
    expect(kept(r)).toEqual([`2:1 ${INDEX}`, `2:1 ${TIMEOUT}`]);
  });
});

describe("file directives", () => {
  it("with rule ids silence those rules everywhere in the file, wherever the comment is", () => {
    const r = lint(`CREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);\n-- pgsafe-ignore-file ${INDEX}`);
    expect(suppressed(r)).toEqual([`1:1 ${INDEX}`, `2:1 ${INDEX}`]);
    expect(kept(r)).toEqual([`1:1 ${TIMEOUT}`, `2:1 ${TIMEOUT}`]);
  });

  it("without rule ids silence every rule", () => {
    const r = lint("-- pgsafe-ignore-file\nCREATE INDEX i ON t (a);\nSELEC 1;");
    expect(kept(r)).toEqual([]);
    expect(suppressed(r).length).toBe(3);
    expect(r.errorCount).toBe(0);
  });
});

describe("unused and unknown directives", () => {
  it("a used comment produces no unused-ignore finding", () => {
    const r = lint(`-- pgsafe-ignore ${INDEX}, ${TIMEOUT}\nCREATE INDEX i ON t (a);\n-- pgsafe-ignore-file syntax-error\nSELEC 1;`);
    expect(kept(r)).toEqual([]);
  });

  it("an unused statement comment is a warning at the comment", () => {
    const r = lint(`-- pgsafe-ignore ${INDEX}\nCREATE INDEX CONCURRENTLY i ON t (a);`);
    expect(r.messages.map((m) => [m.ruleId, m.messageId, m.severity, m.line, m.column, m.endColumn])).toEqual([["unused-ignore", "unusedRule", 1, 1, 1, 51]]);
    expect(r.warningCount).toBe(1);
    expect(r.messages[0]!.message).toContain(`"${INDEX}"`);
  });

  it("a statement comment that applies to a different statement than the finding is unused", () => {
    const r = lint(`-- pgsafe-ignore ${INDEX}\nSELECT 1;\nCREATE INDEX i ON t (a);`);
    expect(kept(r)).toEqual([`1:1 unused-ignore/unusedRule`, `3:1 ${INDEX}`, `3:1 ${TIMEOUT}`]);
  });

  it("only the unused rules of a comment are reported", () => {
    const r = lint(`-- pgsafe-ignore ${INDEX}, syntax-error\nCREATE INDEX i ON t (a);`);
    expect(r.messages.filter((m) => m.ruleId === "unused-ignore").map((m) => [m.messageId, m.message])).toEqual([
      ["unusedRule", expect.stringContaining('"syntax-error"')],
    ]);
  });

  it("unused comments without rule ids, file-level ones, and one with no statement after it", () => {
    const r = lint("-- pgsafe-ignore-file\n-- pgsafe-ignore-file syntax-error\n-- pgsafe-ignore\nSELECT 1;\n-- pgsafe-ignore");
    expect(kept(r)).toEqual(["1:1 unused-ignore/unusedFile", "2:1 unused-ignore/unusedRuleFile", "3:1 unused-ignore/unused", "5:1 unused-ignore/unused"]);
  });

  it("an unknown rule id is a warning, and the known ids of the comment still apply", () => {
    const r = lint(`-- pgsafe-ignore no-such-rule, ${INDEX}\nCREATE INDEX i ON t (a);`);
    expect(suppressed(r)).toEqual([`2:1 ${INDEX}`]);
    expect(r.messages.map((m) => [m.ruleId, m.messageId, m.severity, m.line])).toEqual([
      ["unused-ignore", "unknownRule", 1, 1],
      [TIMEOUT, "missingLockTimeout", 2, 2],
    ]);
    expect(r.messages[0]!.message).toContain('"no-such-rule"');
  });

  it("names of Object.prototype members are unknown rule ids", () => {
    const r = lint("-- pgsafe-ignore constructor, toString\nSELECT 1;");
    expect(r.messages.map((m) => [m.messageId, m.message.match(/"([^"]+)"/)?.[1]])).toEqual([
      ["unknownRule", "constructor"],
      ["unknownRule", "toString"],
    ]);
  });

  it("nothing is reported about directives when unused-ignore is off", () => {
    const r = lintSource("-- pgsafe-ignore no-such-rule\nSELECT 1;", { rules, severities: { [INDEX]: 2 } });
    expect(r.messages).toEqual([]);
  });
});

describe("parseDirectives", () => {
  const directivesOf = (code: string) => {
    const parsed = parseSql(code);
    const spans = parsed.statements.map((s) => ({ start: s.start, end: s.end }));
    return parseDirectives(parsed.comments, spans, parsed.source).map((d) => ({ kind: d.kind, rules: d.rules, target: code.slice(d.target[0], d.target[1]) }));
  };

  it("reads the kind, the rule ids and the statement each comment applies to", () => {
    expect(
      directivesOf(`-- pgsafe-ignore a, b -- reason, with commas\nSELECT 1;\nSELECT 2; /* pgsafe-ignore c */\n-- pgsafe-ignore-file\n-- not a directive: pgsafe-ignore\n--pgsafe-ignore d\nSELECT 3;`),
    ).toEqual([
      { kind: "statement", rules: ["a", "b"], target: "SELECT 1" },
      { kind: "statement", rules: ["c"], target: "SELECT 2" },
      { kind: "file", rules: undefined, target: expect.stringContaining("SELECT 1;") },
      { kind: "statement", rules: ["d"], target: "SELECT 3" },
    ]);
  });

  it("ignores words that only start like a directive", () => {
    expect(directivesOf("-- pgsafe-ignored\n-- pgsafe-ignore-files\nSELECT 1;")).toEqual([]);
  });
});
