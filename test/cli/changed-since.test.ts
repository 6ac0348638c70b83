/**
 * `--changed-since REF` / `lintFiles(..., { changedSince })`: only the migrations added or changed
 * since a git ref are linted; the others still feed the known schema, and a table created by a
 * changed file is new for the changed files after it. Runs git in temporary repositories.
 */
import { execFileSync } from "node:child_process";
import { renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { lintFiles, PgsafeUsageError } from "../../src/index.js";
import type { LintResult } from "../../src/types.js";
import { makeTree, removeTree, run } from "./helpers.js";

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "pgsafe test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "pgsafe test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, env: GIT_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function commit(cwd: string, files: Record<string, string>, message: string): void {
  for (const [path, content] of Object.entries(files)) writeFileSync(join(cwd, path), content);
  git(cwd, "add", "--all");
  git(cwd, "commit", "--quiet", "--no-gpg-sign", "-m", message);
}

const USERS = "CREATE TABLE users (id integer PRIMARY KEY, email varchar(100), name text);\n";
const CHECK = "ALTER TABLE users ADD CONSTRAINT users_name_not_null CHECK (name IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_name_not_null;\n";
const ORDERS = "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total numeric(10,2));\n";
const MORE = [
  "SET lock_timeout = '2s';",
  "CREATE INDEX orders_user_id_idx ON orders (user_id);",
  "ALTER TABLE orders ALTER COLUMN total TYPE bigint;",
  "ALTER TABLE users ALTER COLUMN email TYPE text;",
  "ALTER TABLE users ALTER COLUMN name SET NOT NULL;",
  "ALTER TABLE users ALTER COLUMN id TYPE bigint;",
  "",
].join("\n");

/**
 * A repository with three commits: 1_users.sql, then 2_checks.sql (tagged `base`), then
 * 3_orders.sql; and 4_more.sql untracked in the working tree.
 */
function repository(): string {
  const root = makeTree({ "db/.keep": "" });
  git(root, "init", "--quiet");
  commit(root, { "db/1_users.sql": USERS }, "users");
  commit(root, { "db/2_checks.sql": CHECK }, "checks");
  git(root, "tag", "base");
  commit(root, { "db/3_orders.sql": ORDERS }, "orders");
  writeFileSync(join(root, "db/4_more.sql"), MORE);
  return root;
}

const names = (results: LintResult[]): string[] => results.map((r) => r.filePath.split("/").pop()!);
const findings = (result: LintResult): string[] => result.messages.map((m) => `${m.line} ${m.ruleId}`);

let repo: string;
const others: string[] = [];
beforeAll(() => {
  repo = repository();
});
afterAll(() => [repo, ...others].forEach(removeTree));
afterEach(() => vi.unstubAllEnvs());

/** Keeps git from finding a repository above the temporary directories. */
const outsideGit = (): void => void vi.stubEnv("GIT_CEILING_DIRECTORIES", tmpdir());

describe("lintFiles with changedSince", () => {
  it("lints only the files added since the ref, committed or untracked", async () => {
    const results = await lintFiles(["db"], { cwd: repo, changedSince: "base" });
    expect(names(results)).toEqual(["3_orders.sql", "4_more.sql"]);
  });

  it("the earlier files feed the schema; a table created by a changed file is new for a later changed file", async () => {
    const [, more] = await lintFiles(["db"], { cwd: repo, changedSince: "base" });
    // orders is new (3_orders.sql is not applied yet): neither its index nor its type change is reported.
    // users comes from the earlier commits: email varchar(100) → text is coercible, name has a
    // validated check (PG 15 skips the scan), id integer → bigint rewrites.
    expect(findings(more!)).toEqual(["6 changing-column-type"]);
    expect(more!.messages[0]!.message).toContain('"id" of "users" from integer to bigint');
  });

  it("without changedSince every file is linted and orders is an existing table for the later file", async () => {
    const results = await lintFiles(["db"], { cwd: repo });
    expect(names(results)).toEqual(["1_users.sql", "2_checks.sql", "3_orders.sql", "4_more.sql"]);
    expect(findings(results[3]!)).toEqual(["2 require-concurrent-index-creation", "3 changing-column-type", "6 changing-column-type"]);
  });

  it("modified, staged and renamed files count as changed; deleted ones are left out", async () => {
    const root = repository();
    others.push(root);
    writeFileSync(join(root, "db/1_users.sql"), `${USERS}-- reviewed\n`);
    git(root, "mv", "db/2_checks.sql", "db/2_validate_checks.sql");
    git(root, "rm", "--quiet", "db/3_orders.sql");
    const results = await lintFiles(["db"], { cwd: root, changedSince: "HEAD" });
    expect(names(results)).toEqual(["1_users.sql", "2_validate_checks.sql", "4_more.sql"]);
  });

  it("works from a subdirectory of the repository, with file names git would quote", async () => {
    const root = repository();
    others.push(root);
    writeFileSync(join(root, "db/5 café note.sql"), "ALTER TABLE orders ADD COLUMN note text;\n");
    const results = await lintFiles(["."], { cwd: join(root, "db"), changedSince: "base" });
    expect(names(results)).toEqual(["3_orders.sql", "4_more.sql", "5 café note.sql"]);
  });

  it("an unknown ref or a directory outside git is a PgsafeUsageError", async () => {
    await expect(lintFiles(["db"], { cwd: repo, changedSince: "no-such-ref" })).rejects.toThrow(PgsafeUsageError);
    const plain = makeTree({ "1.sql": USERS });
    others.push(plain);
    outsideGit();
    await expect(lintFiles(["."], { cwd: plain, changedSince: "main" })).rejects.toThrow(/needs a git repository/);
  });
});

describe("pgsafe --changed-since", () => {
  it("reports only the changed files", async () => {
    const { code, stdout, stderr } = await run(["db", "--changed-since", "base", "--format", "json"], { cwd: repo });
    expect(stderr).toBe("");
    const results = JSON.parse(stdout) as LintResult[];
    expect(names(results)).toEqual(["3_orders.sql", "4_more.sql"]);
    expect(code).toBe(1);
  });

  it("exits 0 with nothing to report when nothing changed since the ref", async () => {
    const root = repository();
    others.push(root);
    renameSync(join(root, "db/4_more.sql"), join(root, "4_more.txt"));
    const { code, stdout } = await run(["db", "--changed-since", "HEAD", "--format", "json"], { cwd: root });
    expect([code, JSON.parse(stdout)]).toEqual([0, []]);
  });

  it("a bad ref is a usage error: exit 2 and one line", async () => {
    const { code, stdout, stderr } = await run(["db", "--changed-since", "no-such-ref"], { cwd: repo });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^pgsafe: Unknown git ref "no-such-ref" for --changed-since[^\n]*\n$/);
  });

  it("outside a git repository it is a usage error: exit 2 and one line", async () => {
    const plain = makeTree({ "1.sql": USERS });
    others.push(plain);
    outsideGit();
    const { code, stderr } = await run([".", "--changed-since", "main"], { cwd: plain });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^pgsafe: --changed-since needs a git repository[^\n]*\n$/);
  });

  it("does not combine with stdin", async () => {
    const { code, stderr } = await run(["-", "--changed-since", "main"], { cwd: repo, stdin: USERS });
    expect(code).toBe(2);
    expect(stderr).toContain("--changed-since applies to files");
  });
});
