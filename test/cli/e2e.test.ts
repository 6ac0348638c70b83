/**
 * End-to-end: the built CLI (the bundled bin, dist/cli/main.js) run as a child process, as `npx pgsafe` runs it.
 * dist is rebuilt first when it is missing or older than the sources.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ensureBuilt, ROOT, writeModuleTracer } from "../harness/built-cli.js";

const EXAMPLES = join(ROOT, "fixtures", "examples");

function pgsafe(args: string[], options: { input?: string; env?: Record<string, string>; preload?: string } = {}) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", ...options.env };
  const nodeArgs = options.preload ? ["--import", options.preload] : [];
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], { cwd: ROOT, input: options.input ?? "", env, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let traceDir: string;
let preload: string;
beforeAll(() => {
  ensureBuilt();
  // A module hook that prints every module the CLI loads, to check that start-up stays light.
  traceDir = mkdtempSync(join(tmpdir(), "pgsafe-trace-"));
  preload = writeModuleTracer(traceDir);
}, 120_000);
afterAll(() => rmSync(traceDir, { recursive: true, force: true }));

describe("built CLI", () => {
  it("lints fixtures/examples: findings with code frames, exit 1", () => {
    const r = pgsafe(["fixtures/examples"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("fixtures/examples/0005_index_orders_status.sql:6:1  error");
    expect(r.stdout).toMatch(/ {2}> 6 \| CREATE INDEX orders_status_idx ON orders \(status, created_at\);\n {6}\| \^{12}\n/);
    expect(r.stdout).toMatch(/✖ \d+ problems? \(\d+ errors?, \d+ warnings?\)\n {2}1 error and 0 warnings potentially fixable with the `--fix` option\.\n$/);
  });

  it("the safe examples have no findings", () => {
    const safe = ["0001_create_users_and_orders.sql", "0002_index_users_email.sql", "0003_orders_user_fk_not_valid.sql", "0004_validate_orders_user_fk.sql"];
    const r = pgsafe(safe.map((f) => `fixtures/examples/${f}`));
    expect(r).toMatchObject({ code: 0, stdout: "" });
  });

  it("--format json lists every example file in migration order", () => {
    const r = pgsafe(["fixtures/examples", "--format", "json"]);
    const results = JSON.parse(r.stdout) as { filePath: string }[];
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".sql")).sort();
    expect(results.map((x) => x.filePath)).toEqual(files.map((f) => join(EXAMPLES, f)));
  });

  it("reads stdin", () => {
    const r = pgsafe(["-", "--stdin-filename", "m.sql"], { input: "CREATE INDEX i ON t (a);\n" });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("m.sql:1:1  error");
  });

  it("usage errors: exit 2, one line, no stack", () => {
    for (const args of [["--nope"], ["no/such/dir"], ["--pg-version", "8"], ["--format", "xml"]]) {
      const r = pgsafe(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
    }
  });

  it("--version and --help load neither the parser nor the rules", () => {
    for (const flag of ["--version", "--help"]) {
      const r = pgsafe([flag], { preload });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("/cli/main.js");
      // The bundle keeps each lazily imported module in its own chunk, named after it.
      expect(r.stderr).not.toMatch(/node_modules|\/(?:rules|reporters|text|json)-[A-Z0-9]+\.js/);
    }
  });

  it("--format json on a named file loads neither the text reporter, picocolors nor fast-glob", () => {
    const r = pgsafe(["fixtures/examples/0001_create_users_and_orders.sql", "--format", "json"], { preload });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\/json-[A-Z0-9]+\.js/);
    expect(r.stderr).not.toMatch(/\/text-[A-Z0-9]+\.js|picocolors|fast-glob|ajv/);
  });

  it("a pipe closed early (| head) ends quietly", () => {
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${BIN}" fixtures/examples | head -n 1`], { cwd: ROOT, encoding: "utf8" });
    expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toBe("");
  });
});
