/**
 * `pgsafe trace` from the built CLI, as a child process: a full run on fixtures/examples with no
 * PostgreSQL installed (PATH holds only node's directory), the exit codes, and a guard that the lint
 * and explain paths never load PGlite (a module hook lists every module the process resolves).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraceReport } from "../../src/trace/types.js";
import { BIN, ensureBuilt, ROOT, writeModuleTracer } from "../harness/built-cli.js";

let dir: string;
let preload: string;

function pgsafe(args: string[], options: { preload?: boolean; cwd?: string } = {}) {
  // Only node itself on PATH: no psql, no postgres, no docker.
  const env: Record<string, string> = { PATH: dirname(process.execPath), NO_COLOR: "1" };
  const nodeArgs = options.preload ? ["--import", preload] : [];
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], { cwd: options.cwd ?? ROOT, env, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "pgsafe-trace-cli-"));
  preload = writeModuleTracer(dir);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PGLITE = /LOADED .*@electric-sql[/\\]pglite/;

describe("pgsafe trace (built CLI)", () => {
  it("traces fixtures/examples with no PostgreSQL installed: JSON on stdout, progress on stderr, exit 1 for the lint errors", () => {
    const r = pgsafe(["trace", "fixtures/examples", "--format", "json", "--no-config"]);
    expect(r.stderr).toMatch(/^Starting embedded PostgreSQL 18 \(PGlite\)… done in \d+\.\d s\n$/);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as TraceReport;
    expect(report.files.map((f) => f.file)).toHaveLength(8);
    expect(report.summary).toMatchObject({ files: 8, mismatches: 0, failed: 0 });
    expect(report.summary.confirmed).toBeGreaterThanOrEqual(8);
    expect(report.summary.lintErrors).toBeGreaterThan(0);
  }, 120_000);

  it("writes SARIF to --output-file and the text table to the terminal", () => {
    const out = join(dir, "trace.sarif");
    const r = pgsafe(["trace", "fixtures/trace/accounts", "--seed", "fixtures/trace/seeds/accounts.sql", "--format", "sarif", "--output-file", out, "--no-config"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("PostgreSQL error 23502 at 4:1: column \"plan\" of relation \"accounts\" contains null values");
    const log = JSON.parse(readFileSync(out, "utf8")) as { version: string; runs: { results: { ruleId: string }[] }[] };
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]!.results.map((x) => x.ruleId)).toContain("trace/statement-failed");
  }, 120_000);

  it("exits 2 for a missing seed file, before starting the database", () => {
    const r = pgsafe(["trace", "fixtures/examples", "--seed", "no/such/seed.sql", "--no-config"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('pgsafe: Cannot read the seed file "no/such/seed.sql": no such file or directory. Check the --seed path (or the "seed" key of the config).\n');
    expect(r.stdout).toBe("");
  });

  it("exits 2 for usage errors: an unknown format, standard input, a missing path, an option of another command", () => {
    expect(pgsafe(["trace", "fixtures/examples", "--format", "junit"]).stderr).toBe('pgsafe: Unknown format "junit" for "pgsafe trace". Use one of: text, json, sarif.\n');
    expect(pgsafe(["trace", "-"]).code).toBe(2);
    const missing = pgsafe(["trace", "no/such/dir"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No such file or directory: "no/such/dir"');
    expect(pgsafe(["trace", "fixtures/examples", "--pg-version", "16"]).code).toBe(2);
  });

  it("reads the seed file from the config", () => {
    const project = mkdtempSync(join(dir, "project-"));
    writeFileSync(join(project, "pgsafe.config.json"), JSON.stringify({ seed: "seed.sql" }));
    writeFileSync(join(project, "seed.sql"), "INSERT INTO accounts (id, name) VALUES (1, 'a');\n");
    writeFileSync(join(project, "0001_accounts.sql"), "CREATE TABLE accounts (id bigint PRIMARY KEY, name text);\n");
    writeFileSync(join(project, "0002_plan.sql"), "ALTER TABLE accounts ADD COLUMN plan text NOT NULL;\n");
    const r = pgsafe(["trace", "0001_accounts.sql", "0002_plan.sql"], { cwd: project });
    expect(r.stdout).toContain('column "plan" of relation "accounts" contains null values');
    expect(r.stdout).toContain("Seed seed.sql: 1 statement applied.");
    expect(r.code).toBe(1);
  }, 120_000);
});

describe("the lint path never loads PGlite", () => {
  it("pgsafe (lint) and pgsafe explain resolve no module of @electric-sql/pglite", () => {
    const lint = pgsafe(["fixtures/examples"], { preload: true });
    expect(lint.code).toBe(1);
    expect(lint.stderr).toContain("LOADED ");
    expect(lint.stderr).not.toMatch(PGLITE);
    const explain = pgsafe(["explain", "fixtures/examples"], { preload: true });
    expect(explain.code).toBe(0);
    expect(explain.stderr).not.toMatch(PGLITE);
  });

  it("while pgsafe trace does (the hook sees it)", () => {
    const r = pgsafe(["trace", "fixtures/examples/0001_create_users_and_orders.sql", "--no-config"], { preload: true });
    expect(r.stderr).toMatch(PGLITE);
    expect(r.code).toBe(0);
  }, 120_000);
});
