#!/usr/bin/env node
/**
 * The least time a linter built on libpg-query can take on a folder of migrations, run by
 * test/tools/bench.mjs: list the folder's .sql files, read each one and parse it with libpg-query's
 * `parseSync` (WebAssembly, then `JSON.parse` of the AST), and nothing else: no rules, no report.
 * The WebAssembly stays on V8's baseline compiler, as in `pgsafe` lint runs. A file that does not
 * parse whole is counted and left (pgsafe then parses it statement by statement, which costs more),
 * so this is a lower bound.
 *
 *   node test/tools/parse-floor.mjs DIR [--threads N]
 *
 * With `--threads N` the files are dealt out to N threads (this one and N - 1 workers, each loading
 * its own parser). Prints one line of JSON: files, how many parsed whole, bytes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

// Process-wide, so the workers' parsers are compiled the same way.
if (isMainThread) setFlagsFromString("--liftoff-only");
const pgQuery = createRequire(import.meta.url)("libpg-query");
await pgQuery.loadModule();

/** Parses each file; returns how many parsed whole and how many bytes were read. */
function parseAll(files) {
  let parsed = 0;
  let bytes = 0;
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    bytes += text.length;
    if (text.trim() === "") continue;
    try {
      pgQuery.parseSync(text);
      parsed++;
    } catch {
      // A syntax error: counted out.
    }
  }
  return { parsed, bytes };
}

function sqlFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".git") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sqlFiles(path, out);
    else if (entry.name.endsWith(".sql")) out.push(path);
  }
  return out;
}

if (isMainThread) {
  const args = process.argv.slice(2);
  const dir = args[0];
  const at = args.indexOf("--threads");
  const threads = at >= 0 ? Math.max(1, Number(args[at + 1])) : 1;
  if (!dir) {
    console.error("usage: node test/tools/parse-floor.mjs DIR [--threads N]");
    process.exit(2);
  }
  const files = sqlFiles(dir);
  const shares = Array.from({ length: threads }, (_, t) => files.filter((_, i) => i % threads === t));
  const workers = shares.slice(1).map(
    (share) =>
      new Promise((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: share });
        worker.once("message", resolve);
        worker.once("error", reject);
      }),
  );
  const mine = parseAll(shares[0]);
  const theirs = await Promise.all(workers);
  const total = [mine, ...theirs].reduce((a, b) => ({ parsed: a.parsed + b.parsed, bytes: a.bytes + b.bytes }));
  console.log(JSON.stringify({ files: files.length, parsedWhole: total.parsed, chars: total.bytes, threads }));
} else {
  parentPort.postMessage(parseAll(workerData));
}
