/**
 * Every config key takes effect: the same migration linted with and without the key gives the
 * findings the key should change.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { loadConfig } from "../../src/index.js";
import { lintSource, type RuleRegistry } from "../../src/engine/linter.js";
import type { PgRuleDefinition } from "../../src/types.js";
import { lintJson, makeProject, removeTree, ruleIds } from "./helpers.js";

const ADD_DEFAULT = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN score bigint DEFAULT 0;\n";
const CONCURRENT_INDEX = "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n";
const ADD_COLUMN = "ALTER TABLE users ADD COLUMN nickname text;\n";
const INT_COLUMN = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN visits int;\n";

let root: string | undefined;
afterEach(() => {
  if (root) removeTree(root);
  root = undefined;
});

/** Lints db/0001.sql (with `sql`) in a project with that config; undefined config = no file. */
async function lintWith(config: object | undefined, sql: string, extraArgs: string[] = []) {
  root = makeProject({ "db/0001_change.sql": sql, ...(config ? { "pgsafe.config.json": JSON.stringify(config, null, 2) } : {}) });
  return lintJson(["db", ...extraArgs], root);
}

describe("each key takes effect", () => {
  it("$schema is accepted (editors read it; pgsafe ignores it)", async () => {
    const r = await lintWith({ $schema: "./node_modules/pgsafe/src/config/pgsafe.config.schema.json" }, ADD_DEFAULT);
    expect(r.code).toBe(0);
    expect(r.findings).toEqual([]);
  });

  it("pgVersion: a volatile-free DEFAULT rewrites the table on PostgreSQL 10 only", async () => {
    expect(ruleIds((await lintWith(undefined, ADD_DEFAULT)).findings)).toEqual([]);
    const pg10 = await lintWith({ pgVersion: 10 }, ADD_DEFAULT);
    expect(ruleIds(pg10.findings)).toEqual(["adding-field-with-default"]);
    expect(pg10.code).toBe(1);
  });

  it("assumeInTransaction: CREATE INDEX CONCURRENTLY cannot run in the tool's transaction", async () => {
    expect(ruleIds((await lintWith(undefined, CONCURRENT_INDEX)).findings)).toEqual([]);
    expect(ruleIds((await lintWith({ assumeInTransaction: true }, CONCURRENT_INDEX)).findings)).toEqual(["ban-concurrently-in-transaction"]);
    expect(ruleIds((await lintWith({ assumeInTransaction: false }, CONCURRENT_INDEX)).findings)).toEqual([]);
  });

  it("lockTimeoutSetByRunner: require-lock-timeout trusts the runner", async () => {
    expect(ruleIds((await lintWith(undefined, ADD_COLUMN)).findings)).toEqual(["require-lock-timeout"]);
    expect((await lintWith({ lockTimeoutSetByRunner: true }, ADD_COLUMN)).findings).toEqual([]);
  });

  it("statementTimeoutSetByRunner: the migration context records the runner's statement_timeout", async () => {
    root = makeProject({ "pgsafe.config.json": JSON.stringify({ statementTimeoutSetByRunner: true }) });
    const loaded = await loadConfig({ cwd: root });
    expect(loaded?.options.statementTimeoutSetByRunner).toBe(true);
    // A probe rule reports where the statement_timeout in force comes from.
    const probe: PgRuleDefinition = {
      meta: {
        type: "problem",
        docs: { description: "Report the statement_timeout source", defaultSeverity: "error", recommended: true, url: "", category: "locking" },
        messages: { source: "{{source}}" },
        schema: [],
      },
      create: (context) => ({
        Migration() {
          const first = context.sourceCode.parsed.statements[0]!;
          context.report({ loc: { line: 1, column: 1 }, messageId: "source", data: { source: String(context.sourceCode.factsOf(first).statementTimeout.source) } });
        },
      }),
    };
    const lint = (migration: object) => lintSource("SELECT 1;", { rules: { probe } as RuleRegistry, severities: { probe: 2 }, migration }).messages[0]!.message;
    expect(lint({})).toBe("default");
    expect(lint(loaded!.options)).toBe("runner");
  });

  it("framework: the tool's transaction semantics apply (goose wraps each migration in one)", async () => {
    // Nothing marks the file as a goose migration: detected as plain psql, autocommit.
    expect(ruleIds((await lintWith(undefined, CONCURRENT_INDEX)).findings)).toEqual([]);
    expect(ruleIds((await lintWith({ framework: "goose" }, CONCURRENT_INDEX)).findings)).toEqual(["ban-concurrently-in-transaction"]);
    // A goose file linted as plain SQL: no transaction.
    const gooseFile = `-- +goose Up\n${CONCURRENT_INDEX}`;
    expect(ruleIds((await lintWith(undefined, gooseFile)).findings)).toEqual(["ban-concurrently-in-transaction"]);
    expect(ruleIds((await lintWith({ framework: "none" }, gooseFile)).findings)).toEqual([]);
  });

  it('rules: "off" turns a rule off, "warn" and "error" set its severity', async () => {
    expect((await lintWith(undefined, ADD_COLUMN)).findings).toEqual([expect.objectContaining({ ruleId: "require-lock-timeout", severity: 2 })]);
    expect((await lintWith({ rules: { "require-lock-timeout": "off" } }, ADD_COLUMN)).findings).toEqual([]);
    const warned = await lintWith({ rules: { "require-lock-timeout": "warn" } }, ADD_COLUMN);
    expect(warned.findings).toEqual([expect.objectContaining({ ruleId: "require-lock-timeout", severity: 1 })]);
    expect(warned.code).toBe(0);
    expect(rules["prefer-bigint-over-int"].meta.docs.defaultSeverity).toBe("warn");
    expect((await lintWith(undefined, INT_COLUMN)).findings).toEqual([expect.objectContaining({ ruleId: "prefer-bigint-over-int", severity: 1 })]);
    const raised = await lintWith({ rules: { "prefer-bigint-over-int": "error" } }, INT_COLUMN);
    expect(raised.findings).toEqual([expect.objectContaining({ ruleId: "prefer-bigint-over-int", severity: 2 })]);
    expect(raised.code).toBe(1);
  });

  it('rules with options: ["error", { "max": "1s" }] reaches require-lock-timeout', async () => {
    const sql = "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;\n";
    expect((await lintWith(undefined, sql)).findings).toEqual([]);
    const strict = await lintWith({ rules: { "require-lock-timeout": ["error", { max: "1s" }] } }, sql);
    expect(strict.findings).toEqual([{ file: "db/0001_change.sql", ruleId: "require-lock-timeout", severity: 2, messageId: "lockTimeoutTooLong" }]);
    // The severity alone keeps the rule's default options (max 10s).
    expect((await lintWith({ rules: { "require-lock-timeout": ["warn"] } }, sql)).findings).toEqual([]);
  });

  it("ignorePatterns: files matching them are left out, relative to the config file's directory", async () => {
    root = makeProject({
      "db/0001_ok.sql": "SELECT 1;\n",
      "db/legacy/0000_old.sql": ADD_COLUMN,
      "db/0002_draft.sql": ADD_COLUMN,
      "pgsafe.config.json": JSON.stringify({ ignorePatterns: ["db/legacy/**", "*_draft.sql"] }),
    });
    const r = await lintJson(["db"], root);
    expect(r.files).toEqual(["db/0001_ok.sql"]);
    expect(r.code).toBe(0);
    // From a subdirectory the patterns still mean the same files.
    const nested = await lintJson(["."], join(root, "db"), root);
    expect(nested.files).toEqual(["db/0001_ok.sql"]);
  });
});

describe("no config file", () => {
  it("lints with the defaults", async () => {
    root = makeProject({ "db/0001_change.sql": ADD_COLUMN });
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "app", devDependencies: { pgsafe: "*" } }));
    expect(ruleIds((await lintJson(["db"], root)).findings)).toEqual(["require-lock-timeout"]);
    expect(await loadConfig({ cwd: root })).toBeUndefined();
  });
});
