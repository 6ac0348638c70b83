/**
 * The library API: lintText, lintFiles, rules, defaultSeverities, effectiveSeverities.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rules as registry } from "../../rules/index.js";
import { defaultSeverities, effectiveSeverities, lintFiles, lintText, PgsafeUsageError, rules } from "../../src/index.js";
import { makeTree, removeTree, SAFE_SQL, UNSAFE_SQL } from "./helpers.js";

let root: string;
beforeAll(() => {
  root = makeTree({
    "db/10_c.sql": UNSAFE_SQL,
    "db/2_b.sql": SAFE_SQL,
    "db/1_a.sql": SAFE_SQL,
    "db/archive/0_old.sql": "SELEC 1;",
  });
});
afterAll(() => removeTree(root));

describe("lintText", () => {
  it("lints SQL text and names the file as given (resolved against cwd)", () => {
    const result = lintText(UNSAFE_SQL, { filePath: "db/m.sql", cwd: "/work/project" });
    expect(result.filePath).toBe("/work/project/db/m.sql");
    expect(result.errorCount).toBe(1);
    expect(result.messages[0]!.ruleId).toBe("require-concurrent-index-creation");
  });

  it('defaults the name to "<text>" and keeps bracketed names', () => {
    expect(lintText(SAFE_SQL).filePath).toBe("<text>");
    expect(lintText(SAFE_SQL, { filePath: "<stdin>" }).filePath).toBe("<stdin>");
  });

  it("honours exclude and rule settings", () => {
    expect(lintText(UNSAFE_SQL, { exclude: ["require-concurrent-index-creation"] }).messages).toEqual([]);
    const warned = lintText(UNSAFE_SQL, { rules: { "require-concurrent-index-creation": "warn" } });
    expect(warned).toMatchObject({ errorCount: 0, warningCount: 1 });
  });

  it.each([9, 20, 15.5, Number.NaN])("rejects pgVersion %s with a PgsafeUsageError", (pgVersion) => {
    expect(() => lintText(SAFE_SQL, { pgVersion })).toThrow(PgsafeUsageError);
    expect(() => lintText(SAFE_SQL, { pgVersion })).toThrow(/from 10 to 19/);
  });

  it("rejects unknown rule ids, naming them", () => {
    expect(() => lintText(SAFE_SQL, { include: ["nope"] })).toThrow(/"nope".*--include/);
    expect(() => lintText(SAFE_SQL, { exclude: ["nope"] })).toThrow(PgsafeUsageError);
    expect(() => lintText(SAFE_SQL, { rules: { nope: "warn" } })).toThrow(/"nope"/);
  });
});

describe("severities", () => {
  it("rules is the registry, and defaultSeverities is each rule's meta.docs.defaultSeverity", () => {
    expect(rules).toBe(registry);
    const defaults = defaultSeverities();
    expect(Object.keys(defaults)).toEqual(Object.keys(registry));
    for (const [id, rule] of Object.entries(registry)) expect(defaults[id as keyof typeof defaults]).toBe(rule.meta.docs.defaultSeverity);
  });

  it("enables every rule that is not off by default, at its default level", () => {
    const enabled = effectiveSeverities();
    for (const [id, rule] of Object.entries(registry)) {
      const expected = { off: undefined, warn: 1, error: 2 }[rule.meta.docs.defaultSeverity];
      expect(enabled[id], id).toBe(expected);
    }
  });

  it("--include turns a rule that is off on at warn; --exclude turns it off", () => {
    const id = "require-concurrent-index-creation";
    expect(effectiveSeverities({ rules: { [id]: "off" } })[id]).toBeUndefined();
    expect(effectiveSeverities({ rules: { [id]: "off" }, include: [id] })[id]).toBe(1);
    expect(effectiveSeverities({ include: [id] })[id]).toBe(2);
    expect(effectiveSeverities({ exclude: [id] })[id]).toBeUndefined();
  });
});

describe("lintFiles", () => {
  it("lints a directory in migration order, with absolute paths", async () => {
    const results = await lintFiles(["db"], { cwd: root });
    expect(results.map((r) => r.filePath)).toEqual(["db/1_a.sql", "db/2_b.sql", "db/10_c.sql", "db/archive/0_old.sql"].map((f) => join(root, f)));
    expect(results[2]!.errorCount).toBe(1);
    expect(results[3]!.messages[0]!.ruleId).toBe("syntax-error");
  });

  it("takes ignore patterns", async () => {
    const results = await lintFiles(["db"], { cwd: root, ignorePatterns: ["archive/"] });
    expect(results.map((r) => r.filePath.slice(root.length + 1))).toEqual(["db/1_a.sql", "db/2_b.sql", "db/10_c.sql"]);
  });

  it("throws a PgsafeUsageError for a path that matches nothing", async () => {
    await expect(lintFiles(["missing"], { cwd: root })).rejects.toThrow(PgsafeUsageError);
    await expect(lintFiles(["missing"], { cwd: root })).rejects.toThrow(/"missing"/);
  });

  it("reads UTF-16 files with a byte-order mark", async () => {
    const dir = makeTree({ "1_utf16.sql": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(UNSAFE_SQL, "utf16le")]) });
    try {
      const [result] = await lintFiles(["."], { cwd: dir });
      expect(result!.messages.map((m) => [m.ruleId, m.line, m.column])).toEqual([["require-concurrent-index-creation", 2, 1]]);
    } finally {
      removeTree(dir);
    }
  });
});
