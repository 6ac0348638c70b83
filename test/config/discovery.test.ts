/**
 * Which config applies: the first found walking up from the working directory (stopping at the git
 * root), --config, --no-config, and command-line flags over the file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findConfigFile, loadConfig } from "../../src/index.js";
import { parseArgs } from "../../src/cli/options.js";
import { expectConfigError, lintJson, makeProject, makeTree, removeTree, ruleIds, run } from "./helpers.js";

const ADD_COLUMN = "ALTER TABLE users ADD COLUMN nickname text;\n";
const CONCURRENT_INDEX = "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n";
const OFF = JSON.stringify({ rules: { "require-lock-timeout": "off" } });
const WARN = JSON.stringify({ rules: { "require-lock-timeout": "warn" } });

let root: string | undefined;
afterEach(() => {
  if (root) removeTree(root);
  root = undefined;
});

/** The severity require-lock-timeout reports ADD_COLUMN with, linting `target` from `cwd` ("off" when silent). */
async function lockTimeoutSeverity(cwd: string, args: string[] = [], base = root!, target = "db"): Promise<"off" | "warn" | "error"> {
  const r = await lintJson([target, ...args], cwd, base);
  expect(r.stderr).toBe("");
  const finding = r.findings.find((f) => f.ruleId === "require-lock-timeout");
  return finding === undefined ? "off" : finding.severity === 2 ? "error" : "warn";
}

describe("discovery", () => {
  it("walks up from a nested directory to the project's config", async () => {
    root = makeProject({ "pgsafe.config.json": OFF, "services/api/db/0001.sql": ADD_COLUMN });
    const nested = join(root, "services", "api");
    expect(await lockTimeoutSeverity(nested)).toBe("off");
    expect(findConfigFile(join(nested, "db"))).toEqual({ filePath: join(root, "pgsafe.config.json"), kind: "config" });
  });

  it("the nearest directory with a config wins", async () => {
    root = makeProject({ "pgsafe.config.json": OFF, "services/api/.pgsaferc.json": WARN, "services/api/db/0001.sql": ADD_COLUMN });
    expect(await lockTimeoutSeverity(join(root, "services", "api"))).toBe("warn");
  });

  it("in one directory: pgsafe.config.json, then .pgsaferc.json, then package.json \"pgsafe\"", async () => {
    root = makeProject({ "db/0001.sql": ADD_COLUMN, "package.json": JSON.stringify({ name: "app", pgsafe: { rules: { "require-lock-timeout": "warn" } } }) });
    expect(await lockTimeoutSeverity(root)).toBe("warn");
    expect(findConfigFile(root)?.kind).toBe("package.json");
    writeFileSync(join(root, ".pgsaferc.json"), OFF);
    expect(await lockTimeoutSeverity(root)).toBe("off");
    writeFileSync(join(root, "pgsafe.config.json"), JSON.stringify({ rules: { "require-lock-timeout": "error" } }));
    expect(await lockTimeoutSeverity(root)).toBe("error");
    expect(findConfigFile(root)).toEqual({ filePath: join(root, "pgsafe.config.json"), kind: "config" });
  });

  it('a package.json without a "pgsafe" key is passed over', async () => {
    root = makeProject({ "pgsafe.config.json": OFF, "app/package.json": JSON.stringify({ name: "app", devDependencies: { pgsafe: "^0.1.0" } }), "app/db/0001.sql": ADD_COLUMN });
    expect(await lockTimeoutSeverity(join(root, "app"))).toBe("off");
  });

  it("stops at the git repository root: a config above it does not apply", async () => {
    root = makeTree({ "pgsafe.config.json": OFF, "repo/db/0001.sql": ADD_COLUMN });
    const repo = join(root, "repo");
    // Outside a repository the walk goes on up, and finds the config above.
    expect(await lockTimeoutSeverity(join(repo, "db"), [], repo, ".")).toBe("off");
    mkdirSync(join(repo, ".git"));
    expect(await lockTimeoutSeverity(join(repo, "db"), [], repo, ".")).toBe("error");
    expect(findConfigFile(join(repo, "db"))).toBeUndefined();
  });

  it("a .git file (worktree, submodule) marks the repository root too; a config at the root itself is found", async () => {
    root = makeTree({ "pgsafe.config.json": OFF, "repo/.git": "gitdir: ../.git/worktrees/repo\n", "repo/db/0001.sql": ADD_COLUMN });
    const repo = join(root, "repo");
    expect(await lockTimeoutSeverity(repo, [], repo)).toBe("error");
    writeFileSync(join(repo, ".pgsaferc.json"), WARN);
    expect(await lockTimeoutSeverity(join(repo, "db"), [], repo, ".")).toBe("warn");
  });

  it("the config applies to SQL read from stdin", async () => {
    root = makeProject({ "pgsafe.config.json": OFF });
    const r = await run(["-", "--stdin-filename", "m.sql"], { cwd: root, stdin: ADD_COLUMN });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  });
});

describe("--config and --no-config", () => {
  it("--config uses that file (relative to the working directory) instead of the discovered one", async () => {
    root = makeProject({ "pgsafe.config.json": OFF, "ci/strict.json": WARN, "db/0001.sql": ADD_COLUMN });
    expect(await lockTimeoutSeverity(root)).toBe("off");
    expect(await lockTimeoutSeverity(root, ["--config", "ci/strict.json"])).toBe("warn");
    expect(await lockTimeoutSeverity(join(root, "db"), ["--config=../ci/strict.json"], root, ".")).toBe("warn");
  });

  it("--config package.json uses its \"pgsafe\" key, and says so when there is none", async () => {
    root = makeProject({ "db/0001.sql": ADD_COLUMN, "tools/package.json": JSON.stringify({ name: "tools", pgsafe: { rules: { "require-lock-timeout": "warn" } } }), "package.json": JSON.stringify({ name: "app" }) });
    expect(await lockTimeoutSeverity(root, ["--config", "tools/package.json"])).toBe("warn");
    expectConfigError(await run(["db", "--config", "package.json"], { cwd: root }), '"package.json" has no "pgsafe" key');
  });

  it("--config with a file found by discovery elsewhere: ignore patterns are relative to the config file", async () => {
    root = makeProject({ "db/0001.sql": "SELECT 1;\n", "db/old/0000.sql": ADD_COLUMN, "config/pgsafe.json": JSON.stringify({ ignorePatterns: ["../db/old/**"] }) });
    expect((await lintJson(["db", "--config", "config/pgsafe.json"], root)).files).toEqual(["db/0001.sql"]);
  });

  it("--no-config ignores every config file, even an invalid one", async () => {
    root = makeProject({ "pgsafe.config.json": OFF, "db/0001.sql": ADD_COLUMN });
    expect(await lockTimeoutSeverity(root, ["--no-config"])).toBe("error");
    writeFileSync(join(root, "pgsafe.config.json"), "{ not json");
    expectConfigError(await run(["db"], { cwd: root }), "Invalid JSON");
    expect(await lockTimeoutSeverity(root, ["--no-config"])).toBe("error");
  });

  it("--config and --no-config together are a usage error", async () => {
    expectConfigError(await run(["db", "--config", "x.json", "--no-config"]), "--config and --no-config cannot be combined");
    expect(() => parseArgs(["rules", "--config", "x.json"])).toThrow('Option --config does not apply to "pgsafe rules"');
  });
});

describe("command-line flags override the file", () => {
  it("--pg-version over pgVersion", async () => {
    const sql = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN score bigint DEFAULT 0;\n";
    root = makeProject({ "pgsafe.config.json": JSON.stringify({ pgVersion: 10 }), "db/0001.sql": sql });
    expect(ruleIds((await lintJson(["db"], root)).findings)).toEqual(["adding-field-with-default"]);
    expect(ruleIds((await lintJson(["db", "--pg-version", "15"], root)).findings)).toEqual([]);
  });

  it("--assume-in-transaction over assumeInTransaction: false", async () => {
    root = makeProject({ "pgsafe.config.json": JSON.stringify({ assumeInTransaction: false }), "db/0001.sql": CONCURRENT_INDEX });
    expect(ruleIds((await lintJson(["db"], root)).findings)).toEqual([]);
    expect(ruleIds((await lintJson(["db", "--assume-in-transaction"], root)).findings)).toEqual(["ban-concurrently-in-transaction"]);
  });

  it("--framework over framework", async () => {
    root = makeProject({ "pgsafe.config.json": JSON.stringify({ framework: "goose" }), "db/0001.sql": CONCURRENT_INDEX });
    expect(ruleIds((await lintJson(["db"], root)).findings)).toEqual(["ban-concurrently-in-transaction"]);
    expect(ruleIds((await lintJson(["db", "--framework", "none"], root)).findings)).toEqual([]);
  });

  it("--exclude over a rule set to error, --include over a rule set to off", async () => {
    root = makeProject({ "pgsafe.config.json": JSON.stringify({ rules: { "require-lock-timeout": "error", "prefer-bigint-over-int": "off" } }), "db/0001.sql": "ALTER TABLE users ADD COLUMN visits int;\n" });
    expect(ruleIds((await lintJson(["db"], root)).findings)).toEqual(["require-lock-timeout"]);
    expect(ruleIds((await lintJson(["db", "--exclude", "require-lock-timeout"], root)).findings)).toEqual([]);
    expect(ruleIds((await lintJson(["db", "--include", "prefer-bigint-over-int"], root)).findings)).toEqual(["prefer-bigint-over-int", "require-lock-timeout"]);
  });

  it("--ignore-pattern adds to ignorePatterns", async () => {
    root = makeProject({ "pgsafe.config.json": JSON.stringify({ ignorePatterns: ["a_*.sql"] }), "db/a_1.sql": "SELECT 1;\n", "db/b_1.sql": "SELECT 1;\n", "db/c_1.sql": "SELECT 1;\n" });
    expect((await lintJson(["db"], root)).files).toEqual(["db/b_1.sql", "db/c_1.sql"]);
    expect((await lintJson(["db", "--ignore-pattern", "b_*.sql"], root)).files).toEqual(["db/c_1.sql"]);
  });

  it("loadConfig gives the options; the caller's own options go on top", async () => {
    root = makeProject({ "pgsafe.config.json": JSON.stringify({ pgVersion: 12, rules: { "ban-drop-column": "warn" } }) });
    const loaded = await loadConfig({ cwd: root });
    expect(loaded).toMatchObject({ filePath: join(root, "pgsafe.config.json"), kind: "config", config: { pgVersion: 12 } });
    expect(loaded?.options).toEqual({ pgVersion: 12, rules: { "ban-drop-column": "warn" } });
    expect(await loadConfig({ cwd: root, configFile: "pgsafe.config.json" })).toEqual(loaded);
  });
});
