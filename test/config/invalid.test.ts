/**
 * Every kind of invalid config is exit 2 with ONE line naming the file, the key (as a JSON
 * pointer) and what is allowed there; invalid JSON names the file and the line.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, PgsafeConfigError, PgsafeUsageError } from "../../src/index.js";
import { locateSyntaxError, parseJson } from "../../src/config/json.js";
import { expectConfigError, makeProject, removeTree, run } from "./helpers.js";

let root: string;
beforeAll(() => {
  root = makeProject({ "db/0001_init.sql": "SELECT 1;\n" });
});
afterAll(() => removeTree(root));

/** Lints `db` with this text as pgsafe.config.json. */
async function withConfig(text: string, name = "pgsafe.config.json") {
  const file = join(root, name);
  writeFileSync(file, text);
  try {
    return await run(["db"], { cwd: root });
  } finally {
    removeTree(file);
  }
}

const config = (value: unknown): string => JSON.stringify(value, null, 2);

describe("invalid values: exit 2, one line, file + JSON pointer + what is allowed", () => {
  it("an unknown key, with the closest key and the allowed keys", async () => {
    expectConfigError(
      await withConfig(config({ pgVersoin: 16 })),
      '"pgsafe.config.json"',
      "at /pgVersoin:",
      'unknown key "pgVersoin"',
      'did you mean "pgVersion"?',
      "allowed keys: $schema, pgVersion, assumeInTransaction, framework, preset, rules, ignorePatterns, lockTimeoutSetByRunner, statementTimeoutSetByRunner, stats",
    );
  });

  it("a wrong type", async () => {
    expectConfigError(await withConfig(config({ assumeInTransaction: "yes" })), "pgsafe.config.json", "at /assumeInTransaction:", "must be true or false", '(got "yes")');
    expectConfigError(await withConfig(config({ pgVersion: "16" })), "at /pgVersion:", "must be an integer from 10 to 19", '(got "16")');
    expectConfigError(await withConfig(config({ ignorePatterns: "old/**" })), "at /ignorePatterns:", "must be an array of non-empty strings");
    expectConfigError(await withConfig(config({ ignorePatterns: ["old/**", 3] })), "at /ignorePatterns/1:", "must be a non-empty string", "(got 3)");
    expectConfigError(await withConfig(config({ rules: ["require-lock-timeout"] })), "at /rules:", "must be an object (got an array)");
    expectConfigError(await withConfig(config([{ pgVersion: 16 }])), "pgsafe.config.json", "at the top level:", "must be an object (got an array)");
  });

  it("a bad enum value (framework)", async () => {
    expectConfigError(await withConfig(config({ framework: "rails" })), "at /framework:", 'must be one of "auto", "none", "goose"', '"sql-migrate"', '(got "rails")');
  });

  it("pgVersion out of range", async () => {
    expectConfigError(await withConfig(config({ pgVersion: 9 })), "at /pgVersion:", "must be an integer from 10 to 19 (got 9)");
    expectConfigError(await withConfig(config({ pgVersion: 20 })), "at /pgVersion:", "(got 20)");
    expectConfigError(await withConfig(config({ pgVersion: 15.5 })), "at /pgVersion:", "(got 15.5)");
  });

  it("an unknown rule id, with the closest rule id", async () => {
    expectConfigError(
      await withConfig(config({ rules: { "ban-drop-colum": "off" } })),
      "at /rules/ban-drop-colum:",
      'unknown rule "ban-drop-colum" (did you mean "ban-drop-column"?)',
      'Run "pgsafe rules"',
    );
    expectConfigError(await withConfig(config({ rules: { "no-such-rule-at-all": "off" } })), 'unknown rule "no-such-rule-at-all". Run "pgsafe rules"');
  });

  it("a bad severity", async () => {
    expectConfigError(await withConfig(config({ rules: { "ban-drop-column": "on" } })), "at /rules/ban-drop-column:", 'must be "off", "warn" or "error" (got "on")');
    expectConfigError(await withConfig(config({ rules: { "ban-drop-column": 2 } })), "at /rules/ban-drop-column:", 'must be "off", "warn" or "error" (got 2)');
    expectConfigError(await withConfig(config({ rules: { "require-lock-timeout": ["eror", { max: "5s" }] } })), "at /rules/require-lock-timeout/0:", '(got "eror")');
    expectConfigError(await withConfig(config({ rules: { "require-lock-timeout": [] } })), "at /rules/require-lock-timeout:", "must start with the severity");
  });

  it("bad rule options, checked against the rule's meta.schema", async () => {
    expectConfigError(
      await withConfig(config({ rules: { "require-lock-timeout": ["error", { maxx: "5s" }] } })),
      "at /rules/require-lock-timeout/1/maxx:",
      'unknown key "maxx" (did you mean "max"?); allowed keys: max',
    );
    expectConfigError(await withConfig(config({ rules: { "require-lock-timeout": ["error", { max: true }] } })), "at /rules/require-lock-timeout/1/max:", "must be a string or a number (got true)");
    expectConfigError(await withConfig(config({ rules: { "require-lock-timeout": ["error", {}, {}] } })), "at /rules/require-lock-timeout:", "takes one option after the severity");
    expectConfigError(await withConfig(config({ rules: { "ban-drop-column": ["error", { x: 1 }] } })), "at /rules/ban-drop-column:", 'rule "ban-drop-column" has no options');
  });

  it("invalid JSON names the file, the line and the column", async () => {
    expectConfigError(await withConfig('{\n  "pgVersion": 16,\n}\n'), 'Invalid JSON in "pgsafe.config.json" at line 3, column 1', "trailing comma");
    expectConfigError(await withConfig('{\n  // PostgreSQL 16\n  "pgVersion": 16\n}\n', ".pgsaferc.json"), '".pgsaferc.json" at line 2, column 3', "JSON has no comments");
    expectConfigError(await withConfig('{\n  "pgVersion": 16\n'), "at line 3, column 1", 'expected "," or "}"', "the end of the file");
    expectConfigError(await withConfig(""), "at line 1, column 1", "expected a value");
  });

  it('package.json "pgsafe" that is not an object', async () => {
    const pkg = join(root, "package.json");
    writeFileSync(pkg, config({ name: "app", pgsafe: "strict" }));
    try {
      expectConfigError(await run(["db"], { cwd: root }), '"package.json"', "at /pgsafe:", 'must be an object (got "strict")');
      writeFileSync(pkg, config({ name: "app", pgsafe: { rules: { "ban-drop-column": "on" } } }));
      expectConfigError(await run(["db"], { cwd: root }), '"package.json"', "at /pgsafe/rules/ban-drop-column:");
      writeFileSync(pkg, '{ "name": "app", }');
      expectConfigError(await run(["db"], { cwd: root }), 'Invalid JSON in "package.json" at line 1, column 18');
    } finally {
      removeTree(pkg);
    }
  });

  it("--config naming a missing file", async () => {
    expectConfigError(await run(["db", "--config", "conf/pgsafe.json"], { cwd: root }), 'Cannot read config file "conf/pgsafe.json": no such file or directory', "--config");
  });
});

describe("the library throws PgsafeConfigError with the file, the pointer and the line", () => {
  it("a validation problem", async () => {
    writeFileSync(join(root, ".pgsaferc.json"), config({ rules: { "ban-drop-column": "on" } }));
    try {
      const error = await loadConfig({ cwd: root }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PgsafeConfigError);
      expect(error).toBeInstanceOf(PgsafeUsageError);
      expect(error).toMatchObject({ filePath: join(root, ".pgsaferc.json"), pointer: "/rules/ban-drop-column", exitCode: 2 });
    } finally {
      removeTree(join(root, ".pgsaferc.json"));
    }
  });

  it("a syntax error", async () => {
    writeFileSync(join(root, "pgsafe.config.json"), '{\n\n  "pgVersion": 16\n  "rules": {}\n}');
    try {
      await expect(loadConfig({ cwd: root })).rejects.toMatchObject({ line: 4, message: expect.stringContaining("line 4, column 3") as unknown });
    } finally {
      removeTree(join(root, "pgsafe.config.json"));
    }
  });
});

describe("JSON syntax errors are located on every Node version", () => {
  const at = (text: string) => {
    const r = parseJson(text);
    return r.ok ? undefined : `${r.problem.line}:${r.problem.column} ${r.problem.reason}`;
  };

  it("finds the offending character", () => {
    expect(at('{"a": 1,}')).toBe('1:9 expected a double-quoted property name, found "}" (a trailing comma?)');
    expect(at('{"a" 1}')).toBe('1:6 expected ":" after the property name, found "1"');
    expect(at('[1,,2]')).toBe('1:4 expected a value, found ","');
    expect(at("[1, 2,]")).toBe('1:7 expected a value, found "]" (a trailing comma?)');
    expect(at('{"a": tru}')).toBe('1:7 expected a value, found "t"');
    expect(at('{"a": 01}')).toBe('1:8 expected "," or "}" after a property value, found "1"');
    expect(at('{"a": 1}}')).toBe('1:9 unexpected "}" after the end of the JSON value');
    expect(at('{"a": "x\ny"}')).toBe("1:9 a line break or control character inside a string (escape it, e.g. \\n)");
    expect(at('{"a": "\\q"}')).toBe('1:8 invalid escape "\\q" in a string');
    expect(at('{"a": "x')).toBe("1:7 unterminated string");
    expect(at("{'a': 1}")).toBe(`1:2 expected a double-quoted property name, found "'"`);
  });

  it("counts lines across \\n, \\r\\n and \\r, and columns in UTF-16 units", () => {
    expect(at('{\r\n  "a": 1,\r\n  "b": [1 2]\r\n}')).toBe('3:11 expected "," or "]" after an array element, found "2"');
    expect(at('{\r  "é😀": x}')).toBe('2:10 expected a value, found "x"');
  });

  it("accepts what JSON.parse accepts, and a leading byte-order mark", () => {
    for (const text of ['{"a": [1, -2.5e+3, true, false, null, "\\u00e9\\n"], "b": {}}', " [ ] ", '"x"', "0"]) {
      expect(locateSyntaxError(text), text).toBeUndefined();
      expect(parseJson(text).ok).toBe(true);
    }
    expect(parseJson('\uFEFF{"pgVersion": 16}')).toEqual({ ok: true, value: { pgVersion: 16 } });
  });
});
