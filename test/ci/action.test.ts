/**
 * The composite action (action.yml) run as the runner would run its bash steps: the `run:` scripts
 * are read from action.yml, each step's `env:` is filled in as GitHub fills the expressions (inputs
 * with their defaults, github.event.before), and GITHUB_* variables, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY are set. The fixture is a pull request in a shallow clone of a local "origin".
 * Nothing here runs on GitHub: `uses:` resolution, the expression engine and upload-sarif are not
 * exercised.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commit, ensureBuilt, git, GIT_ENV, ROOT, SAFE_SQL, UNSAFE_SQL, USERS_SQL, WARNING_SQL } from "./helpers.js";

interface Step {
  name: string;
  id?: string;
  shell?: string;
  run: string;
  env: Record<string, string>;
}

interface Action {
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  steps: Step[];
}

/** Reads action.yml's fixed structure: inputs (defaults), outputs (values), and the run steps. */
function readAction(): Action {
  const lines = readFileSync(join(ROOT, "action.yml"), "utf8").split("\n");
  const action: Action = { inputs: {}, outputs: {}, steps: [] };
  let section = "";
  let input = "";
  let output = "";
  let step: Step | undefined;
  let block: "env" | "run" | undefined;
  for (const line of lines) {
    const top = /^(\w[\w-]*):/.exec(line);
    if (top) {
      section = top[1]!;
      continue;
    }
    if (section === "inputs" || section === "outputs") {
      const name = /^ {2}([\w-]+):\s*$/.exec(line);
      if (name) {
        if (section === "inputs") action.inputs[(input = name[1]!)] = "";
        else output = name[1]!;
      }
      const def = /^ {4}default:\s*(.*)$/.exec(line);
      if (def && section === "inputs") action.inputs[input] = def[1]!.replace(/^"(.*)"$/, "$1");
      const value = /^ {4}value:\s*(.*)$/.exec(line);
      if (value && section === "outputs") action.outputs[output] = value[1]!;
      continue;
    }
    if (section !== "runs") continue;
    const start = /^ {4}- name:\s*(.*)$/.exec(line);
    if (start) {
      action.steps.push((step = { name: start[1]!, run: "", env: {} }));
      block = undefined;
      continue;
    }
    if (!step) continue;
    if (block === "run" && (line.startsWith("        ") || line.trim() === "")) {
      step.run += line.slice(8) + "\n";
      continue;
    }
    if (block === "env") {
      const kv = /^ {8}([A-Z_]+):\s*(.*)$/.exec(line);
      if (kv) {
        step.env[kv[1]!] = kv[2]!;
        continue;
      }
    }
    block = undefined;
    const key = /^ {6}([\w-]+):\s*(.*)$/.exec(line);
    if (!key) continue;
    if (key[1] === "run" && key[2] === "|") block = "run";
    else if (key[1] === "env") block = "env";
    else if (key[1] === "id") step.id = key[2]!;
    else if (key[1] === "shell") step.shell = key[2]!;
  }
  return action;
}

const action = readAction();

/** Evaluates the `${{ ... }}` expressions the action's env uses. */
function expand(value: string, inputs: Record<string, string>, event: { before?: string }): string {
  return value.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expr: string) => {
    if (expr.startsWith("inputs.")) return inputs[expr.slice(7)] ?? "";
    if (expr === "github.event.before") return event.before ?? "";
    throw new Error(`Unexpected expression in action.yml: ${expr}`);
  });
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

let scratch: string;
let origin: string;
let baseSha: string;
let count = 0;

/** Runs one step of the action with bash in `cwd`, as a `pull_request` (or other) event. */
function runStep(
  name: string,
  cwd: string,
  options: { inputs?: Record<string, string>; github?: Record<string, string>; before?: string } = {},
): RunResult {
  const step = action.steps.find((s) => s.name === name);
  if (!step) throw new Error(`No step "${name}" in action.yml`);
  expect(step.shell).toBe("bash");
  const inputs = { ...action.inputs, ...options.inputs };
  const env: Record<string, string> = { ...GIT_ENV };
  for (const [key, value] of Object.entries(step.env)) env[key] = expand(value, inputs, { before: options.before });
  const n = ++count;
  const outputFile = join(scratch, `output-${n}`);
  const summaryFile = join(scratch, `summary-${n}`);
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  Object.assign(env, {
    GITHUB_ACTIONS: "true",
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_WORKSPACE: cwd,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_BASE_REF: "main",
    GITHUB_HEAD_REF: "feature",
    ...options.github,
  });
  // The runner runs `bash --noprofile --norc -eo pipefail {0}` with the script in a file.
  const script = join(scratch, `step-${n}.sh`);
  writeFileSync(script, step.run);
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], { cwd, env, encoding: "utf8" });
  const outputs: Record<string, string> = {};
  for (const line of readFileSync(outputFile, "utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs, summary: readFileSync(summaryFile, "utf8") };
}

/** A shallow clone (depth 1, as actions/checkout makes it) of origin's `branch`. */
function checkout(branch: string): string {
  const dir = mkdtempSync(join(scratch, "checkout-"));
  git(scratch, "clone", "--quiet", "--depth", "1", "--branch", branch, `file://${origin}`, dir);
  return dir;
}

beforeAll(() => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), "pgsafe-action-"));
  origin = join(scratch, "origin.git");
  git(scratch, "init", "--quiet", "--bare", "--initial-branch=main", origin);
  const work = join(scratch, "work");
  git(scratch, "init", "--quiet", "--initial-branch=main", work);
  git(work, "remote", "add", "origin", origin);
  // Base: safe migrations (more than one commit, so that depth 1 really hides the merge base).
  commit(work, { "db/001_users.sql": USERS_SQL }, "users");
  commit(work, { "db/002_name.sql": SAFE_SQL, "README.md": "# app\n" }, "name");
  baseSha = git(work, "rev-parse", "HEAD").trim();
  git(work, "push", "--quiet", "origin", "main");
  // The pull request: an unsafe migration (and a README change).
  git(work, "checkout", "--quiet", "-b", "feature");
  commit(work, { "db/003_index.sql": UNSAFE_SQL, "README.md": "# app\nmore\n" }, "index");
  git(work, "push", "--quiet", "origin", "feature");
  // Another pull request that only adds a warning.
  git(work, "checkout", "--quiet", "-b", "warning", "main");
  commit(work, { "db/003_code.sql": WARNING_SQL }, "code");
  git(work, "push", "--quiet", "origin", "warning");
  // Main moves on after the branches (the PR diff must be against the merge base, not main's tip).
  git(work, "checkout", "--quiet", "main");
  commit(work, { "db/004_later.sql": UNSAFE_SQL }, "later");
  git(work, "push", "--quiet", "origin", "main");
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("action.yml", () => {
  it("has the inputs, outputs and bash steps; inputs reach the scripts through env only", () => {
    expect(action.inputs).toEqual({ path: ".", "pg-version": "", config: "", "fail-on": "error", "sarif-file": "pgsafe.sarif" });
    expect(action.outputs).toEqual({ "sarif-file": "${{ steps.lint.outputs.sarif-file }}", "exit-code": "${{ steps.lint.outputs.exit-code }}" });
    expect(action.steps.map((s) => s.name)).toEqual(["Install pgsafe", "Lint migrations"]);
    expect(action.steps[1]!.id).toBe("lint");
    for (const step of action.steps) {
      expect(step.shell).toBe("bash");
      expect(step.run).not.toContain("${{");
    }
    expect(readFileSync(join(ROOT, "action.yml"), "utf8")).toMatch(/using: composite/);
  });

  it("install step: skips npm ci when pgsafe is already built in the action's folder", () => {
    const r = runStep("Install pgsafe", ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("already built");
  });
});

describe("lint step on a pull request (shallow checkout)", () => {
  let pr: RunResult;
  let dir: string;
  beforeAll(() => {
    dir = checkout("feature");
    expect(git(dir, "rev-parse", "--is-shallow-repository").trim()).toBe("true");
    pr = runStep("Lint migrations", dir);
  }, 60_000);

  it("fails (exit 1) on the error, and writes the outputs", () => {
    expect(pr.stderr).toBe("");
    expect(pr.code).toBe(1);
    expect(pr.outputs).toEqual({ "sarif-file": "pgsafe.sarif", "exit-code": "1" });
    // The merge base is now reachable: the clone was made complete.
    expect(git(dir, "merge-base", "origin/main", "HEAD").trim()).toBe(baseSha);
  });

  it("writes SARIF with results for the changed migration only", () => {
    const sarif = JSON.parse(readFileSync(join(dir, "pgsafe.sarif"), "utf8")) as {
      version: string;
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(sarif.version).toBe("2.1.0");
    const results = sarif.runs[0]!.results;
    expect(results.length).toBeGreaterThan(0);
    expect(new Set(results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(new Set(["db/003_index.sql"]));
    expect(results.map((r) => r.ruleId)).toContain("require-concurrent-index-creation");
  });

  it("annotates the pull request and appends the job summary", () => {
    expect(pr.stdout).toMatch(/^::error file=db\/003_index\.sql,line=2,.*title=require-concurrent-index-creation::/m);
    expect(pr.stdout).not.toContain("004_later");
    expect(pr.stdout).not.toContain("001_users");
    // Once (the SARIF run does not write it), markdown-escaped.
    expect(pr.summary.match(/^### pgsafe: 1 problem \(1 error, 0 warnings\)/gm)).toHaveLength(1);
    expect(pr.summary).toContain("| db/003\\_index.sql:2 | error |");
    expect(pr.summary).toContain("require-concurrent-index-creation");
  });
});

describe("fail-on and the other inputs", () => {
  it("fail-on: never passes the step but reports exit-code 1", () => {
    const r = runStep("Lint migrations", checkout("feature"), { inputs: { "fail-on": "never", "sarif-file": "out/report.sarif" } });
    expect(r.code).toBe(0);
    expect(r.outputs).toEqual({ "sarif-file": "out/report.sarif", "exit-code": "1" });
    expect(r.stdout).toContain("::error file=db/003_index.sql");
  });

  it("a warning only: passes with fail-on error, fails with fail-on warning", () => {
    const dir = checkout("warning");
    const error = runStep("Lint migrations", dir);
    expect(error.code).toBe(0);
    expect(error.outputs["exit-code"]).toBe("0");
    expect(error.stdout).toMatch(/^::warning file=db\/003_code\.sql,.*title=ban-char-field::/m);
    const warning = runStep("Lint migrations", dir, { inputs: { "fail-on": "warning" } });
    expect(warning.code).toBe(1);
    expect(warning.outputs["exit-code"]).toBe("1");
  });

  it("an invalid fail-on or pg-version is a usage error (exit 2)", () => {
    const dir = checkout("feature");
    const bad = runStep("Lint migrations", dir, { inputs: { "fail-on": "sometimes" } });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("::error title=pgsafe::fail-on must be error, warning or never");
    const version = runStep("Lint migrations", dir, { inputs: { "pg-version": "9" } });
    expect(version.code).toBe(2);
    expect(version.outputs["exit-code"]).toBe("2");
    expect(version.stderr).toContain("--pg-version");
  });

  it("path and config: lints only under path, with the given config", () => {
    const dir = checkout("feature");
    writeFileSync(join(dir, "ci-pgsafe.json"), JSON.stringify({ rules: { "require-concurrent-index-creation": "off" } }));
    const r = runStep("Lint migrations", dir, { inputs: { path: "db", config: "ci-pgsafe.json" } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("require-concurrent-index-creation");
  });

  it("on a push: lints what changed since github.event.before; without it, everything", () => {
    const dir = checkout("main");
    const push = { GITHUB_EVENT_NAME: "push", GITHUB_BASE_REF: "" };
    const since = runStep("Lint migrations", dir, { github: push, before: baseSha });
    expect(since.code).toBe(1);
    expect(since.stdout).toContain("::error file=db/004_later.sql");
    const sarif = readFileSync(join(dir, "pgsafe.sarif"), "utf8");
    expect(sarif).toContain("db/004_later.sql");
    expect(sarif).not.toContain("db/001_users.sql");
    const all = runStep("Lint migrations", dir, { github: push, before: "0".repeat(40) });
    expect(all.code).toBe(1);
    expect(existsSync(join(dir, "pgsafe.sarif"))).toBe(true);
    expect(all.stdout).toContain("db/004_later.sql");
  });
});
