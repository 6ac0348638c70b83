/**
 * The SARIF reporter: valid against the official SARIF 2.1.0 schema (for the whole real-world
 * corpus too) and complete for GitHub code scanning — every rule and result carries the fields
 * GitHub requires, paths are relative to the repository root, fingerprints are GitHub's own
 * line hashes — and within GitHub's limits.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../rules/index.js";
import { lintFiles, lintText } from "../../src/index.js";
import { lineFingerprints } from "../../src/reporters/fingerprint.js";
import sarif, { MAX_RESULTS_PER_RUN, toSarif, type SarifLog, type SarifResult } from "../../src/reporters/sarif.js";
import type { LintMessage, LintResult } from "../../src/types.js";
import { resultFor } from "./helpers.js";
import { sarifValidator, schemaPresent, SARIF_SCHEMA_PATH } from "./sarif-schema.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CORPUS = join(ROOT, "..", "shared", "corpus", "real-world");
const context = { cwd: "/repo", color: false };
const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

function parse(results: LintResult[], ctx: Parameters<typeof sarif>[1] = context): SarifLog {
  const text = sarif(results, ctx);
  expect(text.endsWith("\n")).toBe(true);
  return JSON.parse(text) as SarifLog;
}

/** GitHub's required fields (docs: "SARIF support for code scanning"), none of them empty. */
function githubProblems(log: SarifLog): string[] {
  const problems: string[] = [];
  const need = (ok: unknown, what: string): void => {
    if (!ok) problems.push(what);
  };
  need(log.$schema && log.version === "2.1.0" && log.runs.length === 1, "root");
  const run = log.runs[0];
  const driver = run.tool.driver;
  need(driver.name === "pgsafe" && driver.semanticVersion && driver.informationUri, "driver");
  const ids = new Set<string>();
  for (const r of driver.rules) {
    need(r.id && !ids.has(r.id), `rule id ${r.id}`);
    ids.add(r.id);
    need(r.shortDescription.text && r.shortDescription.text.length <= 1024, `${r.id} shortDescription`);
    need(r.fullDescription.text && r.fullDescription.text.length <= 1024, `${r.id} fullDescription`);
    need(r.help.text, `${r.id} help.text`);
    need(r.name && r.name.length <= 255, `${r.id} name`);
    need(r.properties.tags.length <= 20, `${r.id} tags`);
  }
  for (const [i, result] of run.results.entries()) {
    const where = `result ${i} (${result.ruleId})`;
    need(result.message.text, `${where} message`);
    need(driver.rules[result.ruleIndex]?.id === result.ruleId, `${where} ruleIndex`);
    const location = result.locations[0]?.physicalLocation;
    need(location?.artifactLocation.uri, `${where} uri`);
    need(location && location.region.startLine >= 1 && location.region.startColumn >= 1, `${where} region`);
    need(/^[0-9a-f]{1,16}:[1-9]\d*$/.test(result.partialFingerprints.primaryLocationLineHash), `${where} fingerprint`);
  }
  need(run.results.length <= MAX_RESULTS_PER_RUN, "results per run");
  return problems;
}

function message(ruleId: string, severity: 1 | 2, line: number, extra: Partial<LintMessage> = {}): LintMessage {
  return { ruleId, severity, message: `finding of ${ruleId}`, line, column: 1, endLine: line, endColumn: 2, range: [0, 1], ...extra };
}

const validate = schemaPresent ? sarifValidator() : undefined;
const describeSchema = describe.skipIf(!schemaPresent);
if (!schemaPresent) console.warn(`sarif.test.ts: ${SARIF_SCHEMA_PATH} is missing; schema validation skipped.`);

describe("sarif reporter: rules", () => {
  const log = parse([]);
  const driver = log.runs[0].tool.driver;

  it("is one run of pgsafe with its version, and one descriptor per rule in registry order", () => {
    expect(log.$schema).toMatch(/^https:\/\/.*sarif-schema-2\.1\.0\.json$/);
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    expect(driver.name).toBe("pgsafe");
    expect(driver.semanticVersion).toBe(version);
    expect(driver.informationUri).toBe("https://github.com/pgsafe/pgsafe");
    expect(driver.rules.map((r) => r.id)).toEqual(Object.keys(rules));
    expect(githubProblems(log)).toEqual([]);
  });

  it("takes each rule's help from its docs page's 'Safe migration, step by step' section", () => {
    for (const r of driver.rules) {
      const pagePath = join(ROOT, "docs", "rules", `${r.id}.md`);
      if (!existsSync(pagePath)) {
        // A rule without a page (test/meta/registry.test.ts reports it) still gets a help text and the link.
        expect(r.help.text, r.id).toContain(r.helpUri);
        continue;
      }
      const page = readFileSync(pagePath, "utf8");
      const section = page.split("\n## Safe migration, step by step\n")[1]!.split("\n## ")[0]!.trim();
      expect(r.help.markdown, r.id).toContain(section);
      expect(r.help.markdown, r.id).toContain(`](${r.helpUri})`);
      // The plain-text help has the same steps without markdown markers.
      const firstStep = section.split("\n").find((l) => /^\d+\. /.test(l));
      if (firstStep) expect(r.help.text, r.id).toContain(firstStep.replace(/\*\*|`/g, "").replace(/\[([^\]]+)\]\(([^)]+)\)/g, "$1 ($2)"));
      expect(r.help.text).not.toContain("**");
      expect(r.helpUri).toBe(rules[r.id as keyof typeof rules].meta.docs.url);
    }
  });

  it("fills rule metadata: descriptions, level, tags (category, postgresql, migrations, the lock), precision, severity", () => {
    const rule = driver.rules.find((r) => r.id === "require-concurrent-index-creation")!;
    expect(rule.shortDescription.text).toBe(rules["require-concurrent-index-creation"].meta.docs.description);
    expect(rule.fullDescription.text.startsWith(`${rule.shortDescription.text}. CREATE INDEX`)).toBe(true);
    expect(rule.fullDescription.text).not.toContain("`");
    expect(rule.defaultConfiguration).toEqual({ level: "error" });
    expect(rule.properties).toEqual({ tags: ["locking", "postgresql", "migrations", "lock-share"], precision: "high", "problem.severity": "error" });
    const syntax = driver.rules.find((r) => r.id === "syntax-error")!;
    expect(syntax.properties.precision).toBe("very-high");
    expect(syntax.properties.tags).toEqual(["syntax", "postgresql", "migrations"]);
    for (const r of driver.rules) {
      const docs = rules[r.id as keyof typeof rules].meta.docs;
      expect(r.properties.tags.slice(0, 3)).toEqual([docs.category, "postgresql", "migrations"]);
      if (docs.lock) expect(r.properties.tags[3]).toBe(`lock-${docs.lock.toLowerCase().replace(/ /g, "-")}`);
      expect(r.defaultConfiguration.level).toBe(docs.defaultSeverity === "error" ? "error" : "warning");
    }
  });

  it("marks an opt-in (off by default) rule as disabled, and describes a rule id it does not know", () => {
    const base = rules["require-concurrent-index-creation"];
    const optIn = { ...base, meta: { ...base.meta, type: "suggestion" as const, docs: { ...base.meta.docs, defaultSeverity: "off" as const, recommended: false } } };
    const result = resultFor("/repo/a.sql", "SELECT 1;\n", [{ ruleId: "some-plugin-rule", severity: 1, message: "Plugin says.", at: "SELECT" }]);
    const out = parse([result], { ...context, rules: { "opt-in-rule": optIn } }).runs[0];
    expect(out.tool.driver.rules[0]!.defaultConfiguration).toEqual({ enabled: false, level: "warning" });
    expect(out.tool.driver.rules[0]!.properties["problem.severity"]).toBe("recommendation");
    expect(out.tool.driver.rules[1]!.id).toBe("some-plugin-rule");
    expect(out.results[0]!.ruleIndex).toBe(1);
    expect(githubProblems(parse([result], { ...context, rules: { "opt-in-rule": optIn } }))).toEqual([]);
  });
});

describe("sarif reporter: results", () => {
  const sql = "SET lock_timeout = '2s';\nSELECT '🐘'; CREATE INDEX i ON t (a);\nALTER TABLE t\n  ADD COLUMN b int;\n";
  const withFindings = resultFor("/repo/db/0002 add index.sql", sql, [
    { ruleId: "require-concurrent-index-creation", severity: 2, message: "Blocks writes.", at: "CREATE INDEX", help: "Use CONCURRENTLY." },
    { ruleId: "rewrites-table", severity: 1, message: "Spans lines.", at: "ALTER TABLE t\n  ADD" },
  ]);
  withFindings.suppressedMessages.push(message("ban-drop-column", 2, 1));
  const broken = resultFor("/repo/db/0003.sql", "CREATE TABLE (;\n", [{ ruleId: "syntax-error", severity: 2, message: 'syntax error at or near "("', at: "(" }]);
  const crashed = resultFor("/repo/db/0004.sql", "DROP TABLE x;\n", [
    { ruleId: "ban-drop-table", severity: 2, message: "Internal error in rule ban-drop-table: boom. The rest of the file was linted; please report this.", at: "", fatal: true },
  ]);
  const clean = resultFor("/repo/db/0001.sql", "SELECT 1;\n", []);
  const log = parse([clean, withFindings, broken, crashed]);
  const run = log.runs[0];
  const byRule = (id: string): SarifResult => run.results.find((r) => r.ruleId === id)!;

  it("has one result per finding, silenced findings left out", () => {
    expect(run.results.map((r) => r.ruleId)).toEqual(["require-concurrent-index-creation", "rewrites-table", "syntax-error", "ban-drop-table"]);
    expect(JSON.stringify(log)).not.toContain("suppressions");
    expect(githubProblems(log)).toEqual([]);
  });

  it("gives rule, index, level, message with the help, a repo-relative URI and the full region in UTF-16 columns", () => {
    expect(run.columnKind).toBe("utf16CodeUnits");
    expect(run.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///repo/", description: { text: "The root of the repository the migrations are in." } } });
    const index = byRule("require-concurrent-index-creation");
    expect(index).toMatchObject({
      ruleId: "require-concurrent-index-creation",
      ruleIndex: Object.keys(rules).indexOf("require-concurrent-index-creation"),
      level: "error",
      message: { text: "Blocks writes.\n\nUse CONCURRENTLY." },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "db/0002%20add%20index.sql", uriBaseId: "%SRCROOT%" },
            // After "SELECT '🐘'; " (the emoji is two UTF-16 code units): column 14, not 13.
            region: { startLine: 2, startColumn: 14, endLine: 2, endColumn: 26 },
          },
        },
      ],
    });
    expect(byRule("rewrites-table")).toMatchObject({
      level: "warning",
      message: { text: "Spans lines." },
      locations: [{ physicalLocation: { region: { startLine: 3, startColumn: 1, endLine: 4, endColumn: 6 } } }],
    });
  });

  it("reports syntax errors and internal errors as results of their rules; internal errors also as notifications", () => {
    expect(byRule("syntax-error")).toMatchObject({ level: "error", locations: [{ physicalLocation: { region: { startLine: 1, startColumn: 14 } } }] });
    expect(byRule("ban-drop-table")).toMatchObject({ level: "error", message: { text: expect.stringContaining("Internal error in rule ban-drop-table") } });
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: "error",
            message: { text: expect.stringMatching(/^Internal error in rule ban-drop-table: boom\..* \(db\/0004\.sql\)$/) },
            descriptor: { id: "internal-error" },
            associatedRule: { id: "ban-drop-table", index: Object.keys(rules).indexOf("ban-drop-table") },
          },
        ],
      },
    ]);
  });

  it("fingerprints each result with its line's hash, as the upload step computes it", () => {
    const lines = lineFingerprints(sql);
    expect(byRule("require-concurrent-index-creation").partialFingerprints).toEqual({ primaryLocationLineHash: lines[1] });
    expect(byRule("rewrites-table").partialFingerprints).toEqual({ primaryLocationLineHash: lines[2] });
  });

  it("keeps fingerprints when lines are added above a finding, and across runs", () => {
    const before = lintText("SET lock_timeout = '2s';\nCREATE INDEX i ON t (a);\n", { filePath: "/repo/m.sql", cwd: "/repo" });
    const after = lintText("-- a new comment\n\nSET lock_timeout = '2s';\nCREATE INDEX i ON t (a);\n", { filePath: "/repo/m.sql", cwd: "/repo" });
    const a = parse([before]).runs[0].results;
    const b = parse([after]).runs[0].results;
    expect(a.map((r) => r.ruleId)).toEqual(["require-concurrent-index-creation"]);
    expect(b[0]!.locations[0]!.physicalLocation.region.startLine).toBe(a[0]!.locations[0]!.physicalLocation.region.startLine + 2);
    expect(b[0]!.partialFingerprints).toEqual(a[0]!.partialFingerprints);
    expect(parse([before]).runs[0].results[0]!.partialFingerprints).toEqual(a[0]!.partialFingerprints);
  });

  it("makes paths relative to the git repository root, and uses file: URIs outside it", () => {
    const outside = resultFor("/elsewhere/x y.sql", "DROP TABLE t;\n", [{ ruleId: "ban-drop-table", severity: 2, message: "m", at: "DROP TABLE" }]);
    expect(parse([outside]).runs[0].results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: "file:///elsewhere/x%20y.sql" });
    // This test file is inside pgsafe's repository: from a sub-folder, paths are still relative to its root.
    const inRepo = resultFor(join(ROOT, "fixtures", "examples", "0002.sql"), "DROP TABLE t;\n", [{ ruleId: "ban-drop-table", severity: 2, message: "m", at: "DROP TABLE" }]);
    const fromSubfolder = parse([inRepo], { cwd: join(ROOT, "fixtures"), color: false }).runs[0];
    expect(fromSubfolder.results[0]!.locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: "fixtures/examples/0002.sql", uriBaseId: "%SRCROOT%" });
    expect(fileURLToPath(fromSubfolder.originalUriBaseIds["%SRCROOT%"]!.uri)).toBe(`${ROOT}/`);
    // An explicit root wins.
    expect(parse([inRepo], { cwd: ROOT, root: "fixtures", color: false }).runs[0].results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe("examples/0002.sql");
  });

  describeSchema("schema", () => {
    it("is valid SARIF 2.1.0", () => {
      expect(validate!(log)).toEqual([]);
      expect(validate!(parse([]))).toEqual([]);
    });

    it("(the validator does reject invalid SARIF)", () => {
      const broken = structuredClone(log) as unknown as { runs: { results: { level: string; locations: { physicalLocation: { region: { startColumn: number } } }[] }[] }[] };
      broken.runs[0]!.results[0]!.level = "fatal";
      broken.runs[0]!.results[1]!.locations[0]!.physicalLocation.region.startColumn = 0;
      expect(validate!(broken)).toEqual([
        "/runs/0/results/0/level must be equal to one of the allowed values",
        "/runs/0/results/1/locations/0/physicalLocation/region/startColumn must be >= 1",
      ]);
    });
  });
});

describe("sarif reporter: a UTF-8 byte-order mark on disk", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "pgsafe-sarif-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is part of line 1 for the fingerprint, as the upload step reads the file", async () => {
    const file = join(dir, "0001.sql");
    writeFileSync(file, "\ufeffCREATE INDEX i ON t (a);\n");
    const results = await lintFiles([file], { cwd: dir });
    expect(results[0]!.source.charCodeAt(0)).not.toBe(0xfeff);
    const run = parse(results, { cwd: dir, color: false }).runs[0];
    const asUploaded = lineFingerprints(readFileSync(file, "utf8"));
    expect(run.results[0]!.partialFingerprints.primaryLocationLineHash).toBe(asUploaded[0]);
    expect(asUploaded[0]).not.toBe(lineFingerprints(results[0]!.source)[0]);
  });
});

describe("sarif reporter: GitHub's 25,000 results per run", () => {
  it("keeps the most severe 25,000 (errors first, then in file order) and says what was left out", () => {
    const warnings = Array.from({ length: 10 }, (_, i) => message("unbatched-update", 1, i + 1));
    const errors = Array.from({ length: MAX_RESULTS_PER_RUN - 4 }, (_, i) => message("ban-drop-table", 2, i + 1));
    const source = "x\n".repeat(MAX_RESULTS_PER_RUN);
    const base = resultFor("/repo/a.sql", source, []);
    const results: LintResult[] = [
      { ...base, messages: warnings, warningCount: 10 },
      { ...base, filePath: "/repo/b.sql", messages: errors, errorCount: errors.length },
    ];
    const log = toSarif(results, context);
    const run = log.runs[0];
    expect(run.results).toHaveLength(MAX_RESULTS_PER_RUN);
    // All errors, and the first 4 warnings in file order, in file order.
    expect(run.results.slice(0, 4).map((r) => [r.level, r.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ["warning", 1],
      ["warning", 2],
      ["warning", 3],
      ["warning", 4],
    ]);
    expect(run.results.filter((r) => r.level === "error")).toHaveLength(errors.length);
    expect(run.properties).toEqual({ truncated: true, totalResults: MAX_RESULTS_PER_RUN + 6, reportedResults: MAX_RESULTS_PER_RUN, omittedResults: 6 });
    expect(run.invocations[0].toolExecutionNotifications?.[0]).toMatchObject({
      level: "warning",
      descriptor: { id: "results-truncated" },
      message: { text: expect.stringContaining("6 are left out") },
    });
    expect(githubProblems(log)).toEqual([]);
    if (validate) expect(validate(log)).toEqual([]);
    // At the limit exactly, nothing is said.
    const atLimit = toSarif([{ ...base, filePath: "/repo/b.sql", messages: errors.slice(0, MAX_RESULTS_PER_RUN - 10) }, { ...base, messages: warnings }], context).runs[0];
    expect(atLimit.results).toHaveLength(MAX_RESULTS_PER_RUN);
    expect(atLimit.properties).toBeUndefined();
    expect(atLimit.invocations[0].toolExecutionNotifications).toBeUndefined();
  });
});

describe("sarif reporter: fixtures/examples", () => {
  it("matches the snapshot", async () => {
    const results = await lintFiles(["fixtures/examples"], { cwd: ROOT });
    const log = parse(results, { cwd: ROOT, color: false });
    expect(githubProblems(log)).toEqual([]);
    if (validate) expect(validate(log)).toEqual([]);
    const run = log.runs[0];
    const stable = {
      ...log,
      runs: [
        {
          ...run,
          // Rules added elsewhere change the count and the indexes (githubProblems checks that each index names its rule).
          tool: { driver: { ...run.tool.driver, semanticVersion: "<version>", rules: "<one descriptor per rule>" } },
          results: run.results.map((r) => ({ ...r, ruleIndex: `<index of ${r.ruleId}>` })),
          originalUriBaseIds: { "%SRCROOT%": { ...run.originalUriBaseIds["%SRCROOT%"], uri: "file:///<repository>/" } },
        },
      ],
    };
    await expect(`${JSON.stringify(stable, null, 2)}\n`).toMatchFileSnapshot("__snapshots__/examples.sarif.json");
  });
});

describe.skipIf(!existsSync(CORPUS))(`sarif reporter: the real-world corpus (${CORPUS})`, () => {
  let results: LintResult[];
  let log: SarifLog;
  beforeAll(async () => {
    results = await lintFiles([CORPUS], { cwd: CORPUS });
    log = parse(results, { cwd: CORPUS, color: false });
  }, 120_000);

  it("has a result for every finding (up to GitHub's 25,000, most severe first), with GitHub's required fields", () => {
    const run = log.runs[0];
    const all = results.flatMap((r) => r.messages);
    const errors = all.filter((m) => m.severity === 2).length;
    expect(all.length).toBeGreaterThan(1000);
    expect(run.results.length).toBe(Math.min(all.length, MAX_RESULTS_PER_RUN));
    expect(run.results.filter((r) => r.level === "error").length).toBe(Math.min(errors, MAX_RESULTS_PER_RUN));
    if (all.length > MAX_RESULTS_PER_RUN) {
      expect(run.properties).toEqual({ truncated: true, totalResults: all.length, reportedResults: MAX_RESULTS_PER_RUN, omittedResults: all.length - MAX_RESULTS_PER_RUN });
    } else {
      expect(run.properties).toBeUndefined();
    }
    expect(githubProblems(log)).toEqual([]);
  });

  it.skipIf(!schemaPresent)("is valid against the official SARIF 2.1.0 schema", () => {
    expect(validate!(log)).toEqual([]);
  });

  it("points every result at its file (relative URI under %SRCROOT%) with the upload step's fingerprint", () => {
    const run = log.runs[0];
    const base = run.originalUriBaseIds["%SRCROOT%"]!.uri;
    const byPath = new Map(results.map((r) => [r.filePath, r]));
    const hashes = new Map<string, string[]>();
    const bad: string[] = [];
    for (const result of run.results) {
      const location = result.locations[0]!.physicalLocation;
      if (location.artifactLocation.uriBaseId !== "%SRCROOT%") bad.push(`${location.artifactLocation.uri}: no base`);
      const file = fileURLToPath(new URL(location.artifactLocation.uri, base));
      if (!byPath.has(file)) bad.push(`${location.artifactLocation.uri}: not a linted file`);
      let lines = hashes.get(file);
      if (!lines) hashes.set(file, (lines = lineFingerprints(readFileSync(file, "utf8"))));
      if (result.partialFingerprints.primaryLocationLineHash !== lines[location.region.startLine - 1]) bad.push(`${file}:${location.region.startLine}: fingerprint`);
    }
    expect(bad).toEqual([]);
  });
});
