/**
 * The pre-commit hook (.pre-commit-hooks.yaml) run the way pre-commit runs it: the staged files
 * matching the hook's `files` regex are appended to `entry` (the `pgsafe` bin, i.e. the built
 * dist/cli/main.js), run from the root of the repository. pre-commit itself is not run here.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { BIN, commit, ensureBuilt, git, GIT_ENV, ROOT, SAFE_SQL, UNSAFE_SQL, USERS_SQL, writeFiles } from "./helpers.js";

/** The hooks of the manifest: a list of flat `key: value` maps (all this manifest uses). */
function readManifest(): Record<string, string>[] {
  const hooks: Record<string, string>[] = [];
  for (const line of readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8").split("\n")) {
    if (/^\s*(#|$)/.test(line)) continue;
    const m = /^(- | {2})([\w-]+):\s*(.*)$/.exec(line);
    if (!m) throw new Error(`Unexpected line in .pre-commit-hooks.yaml: ${line}`);
    if (m[1] === "- ") hooks.push({});
    const hook = hooks.at(-1);
    if (!hook) throw new Error("A key before the first hook");
    hook[m[2]!] = m[3]!;
  }
  return hooks;
}

const hook = readManifest().find((h) => h.id === "pgsafe");

/** The staged files pre-commit would pass: `git diff --staged --name-only`, filtered by `files`. */
function stagedFiles(repo: string): string[] {
  const files = new RegExp(hook!.files!);
  return git(repo, "diff", "--staged", "--name-only", "--no-ext-diff", "-z", "--diff-filter=ACMRTUXB")
    .split("\0")
    .filter(Boolean)
    .filter((f) => files.test(f));
}

/** Runs the hook's entry (`pgsafe`, the built bin) with its args and the files, from the repository root. */
function runHook(repo: string, args: string[]) {
  expect(hook!.entry).toBe("pgsafe");
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: repo, env: { ...GIT_ENV, PRE_COMMIT: "1" }, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let repo: string | undefined;
beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
  repo = undefined;
});

function repository(): string {
  const root = mkdtempSync(join(tmpdir(), "pgsafe-precommit-"));
  git(root, "init", "--quiet");
  commit(root, { "db/001_users.sql": USERS_SQL, "README.md": "# app\n" }, "users");
  return root;
}

describe(".pre-commit-hooks.yaml", () => {
  it("declares the pgsafe hook: node, the pgsafe bin, .sql files, one process", () => {
    expect(hook).toMatchObject({ id: "pgsafe", name: "pgsafe", entry: "pgsafe", language: "node", files: "\\.sql$", require_serial: "true" });
    expect(hook!.description).toBeTruthy();
  });

  it("the git install works: prepare builds dist and bin points to the built CLI", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.bin.pgsafe).toBe("dist/cli/main.js");
    expect(pkg.scripts.prepare).toBe("npm run build");
    expect(pkg.scripts.build).toMatch(/^tsc -p tsconfig\.build\.json && esbuild dist\/src\/cli\/main\.js /);
    expect(readFileSync(BIN, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});

describe("the hook on staged files", () => {
  it("fails (exit 1) with the finding when an unsafe migration is staged; only staged .sql files are passed", () => {
    const root = (repo = repository());
    writeFiles(root, { "db/002_index.sql": UNSAFE_SQL, "db/003_name.sql": SAFE_SQL, "db/004_unstaged.sql": UNSAFE_SQL, "README.md": "# app\nchanged\n", "notes.sql.txt": "x" });
    git(root, "add", "db/002_index.sql", "db/003_name.sql", "README.md", "notes.sql.txt");
    const files = stagedFiles(root);
    expect(files).toEqual(["db/002_index.sql", "db/003_name.sql"]);
    const r = runHook(root, files);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("db/002_index.sql:2:1  error");
    expect(r.stdout).toContain("require-concurrent-index-creation");
    expect(r.stdout).not.toContain("003_name");
    expect(r.stdout).not.toContain("004_unstaged");
  });

  it("passes (exit 0, no output) when only a safe migration is staged", () => {
    const root = (repo = repository());
    writeFiles(root, { "db/002_name.sql": SAFE_SQL, "db/003_unstaged.sql": UNSAFE_SQL });
    git(root, "add", "db/002_name.sql");
    const files = stagedFiles(root);
    expect(files).toEqual(["db/002_name.sql"]);
    expect(runHook(root, files)).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("a bad argument in the consumer's args is a usage error (exit 2)", () => {
    const root = (repo = repository());
    writeFiles(root, { "db/002_name.sql": SAFE_SQL });
    git(root, "add", "db/002_name.sql");
    const r = runHook(root, ["--pg-version", "9", ...stagedFiles(root)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--pg-version");
  });

  it("staged files only: committed migrations do not feed the known schema; --changed-since HEAD (pass_filenames: false) does", () => {
    const root = (repo = mkdtempSync(join(tmpdir(), "pgsafe-precommit-")));
    git(root, "init", "--quiet");
    commit(root, { "db/001_accounts.sql": "CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(100));\n" }, "accounts");
    // varchar(100) → text is binary-coercible, but only the committed file says email is varchar.
    writeFiles(root, { "db/002_email.sql": "SET lock_timeout = '2s';\nALTER TABLE accounts ALTER COLUMN email TYPE text;\n" });
    git(root, "add", "db/002_email.sql");
    const staged = runHook(root, stagedFiles(root));
    expect(staged.code).toBe(1);
    expect(staged.stdout).toContain("changing-column-type");
    expect(runHook(root, ["--changed-since", "HEAD", "db"])).toMatchObject({ code: 0, stdout: "" });
  });
});
