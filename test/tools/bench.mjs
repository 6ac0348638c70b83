#!/usr/bin/env node
/**
 * Benchmark, run by `npm run bench` (which builds first); not part of `npm test`.
 *
 *   1. The corpus (../shared/corpus/real-world by default): pgsafe and Squawk (squawk-cli, a
 *      devDependency) lint the same files, in alternating runs, as users run them (`pgsafe DIR
 *      --format json`, `squawk 'DIR/**\/*.sql' --reporter json`, output discarded). For each tool:
 *      wall time, CPU time (user + system) and peak RSS, median of N pairs, and the ratio
 *      pgsafe / Squawk.
 *   1b. The floor: test/tools/parse-floor.mjs lists, reads and parses the same files with libpg-query
 *      and does nothing else, on one thread and on two: the least a linter built on this parser
 *      can take, against Squawk's whole run.
 *   2. Cold start on one small file (the pre-commit case), median of several runs, and
 *      `pgsafe --version` for the cost of starting Node itself.
 *   3. Growth: the corpus ten times over (hard links in a temporary folder, each copy a separate
 *      migration folder), to show how the cost grows.
 *
 * CPU time and peak RSS come from GNU time (/usr/bin/time); without it only wall times are shown.
 *
 *   node test/tools/bench.mjs [--corpus DIR] [--pairs N] [--no-floor] [--no-scale] [--json FILE]
 */
import { spawn, spawnSync } from "node:child_process";
import { cpus, tmpdir, totalmem } from "node:os";
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const CORPUS = value("--corpus", join(ROOT, "..", "shared", "corpus", "real-world"));
const PAIRS = Number(value("--pairs", "5"));
const JSON_OUT = value("--json", undefined);
// The `pgsafe` bin, as users run it (the bundle).
const BIN = join(ROOT, JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).bin.pgsafe);
const SQUAWK = join(ROOT, "node_modules", ".bin", "squawk");
const SMALL = join(ROOT, "fixtures", "examples", "0005_index_orders_status.sql");
const TIME = "/usr/bin/time";
const FLOOR = join(ROOT, "test", "tools", "parse-floor.mjs");

if (!existsSync(BIN)) {
  console.error("bench: dist/ is missing. Run `npm run bench` (it builds first) or `npm run build`.");
  process.exit(2);
}
if (!existsSync(CORPUS)) {
  console.error(`bench: the corpus ${CORPUS} is missing. Pass a folder of migrations: node test/tools/bench.mjs --corpus DIR`);
  process.exit(2);
}
const haveSquawk = existsSync(SQUAWK);
const haveTime = spawnSync(TIME, ["-f", "%e", "true"]).status === 0;

const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs a command with its output discarded; resolves to wall ms and, with GNU time, CPU ms and
 * peak RSS (KB) of the process and its threads.
 */
function run(command, commandArgs, cwd = ROOT) {
  return new Promise((resolvePromise, reject) => {
    const statsFile = join(scratch, `time-${process.hrtime.bigint()}.txt`);
    const argv = haveTime ? [TIME, ["-f", "%e %U %S %M", "-o", statsFile, command, ...commandArgs]] : [command, commandArgs];
    const start = performance.now();
    const child = spawn(argv[0], argv[1], { cwd, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - start;
      if (code !== 0 && code !== 1) {
        reject(new Error(`${command} ${commandArgs.slice(0, 3).join(" ")} exited ${code}: ${stderr.slice(0, 500)}`));
        return;
      }
      const out = { wallMs };
      if (haveTime) {
        const [, user, system, maxKb] = readFileSync(statsFile, "utf8").trim().split(/\s+/).slice(-4).map(Number);
        Object.assign(out, { cpuMs: (user + system) * 1000, rssKb: maxKb });
        rmSync(statsFile, { force: true });
      }
      resolvePromise(out);
    });
  });
}

const pgsafeCorpus = (dir) => [process.execPath, [BIN, dir, "--format", "json", "--no-config"]];
const squawkCorpus = (dir) => [SQUAWK, [`${dir}/**/*.sql`, "--reporter", "json"]];

function summary(runs) {
  const pick = (k) => (runs[0][k] === undefined ? undefined : median(runs.map((r) => r[k])));
  return { wallMs: pick("wallMs"), cpuMs: pick("cpuMs"), rssKb: pick("rssKb"), runs: runs.length };
}

function line(label, s, extra = "") {
  const parts = [label.padEnd(30), `wall ${fmt(s.wallMs)} ms`.padStart(15)];
  if (s.cpuMs !== undefined) parts.push(`cpu ${fmt(s.cpuMs)} ms`.padStart(14), `peak RSS ${fmt(s.rssKb / 1024)} MB`.padStart(16));
  console.log(parts.join("  ") + extra);
}

function sqlFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".git") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sqlFiles(path));
    else if (entry.name.endsWith(".sql")) out.push(path);
  }
  return out;
}

/** The corpus `times` times over, as hard links (copies where links are not possible). */
function scaledCorpus(times) {
  const target = join(scratch, `corpus-x${times}`);
  const files = sqlFiles(CORPUS);
  for (let copy = 0; copy < times; copy++) {
    for (const file of files) {
      const to = join(target, `copy-${copy}`, relative(CORPUS, file));
      mkdirSync(dirname(to), { recursive: true });
      try {
        linkSync(file, to);
      } catch {
        copyFileSync(file, to);
      }
    }
  }
  return { dir: target, files: files.length * times, bytes: files.reduce((n, f) => n + statSync(f).size, 0) * times };
}

const scratch = mkdtempSync(join(tmpdir(), "pgsafe-bench-"));
const results = { machine: {}, corpus: {}, floor: {}, coldStart: {}, scale: {} };
try {
  const files = sqlFiles(CORPUS);
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const squawkVersion = haveSquawk ? spawnSync(SQUAWK, ["--version"], { encoding: "utf8" }).stdout.trim() : "not installed";
  const pgsafeVersion = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" }).stdout.trim();
  results.machine = { node: process.version, platform: `${process.platform}/${process.arch}`, cpus: cpus().length, cpu: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30), pgsafe: pgsafeVersion, squawk: squawkVersion };
  console.log(`pgsafe ${pgsafeVersion} vs ${squawkVersion}; node ${process.version}, ${results.machine.platform}, ${results.machine.cpus} CPUs (${results.machine.cpu})`);
  console.log(`corpus: ${CORPUS}: ${fmt(files.length)} files, ${fmt(bytes / 2 ** 20, 1)} MB`);
  if (!haveTime) console.log("(GNU time not found at /usr/bin/time: wall times only)");
  console.log("");

  // ---- 1. corpus, alternating pairs -------------------------------------------------------------
  // One warm-up run each, so that both read the files from the page cache.
  await run(...pgsafeCorpus(CORPUS));
  if (haveSquawk) await run(...squawkCorpus(CORPUS));
  const pgsafeRuns = [];
  const squawkRuns = [];
  for (let i = 0; i < PAIRS; i++) {
    // Alternate which tool goes first, so that neither always runs on a cooler machine.
    const order = i % 2 === 0 ? ["pgsafe", "squawk"] : ["squawk", "pgsafe"];
    for (const tool of order) {
      if (tool === "pgsafe") pgsafeRuns.push(await run(...pgsafeCorpus(CORPUS)));
      else if (haveSquawk) squawkRuns.push(await run(...squawkCorpus(CORPUS)));
    }
  }
  const pg = summary(pgsafeRuns);
  results.corpus = { files: files.length, bytes, pairs: PAIRS, pgsafe: pg };
  line(`corpus: pgsafe (median of ${PAIRS})`, pg, `  ${fmt((files.length / pg.wallMs) * 1000)} files/s`);
  if (haveSquawk) {
    const sq = summary(squawkRuns);
    results.corpus.squawk = sq;
    results.corpus.ratio = pg.wallMs / sq.wallMs;
    line(`corpus: squawk (median of ${PAIRS})`, sq, `  ${fmt((files.length / sq.wallMs) * 1000)} files/s`);
    const perPair = pgsafeRuns.map((r, i) => r.wallMs / squawkRuns[i].wallMs);
    results.corpus.ratioPerPair = perPair;
    console.log(`ratio pgsafe/squawk (wall): ${fmt(results.corpus.ratio, 2)}  (per pair: ${perPair.map((r) => fmt(r, 2)).join(", ")})`);
    if (pg.cpuMs !== undefined) console.log(`ratio pgsafe/squawk (cpu):  ${fmt(pg.cpuMs / sq.cpuMs, 2)}`);
  }
  console.log("");

  // ---- 1b. the floor: read and parse only --------------------------------------------------------
  if (!flag("--no-floor")) {
    for (const threads of [1, 2]) {
      const runs = [];
      for (let i = 0; i < PAIRS; i++) runs.push(await run(process.execPath, [FLOOR, CORPUS, "--threads", String(threads)]));
      const floor = summary(runs);
      const key = `thread${threads}`;
      results.floor[key] = floor;
      const vsSquawk = results.corpus.squawk ? `  ${fmt(floor.wallMs / results.corpus.squawk.wallMs, 2)}x squawk's whole run` : "";
      line(`floor: read + parse, ${threads} thread${threads > 1 ? "s" : ""}`, floor, vsSquawk);
    }
    console.log("");
  }

  // ---- 2. cold start -------------------------------------------------------------------------
  const small = [];
  const version = [];
  const squawkSmall = [];
  for (let i = 0; i < 9; i++) {
    small.push(await run(process.execPath, [BIN, SMALL, "--no-config"]));
    version.push(await run(process.execPath, [BIN, "--version"]));
    if (haveSquawk) squawkSmall.push(await run(SQUAWK, [SMALL]));
  }
  results.coldStart = { pgsafeOneFile: summary(small), pgsafeVersion: summary(version), ...(haveSquawk ? { squawkOneFile: summary(squawkSmall) } : {}) };
  line("cold start: pgsafe, one file", results.coldStart.pgsafeOneFile);
  line("cold start: pgsafe --version", results.coldStart.pgsafeVersion);
  if (haveSquawk) line("cold start: squawk, one file", results.coldStart.squawkOneFile);
  console.log("");

  // ---- 3. growth -------------------------------------------------------------------------------
  if (!flag("--no-scale")) {
    const scaled = scaledCorpus(10);
    const pgScaled = summary([await run(...pgsafeCorpus(scaled.dir)), await run(...pgsafeCorpus(scaled.dir)), await run(...pgsafeCorpus(scaled.dir))]);
    results.scale = { times: 10, files: scaled.files, bytes: scaled.bytes, pgsafe: pgScaled, growth: pgScaled.wallMs / pg.wallMs };
    line(`10x corpus: pgsafe (${fmt(scaled.files)} files)`, pgScaled, `  ${fmt(results.scale.growth, 1)}x the time of 1x`);
    if (haveSquawk) {
      const sqScaled = summary([await run(...squawkCorpus(scaled.dir)), await run(...squawkCorpus(scaled.dir)), await run(...squawkCorpus(scaled.dir))]);
      results.scale.squawk = sqScaled;
      line(`10x corpus: squawk`, sqScaled, `  ${fmt(sqScaled.wallMs / results.corpus.squawk.wallMs, 1)}x the time of 1x`);
    }
    console.log("");
  }
  console.log("Medians; each run is a whole process as users start it (Node start-up included), output discarded.");
  if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(results, null, 2)}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
