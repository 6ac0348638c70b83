/**
 * The CI formats through the command line: sarif, github (with $GITHUB_STEP_SUMMARY), gitlab and
 * junit; `--output-file` with them (the file gets the format, stdout the text report); paths
 * relative to the repository root when run from a sub-folder.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTree, removeTree, run, SAFE_SQL, UNSAFE_SQL } from "./helpers.js";

let root: string;
beforeAll(() => {
  root = makeTree({
    ".git/HEAD": "ref: refs/heads/main\n",
    "db/migrations/0001_init.sql": SAFE_SQL,
    "db/migrations/0002_index.sql": UNSAFE_SQL,
    "clean/0001_init.sql": SAFE_SQL,
  });
});
afterAll(() => removeTree(root));

describe("--format sarif|github|gitlab|junit", () => {
  it("sarif on stdout, paths relative to the repository root even from a sub-folder", async () => {
    const r = await run(["migrations", "--format", "sarif"], { cwd: join(root, "db") });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(log.runs[0]!.results.map((x) => [x.ruleId, x.locations[0]!.physicalLocation.artifactLocation.uri])).toEqual([
      ["require-concurrent-index-creation", "db/migrations/0002_index.sql"],
    ]);
  });

  it("github prints workflow commands and appends the job summary to $GITHUB_STEP_SUMMARY", async () => {
    const summary = join(root, "summary.md");
    writeFileSync(summary, "## Earlier step output\n\n");
    const r = await run(["db", "--format", "github"], { cwd: root, env: { GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=db\/migrations\/0002_index\.sql,line=2,endLine=2,col=1,endColumn=13,title=require-concurrent-index-creation::Creating index /);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    const written = readFileSync(summary, "utf8");
    expect(written.startsWith("## Earlier step output\n\n### pgsafe: 1 problem (1 error, 0 warnings) in 2 files\n")).toBe(true);
    expect(written).toContain("| db/migrations/0002\\_index.sql:2 | error | [require-concurrent-index-creation](");
  });

  it("github without $GITHUB_STEP_SUMMARY writes no summary; an unwritable one is a warning on stderr, not a failure", async () => {
    const clean = await run(["clean", "--format", "github"], { cwd: root });
    expect(clean).toEqual({ code: 0, stdout: "", stderr: "" });
    mkdirSync(join(root, "a-directory"), { recursive: true });
    const r = await run(["clean", "--format", "github"], { cwd: root, env: { GITHUB_STEP_SUMMARY: join(root, "a-directory") } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^pgsafe: cannot append the job summary to ".*a-directory" \(\$GITHUB_STEP_SUMMARY\): it is a directory, not a file\.\n$/);
  });

  it("gitlab and junit", async () => {
    const gitlab = await run(["db", "--format", "gitlab"], { cwd: root });
    expect(gitlab.code).toBe(1);
    expect((JSON.parse(gitlab.stdout) as { location: { path: string } }[]).map((i) => i.location.path)).toEqual(["db/migrations/0002_index.sql"]);
    const junit = await run(["db", "-f", "junit"], { cwd: root });
    expect(junit.code).toBe(1);
    expect(junit.stdout).toContain('<testcase name="db/migrations/0002_index.sql" classname="pgsafe" file="db/migrations/0002_index.sql" time="0">');
    expect(junit.stdout).toContain('<failure type="require-concurrent-index-creation"');
  });

  it("an unknown format lists all of them", async () => {
    const r = await run(["db", "--format", "sarif2"], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("text, json, sarif, github, gitlab, junit");
  });
});

describe("--output-file with a CI format", () => {
  it("writes the format to the file and the text report to stdout (one run: SARIF for upload, text for the log)", async () => {
    const r = await run(["db", "--format", "sarif", "--output-file", "out/pgsafe.sarif"], { cwd: root });
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(join(root, "out/pgsafe.sarif"), "utf8")) as { version: string; runs: { results: unknown[] }[] };
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0]!.results).toHaveLength(1);
    expect(r.stdout).toBe((await run(["db"], { cwd: root })).stdout);
    expect(r.stdout).toContain("require-concurrent-index-creation");
    expect(r.stdout).toContain("1 problem (1 error, 0 warnings)");
  });

  it("prints nothing for a clean run, and keeps stdout free with --format text", async () => {
    expect(await run(["clean", "--format", "junit", "-o", "out/clean.xml"], { cwd: root })).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(join(root, "out/clean.xml"), "utf8")).toContain('failures="0"');
    const text = await run(["db", "-o", "out/report.txt"], { cwd: root });
    expect(text.stdout).toBe("");
    expect(readFileSync(join(root, "out/report.txt"), "utf8")).toContain("require-concurrent-index-creation");
  });

  it("colours the text on stdout as it would without --output-file; the file never gets colours", async () => {
    const r = await run(["db", "--format", "gitlab", "-o", "out/gl.json"], { cwd: root, isTTY: true });
    expect(r.stdout).toContain("\u001b[");
    expect(readFileSync(join(root, "out/gl.json"), "utf8")).not.toContain("\u001b[");
    expect((await run(["db", "--format", "gitlab", "-o", "out/gl.json", "--no-color"], { cwd: root, isTTY: true })).stdout).not.toContain("\u001b[");
  });
});
