/**
 * The plugin object (meta, rules, configs), the language options, syntax errors, and the published
 * entry point `pgsafe/eslint-plugin` used from an eslint.config.js by the `eslint` command.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Linter } from "eslint";
import { rules as pgRules } from "../../rules/index.js";
import { presetSeverities } from "../../src/engine/severities.js";
import { lintText } from "../../src/index.js";
import { BIN, ensureBuilt } from "../harness/built-cli.js";
import { comparable, config, plugin, pgsafeOptions, ROOT, sqlFiles } from "./helpers.js";

const FILE = join(ROOT, "fixtures", "eslint", "snippet.sql");

function verify(text: string, configs: Linter.Config[], filename = FILE): Linter.LintMessage[] {
  return new Linter({ cwd: ROOT }).verify(text, configs, { filename });
}

describe("the plugin object", () => {
  it("meta: name pgsafe and the package version", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(plugin.meta).toMatchObject({ name: "pgsafe", version: pkg.version });
    expect(Object.keys(plugin.languages)).toEqual(["sql"]);
  });

  it("has every pgsafe rule with its metadata, for the pgsafe/sql language only", () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(Object.keys(pgRules).sort());
    for (const [id, rule] of Object.entries(pgRules)) {
      const meta = plugin.rules[id as keyof typeof plugin.rules].meta!;
      expect(meta.messages).toEqual(rule.meta.messages);
      expect(meta.type).toBe(rule.meta.type);
      expect(meta.fixable).toBe(rule.meta.fixable);
      expect(meta.hasSuggestions).toBe(rule.meta.hasSuggestions);
      expect(meta.schema).toEqual(rule.meta.schema);
      expect(meta.docs).toEqual(rule.meta.docs);
      expect(meta.languages).toEqual(["pgsafe/sql"]);
    }
  });

  it("configs.recommended: *.sql, the pgsafe/sql language, every rule at its default severity", () => {
    const recommended = plugin.configs.recommended;
    expect(recommended).toMatchObject({ name: "pgsafe/recommended", files: ["**/*.sql"], language: "pgsafe/sql" });
    expect(recommended.plugins.pgsafe).toBe(plugin);
    expect(Object.keys(recommended.rules).sort()).toEqual(Object.keys(pgRules).map((id) => `pgsafe/${id}`).sort());
    for (const [id, rule] of Object.entries(pgRules)) expect([id, recommended.rules[`pgsafe/${id}`]]).toEqual([id, rule.meta.docs.defaultSeverity]);
    expect(Object.values(recommended.rules)).toContain("off");
  });

  it("configs.strict: every rule on, opt-in rules at warn (the CLI's --preset strict)", () => {
    const strict = plugin.configs.strict;
    expect(strict).toMatchObject({ name: "pgsafe/strict", files: ["**/*.sql"], language: "pgsafe/sql" });
    for (const [id, rule] of Object.entries(pgRules)) {
      const expected = rule.meta.docs.defaultSeverity === "off" ? "warn" : rule.meta.docs.defaultSeverity;
      expect([id, strict.rules[`pgsafe/${id}`]]).toEqual([id, expected]);
    }
    const cli = presetSeverities("strict");
    expect(Object.fromEntries(Object.entries(strict.rules).map(([id, s]) => [id.replace(/^pgsafe\//, ""), s]))).toEqual(cli);
  });

  it("works spread into a config object, as docs/eslint.md shows", () => {
    const { plugins, rules } = plugin.configs.recommended;
    const messages = verify("CREATE INDEX i ON t (a);\n", [{ files: ["**/*.sql"], plugins, language: "pgsafe/sql", rules }]);
    expect(messages.map((m) => m.ruleId).sort()).toEqual(["pgsafe/require-concurrent-index-creation", "pgsafe/require-lock-timeout"]);
  });
});

describe("help (the safe sequence)", () => {
  const text = "SET lock_timeout = '2s';\nCREATE INDEX users_email_idx ON users (email);\n";

  it("is left out by default: the message is the CLI's message", () => {
    const [pg] = lintText(text, pgsafeOptions("recommended", {}, FILE)).messages;
    expect(pg!.help).toContain("CREATE INDEX CONCURRENTLY");
    const [m] = verify(text, config());
    expect(m).toMatchObject({ message: pg!.message, messageId: pg!.messageId });
  });

  it("settings.pgsafe.help appends it to the message as the text report prints it", () => {
    const [pg] = lintText(text, pgsafeOptions("recommended", {}, FILE)).messages;
    const [m] = verify(text, [...config(), { settings: { pgsafe: { help: true } } }]);
    expect(m!.message).toBe(`${pg!.message}\n\nhelp: ${pg!.help}`);
    expect(m!.messageId).toBeUndefined();
    expect(m).toMatchObject({ line: pg!.line, column: pg!.column, endColumn: pg!.endColumn, fix: pg!.fix });
  });
});

describe("language options", () => {
  it("pgVersion changes the verdict as in the CLI", () => {
    const text = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;\n";
    const v10 = verify(text, config("recommended", { pgVersion: 10 }));
    const v15 = verify(text, config("recommended", { pgVersion: 15 }));
    expect(v10.map((m) => m.ruleId)).toContain("pgsafe/adding-field-with-default");
    expect(v15.map((m) => m.ruleId)).not.toContain("pgsafe/adding-field-with-default");
    expect(comparable(v10)).toEqual(comparable(lintText(text, pgsafeOptions("recommended", { pgVersion: 10 }, FILE)).messages));
  });

  it("assumeInTransaction and the runner's timeouts", () => {
    const text = "CREATE INDEX CONCURRENTLY i ON t (a);\n";
    const inTx = verify(text, config("recommended", { assumeInTransaction: true }));
    expect(inTx.map((m) => m.ruleId)).toContain("pgsafe/ban-concurrently-in-transaction");
    expect(verify(text, config("recommended", { lockTimeoutSetByRunner: true }))).toEqual([]);
  });

  it.each([
    [{ pgVersion: 9 }, /pgVersion must be a PostgreSQL major version from 10 to 19, got 9/],
    [{ pgVersion: "15" }, /pgVersion must be a PostgreSQL major version/],
    [{ assumeInTransaction: "yes" }, /assumeInTransaction must be true or false/],
    [{ lockTimeoutSetByRunner: 1 }, /lockTimeoutSetByRunner must be true or false/],
    [{ framework: "rails" }, /framework must be one of auto, none, goose/],
    [{ pgversion: 15 }, /Unknown pgsafe\/sql language option "pgversion"/],
  ])("rejects %o", (languageOptions, error) => {
    expect(() => verify("SELECT 1;\n", config("recommended", languageOptions as never))).toThrow(error);
  });

  it("framework: forcing a tool or none changes the transaction semantics as in the CLI", () => {
    const text = "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY i ON t (a);\n";
    for (const framework of ["auto", "none", "goose", "dbmate"] as const) {
      const got = comparable(verify(text, config("strict", { framework, assumeInTransaction: true })));
      expect({ framework, got }).toEqual({ framework, got: comparable(lintText(text, pgsafeOptions("strict", { framework, assumeInTransaction: true }, FILE)).messages) });
    }
    expect(verify(text, config("recommended", { assumeInTransaction: true }))).toEqual([]);
    expect(verify(text, config("recommended", { framework: "none", assumeInTransaction: true })).map((m) => m.ruleId)).toContain("pgsafe/ban-concurrently-in-transaction");
  });

  it("a pgsafe rule on a file of another language is a configuration error naming the language", () => {
    const configs: Linter.Config[] = [{ files: ["**/*.js"], plugins: { pgsafe: plugin }, rules: { "pgsafe/ban-drop-table": "error" } }];
    expect(() => new Linter({ cwd: ROOT }).verify("var a = 1;\n", configs, { filename: join(ROOT, "a.js") })).toThrow(/do not support the language/);
  });
});

describe("rule options", () => {
  it("are passed to the rule as pgsafe's ruleOptions are, and checked against the rule's schema", () => {
    const text = "SET lock_timeout = '30s';\nALTER TABLE users ADD COLUMN note text;\n";
    const strictTimeout = verify(text, config("recommended", {}, { "pgsafe/require-lock-timeout": ["error", { max: "10s" }] }));
    const expected = lintText(text, { ...pgsafeOptions("recommended", {}, FILE), ruleOptions: { "require-lock-timeout": [{ max: "10s" }] } }).messages;
    expect(expected.map((m) => m.ruleId)).toContain("require-lock-timeout");
    expect(comparable(strictTimeout)).toEqual(comparable(expected));
    expect(verify(text, config("recommended", {}, { "pgsafe/require-lock-timeout": ["error", { max: "1min" }] })).map((m) => m.ruleId)).not.toContain("pgsafe/require-lock-timeout");
    expect(() => verify(text, config("recommended", {}, { "pgsafe/require-lock-timeout": ["error", { maximum: 1 }] }))).toThrow(/pgsafe\/require-lock-timeout/);
  });
});

describe("syntax errors", () => {
  it("are pgsafe/syntax-error findings at pgsafe's position, and the other statements are still linted", () => {
    const text = "SET lock_timeout = '2s';\nSELECT 'é😀' FRM t;\nCREATE INDEX i ON t (a);\n";
    const messages = verify(text, config());
    const expected = lintText(text, pgsafeOptions("recommended", {}, FILE)).messages;
    const syntax = expected.find((m) => m.ruleId === "syntax-error")!;
    expect(syntax).toMatchObject({ line: 2, column: 18 });
    expect(messages.find((m) => m.ruleId === "pgsafe/syntax-error")).toMatchObject({
      severity: 2,
      line: syntax.line,
      column: syntax.column,
      endLine: syntax.endLine,
      endColumn: syntax.endColumn,
      message: syntax.message,
    });
    expect(messages.some((m) => m.fatal)).toBe(false);
    expect(messages.map((m) => m.ruleId)).toContain("pgsafe/require-concurrent-index-creation");
    expect(comparable(messages)).toEqual(comparable(expected));
  });

  it("can be turned off like any rule (the statement is then skipped silently, as in the CLI)", () => {
    expect(verify("SELEC 1;\n", config("recommended", {}, { "pgsafe/syntax-error": "off" }))).toEqual([]);
  });

  it("an empty file and a comment-only file have no findings", () => {
    expect(verify("", config("strict"))).toEqual([]);
    expect(verify("-- nothing\n/* at all */\n", config("strict"))).toEqual([]);
  });
});

describe("the eslint command with pgsafe/eslint-plugin from an eslint.config.js", () => {
  let dir: string;
  const ESLINT_BIN = join(ROOT, "node_modules", "eslint", "bin", "eslint.js");
  // The examples, two migration tools with up / down sections, and the invalid fixtures of every fixable rule.
  const fixable = Object.entries(pgRules).filter(([, rule]) => rule.meta.fixable).map(([id]) => id);
  const CASES = [
    ...sqlFiles("fixtures/examples"),
    ...sqlFiles("fixtures/migrations/goose"),
    ...sqlFiles("fixtures/migrations/dbmate"),
    ...fixable.flatMap((id) => sqlFiles(`fixtures/rules/${id}/invalid`)),
  ];

  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), "pgsafe-eslint-"));
    // The package as an installed dependency: node_modules/pgsafe → the repository (dist built).
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules", "pgsafe"), "dir");
    writeFileSync(join(dir, "eslint.config.js"), 'import pgsafe from "pgsafe/eslint-plugin";\n\nexport default [pgsafe.configs.recommended];\n');
    for (const side of ["eslint", "pgsafe"]) {
      for (const file of CASES) cpSync(file, join(dir, side, file.slice(ROOT.length + 1)));
    }
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("`eslint --fix` writes what `pgsafe --fix` writes, file by file", () => {
    const eslint = spawnSync(process.execPath, [ESLINT_BIN, "--fix", "--format", "json", "eslint"], { cwd: dir, encoding: "utf8" });
    expect(eslint.stderr).toBe("");
    expect(eslint.status).toBe(1);
    const results = JSON.parse(eslint.stdout) as { filePath: string; messages: Linter.LintMessage[] }[];
    expect(results).toHaveLength(CASES.length);
    let changed = 0;
    for (const file of CASES) {
      const rel = file.slice(ROOT.length + 1);
      // One file per run: the CLI replays earlier files of a run into a known schema, ESLint lints each file alone.
      const pgsafe = spawnSync(process.execPath, [BIN, "--fix", "--no-config", "--format", "json", join("pgsafe", rel)], { cwd: dir, encoding: "utf8" });
      expect(pgsafe.stderr).toBe("");
      const fixedByEslint = readFileSync(join(dir, "eslint", rel), "utf8");
      expect({ rel, text: fixedByEslint }).toEqual({ rel, text: readFileSync(join(dir, "pgsafe", rel), "utf8") });
      if (fixedByEslint !== readFileSync(file, "utf8")) changed++;
      const [left] = JSON.parse(pgsafe.stdout) as { messages: Linter.LintMessage[] }[];
      const eslintLeft = results.find((r) => r.filePath === join(dir, "eslint", rel))!.messages;
      expect({ rel, left: comparable(eslintLeft) }).toEqual({ rel, left: comparable(left!.messages) });
    }
    expect(fixable.length).toBeGreaterThan(5);
    expect(changed).toBeGreaterThan(fixable.length);
  });
});
