#!/usr/bin/env node
/**
 * Benchmark: lints ../shared/corpus/real-world with the built code (dist/), run by `npm run bench`
 * (which builds first). Not part of `npm test`.
 *
 *   1. in-process: import dist/src/index.js, lintFiles(corpus); the first (cold) run and the best of
 *      three warm runs;
 *   2. child process: `node dist/src/cli/main.js <corpus> --format json --output-file <tmp>`, as a
 *      user runs it (its CPU time and peak RSS are recorded by a preloaded module at exit);
 *   3. cold start on one small file (median of several runs), and `--version` for comparison.
 *
 * Prints files/s, statements/s, wall time, CPU time and peak RSS for each.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CORPUS = process.argv[2] ?? join(ROOT, "..", "shared", "corpus", "real-world");
const BIN = join(ROOT, "dist", "src", "cli", "main.js");
const API = join(ROOT, "dist", "src", "index.js");
const SMALL = join(ROOT, "fixtures", "examples", "0005_index_orders_status.sql");

if (!existsSync(BIN) || !existsSync(API)) {
  console.error("bench: dist/ is missing. Run `npm run bench` (it builds first) or `npm run build`.");
  process.exit(2);
}
if (!existsSync(CORPUS)) {
  console.error(`bench: the corpus ${CORPUS} is missing. Pass a folder of migrations: node test/tools/bench.mjs DIR`);
  process.exit(2);
}

const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (kb) => `${fmt(kb / 1024, 0)} MB`;
const ms = (x) => `${fmt(x, x < 100 ? 1 : 0)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function row(label, { files, statements, wallMs, cpuMs, rssKb }) {
  const perSec = (n) => fmt((n / wallMs) * 1000, 0);
  const parts = [`${label.padEnd(26)}`, `wall ${ms(wallMs).padStart(9)}`, `cpu ${ms(cpuMs).padStart(9)}`, `peak RSS ${mb(rssKb).padStart(7)}`];
  if (files !== undefined) parts.push(`${perSec(files).padStart(7)} files/s`);
  if (statements !== undefined) parts.push(`${perSec(statements).padStart(8)} statements/s`);
  console.log(parts.join("  "));
}

// ---- 1. in-process -------------------------------------------------------------------------
const importStart = performance.now();
const api = await import(pathToFileURL(API).href);
const importMs = performance.now() - importStart;

async function inProcess() {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const results = await api.lintFiles([CORPUS]);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return {
    files: results.length,
    statements: results.reduce((n, r) => n + r.statementCount, 0),
    findings: results.reduce((n, r) => n + r.messages.length, 0),
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    rssKb: process.resourceUsage().maxRSS,
  };
}

const cold = await inProcess();
const warmRuns = [];
for (let i = 0; i < 3; i++) warmRuns.push(await inProcess());
const warm = warmRuns.reduce((best, r) => (r.wallMs < best.wallMs ? r : best));

// ---- 2. child process ------------------------------------------------------------------------
const scratch = mkdtempSync(join(tmpdir(), "pgsafe-bench-"));
const preload = join(scratch, "usage.mjs");
writeFileSync(
  preload,
  [
    'import { writeFileSync } from "node:fs";',
    "const start = performance.now();",
    'process.on("exit", () => {',
    "  const u = process.resourceUsage();",
    "  writeFileSync(process.env.PGSAFE_BENCH_STATS, JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, rssKb: u.maxRSS, insideMs: performance.now() - start }));",
    "});",
  ].join("\n"),
);

function child(args) {
  const stats = join(scratch, "stats.json");
  rmSync(stats, { force: true });
  const start = performance.now();
  const r = spawnSync(process.execPath, ["--import", pathToFileURL(preload).href, BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PGSAFE_BENCH_STATS: stats, NO_COLOR: "1" },
  });
  const wallMs = performance.now() - start;
  if (r.status !== 0 && r.status !== 1) throw new Error(`pgsafe ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { wallMs, ...JSON.parse(readFileSync(stats, "utf8")) };
}

const report = join(scratch, "report.json");
const childRun = child([CORPUS, "--format", "json", "--output-file", report]);
const childFiles = JSON.parse(readFileSync(report, "utf8")).length;
const childText = child([CORPUS, "--output-file", join(scratch, "report.txt")]);

// ---- 3. cold start ---------------------------------------------------------------------------
const smallRuns = Array.from({ length: 7 }, () => child([SMALL]));
const versionRuns = Array.from({ length: 7 }, () => child(["--version"]));
const pick = (runs) => ({ wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)), rssKb: median(runs.map((r) => r.rssKb)) });

rmSync(scratch, { recursive: true, force: true });

// ---- report ------------------------------------------------------------------------------------
console.log(`pgsafe bench: ${CORPUS}`);
console.log(`${fmt(cold.files)} files, ${fmt(cold.statements)} statements, ${fmt(cold.findings)} findings; node ${process.version}, ${process.platform}/${process.arch}`);
console.log("");
console.log(`import dist/src/index.js   ${ms(importMs)} (parser WebAssembly and rules)`);
row("in-process, first run", cold);
row("in-process, best of 3", warm);
if (childFiles !== cold.files) console.log(`(child process reported ${childFiles} files)`);
row("child process, json", { ...childRun, files: childFiles, statements: cold.statements });
row("child process, text", { ...childText, files: childFiles, statements: cold.statements });
row("cold start, one file", pick(smallRuns));
row("cold start, --version", pick(versionRuns));
console.log("");
console.log("wall/cpu/RSS for child processes are the whole process (node start-up included); cold starts are medians of 7 runs.");
