/**
 * The file-by-file form of every reporter (`loadStreamReporter`, what the CLI writes with) gives,
 * byte for byte, what the reporter gives for all the results at once: on real lint results (the
 * examples, the migration-tool fixtures, with lock timelines), on hand-built edge cases (no
 * results, no findings, a finding of an unknown rule, an internal error) and on a run past SARIF's
 * result limit. And it writes as the files come for the formats whose text does not depend on later
 * files.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lintFiles, rules } from "../../src/index.js";
import { loadReporter, loadStreamReporter, reporterNames, type ReporterContext } from "../../src/reporters/index.js";
import { MAX_RESULTS_PER_RUN } from "../../src/reporters/sarif.js";
import type { LintResult } from "../../src/types.js";
import { resultFor } from "./helpers.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** The streamed report: its pieces, as written after each result and at the end. */
async function streamed(format: string, results: readonly LintResult[], context: ReporterContext): Promise<{ text: string; afterEach: string[] }> {
  const pieces: string[] = [];
  const report = (await loadStreamReporter(format))(context, (text) => pieces.push(text));
  const afterEach: string[] = [];
  for (const result of results) {
    report.add(result);
    afterEach.push(pieces.join(""));
  }
  report.end();
  return { text: pieces.join(""), afterEach };
}

async function expectSame(format: string, results: readonly LintResult[], context: ReporterContext): Promise<string> {
  const whole = (await loadReporter(format))(results, context);
  const { text } = await streamed(format, results, context);
  expect(text, format).toBe(whole);
  return whole;
}

const context = (extra: Partial<ReporterContext> = {}): ReporterContext => ({ cwd: ROOT, root: ROOT, color: false, rules, ...extra });

describe("streamed reports equal the reporters' output", () => {
  let examples: LintResult[];
  let frameworks: LintResult[];
  beforeAll(async () => {
    examples = await lintFiles(["fixtures/examples"], { cwd: ROOT, lockTimeline: true });
    frameworks = await lintFiles(["fixtures/migrations"], { cwd: ROOT, lockTimeline: true });
  }, 60_000);

  it("has a streamed form for every format", async () => {
    for (const format of reporterNames) expect(typeof (await loadStreamReporter(format)), format).toBe("function");
    await expect(loadStreamReporter("xml")).rejects.toThrow(/Unknown format "xml"/);
  });

  for (const format of reporterNames) {
    it(`${format}: the examples, the migration-tool fixtures, colours, and a run without results`, async () => {
      expect(frameworks.filter((r) => r.lockTimelines?.length).length).toBeGreaterThan(3);
      expect(frameworks.length).toBeGreaterThan(20);
      expect(frameworks.filter((r) => r.messages.length > 0).length).toBeGreaterThan(3);
      expect((await expectSame(format, examples, context())).length).toBeGreaterThan(500);
      await expectSame(format, frameworks, context());
      await expectSame(format, [...examples, ...frameworks], context({ color: true, unicode: false }));
      await expectSame(format, [], context());
      await expectSame(format, examples.filter((r) => r.messages.length === 0), context());
    });
  }

  it("edge cases: a file without findings between two with, an unknown rule, an internal error, a byte-order mark", async () => {
    const results = [
      resultFor("/repo/db/1.sql", "CREATE INDEX a ON t (x);\n", [{ ruleId: "require-concurrent-index-creation", severity: 2, message: "Index", at: "CREATE INDEX", help: "Use CONCURRENTLY.\nThen go on." }]),
      resultFor("/repo/db/2.sql", "SELECT 1;\n", []),
      resultFor("/repo/db/3.sql", "\uFEFFALTER TABLE t ADD c int;\n", [
        { ruleId: "someone-elses-rule", severity: 1, message: "Unknown | rule <b>", at: "ADD c int" },
        { ruleId: "internal-error", severity: 2, message: "The linter failed", at: "ALTER", fatal: true },
      ]),
    ];
    for (const format of reporterNames) await expectSame(format, results, context({ cwd: "/repo", root: "/repo" }));
  });

  it("sarif past GitHub's result limit: the same errors-first selection, notification and properties", async () => {
    const source = "ALTER TABLE t ADD c int;\n".repeat(50);
    const file = (n: number, severity: 1 | 2, count: number, ruleId = "adding-field-with-default"): LintResult =>
      resultFor(`/repo/db/${n}.sql`, source, Array.from({ length: count }, (_, i) => ({ ruleId, severity, message: `m${n}.${i}`, at: "ALTER", nth: i % 50 })));
    // Warnings first, then errors (which take the budget), an unknown rule only among what is cut.
    const results = [file(1, 1, 9_000), file(2, 2, 12_000), file(3, 1, 8_000), file(4, 2, 6_000, "zz-unknown"), file(5, 1, 3_000)];
    const whole = await expectSame("sarif", results, context({ cwd: "/repo", root: "/repo" }));
    const run = JSON.parse(whole).runs[0];
    expect(run.results).toHaveLength(MAX_RESULTS_PER_RUN);
    expect(run.properties).toMatchObject({ truncated: true, totalResults: 38_000, omittedResults: 13_000 });
    // And with fewer errors than the limit but more findings: every error, then warnings in file order.
    await expectSame("sarif", [file(1, 1, 20_000), file(2, 2, 4_000), file(3, 1, 2_000), file(4, 2, 100, "zz-unknown")], context({ cwd: "/repo", root: "/repo" }));
  }, 120_000);

  it("github: the job summary is the same, also when it is cut at its size budget", async () => {
    const summaries = async (results: readonly LintResult[]): Promise<[string[], string[]]> => {
      const whole: string[] = [];
      const byFile: string[] = [];
      (await loadReporter("github"))(results, context({ stepSummary: (markdown) => whole.push(markdown) }));
      await streamed("github", results, context({ stepSummary: (markdown) => byFile.push(markdown) }));
      return [whole, byFile];
    };
    const [whole, byFile] = await summaries([...examples, ...frameworks]);
    expect(whole).toHaveLength(1);
    expect(byFile).toEqual(whole);
    const long = "x".repeat(400);
    const many = Array.from({ length: 40 }, (_, n) =>
      resultFor(`/repo/db/${n}.sql`, "ALTER TABLE t ADD c int;\n".repeat(100), Array.from({ length: 100 }, (_, i) => ({ ruleId: "r", severity: 1 as const, message: `${long} ${n}.${i}`, at: "ALTER", nth: i }))),
    );
    const [cutWhole, cutByFile] = await summaries(many);
    expect(cutWhole[0]).toMatch(/more findings? not shown/);
    expect(cutByFile).toEqual(cutWhole);
  });

  it("writes each file's part as the file comes (text, json, github, gitlab); sarif and junit at the end", async () => {
    const withFindings = examples.filter((r) => r.messages.length > 0);
    expect(withFindings.length).toBeGreaterThan(2);
    for (const format of ["text", "json", "github", "gitlab"]) {
      const { afterEach } = await streamed(format, withFindings, context());
      for (let i = 1; i < afterEach.length; i++) expect(afterEach[i]!.length, `${format} after file ${i + 1}`).toBeGreaterThan(afterEach[i - 1]!.length);
    }
    for (const format of ["sarif", "junit"]) expect((await streamed(format, withFindings, context())).afterEach.every((text) => text === ""), format).toBe(true);
  });
});
