/**
 * Linting many files on several threads: the run's chains (src/engine/chains.ts) are split into
 * lanes of about equal size; the main thread lints one lane while worker threads lint the others,
 * and the results are put back in run order. Each worker loads the parser and the rules once.
 * Workers exist only in the built package (dist/): run from the TypeScript sources (tests), or
 * where worker_threads is missing, everything runs on the main thread, with the same results.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { LintResult } from "../types.js";

/** What a worker lints: some chains of the run, as lists of indices into `files`. */
export interface LaneTask {
  files: string[];
  chains: number[][];
  /** The library options (plain data: what a worker needs to lint as the main thread would). */
  options: unknown;
  /** `--changed-since`: the real paths of the changed files. */
  changed?: string[];
}

export type WorkerMessage =
  | { kind: "chain"; indices: number[]; results: (LintResult | null)[] }
  | { kind: "error"; name: string; message: string }
  | { kind: "done" };

/** Below this many files a run is quicker on one thread than it takes to start a worker. */
export const PARALLEL_MIN_FILES = 200;

/** The worker script next to this module, when it is there (the built package). */
export function workerScript(): string | undefined {
  const url = new URL("./worker.js", import.meta.url);
  if (url.protocol !== "file:") return undefined;
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

/**
 * How many threads to use: `jobs` when given (1: no workers); else, for a big enough run, one per
 * CPU but one (at most 4), since the garbage collector of a single thread already keeps a second
 * CPU busy (measured in docs/performance.md: on 2 CPUs a worker does not pay for itself); never
 * more than there are chains.
 */
export function threadCount(jobs: number | undefined, files: number, chains: number, cpus = availableParallelism()): number {
  if (jobs !== undefined && jobs > 0) return Math.max(1, Math.min(jobs, chains));
  if (files < PARALLEL_MIN_FILES) return 1;
  return Math.max(1, Math.min(cpus - 1, 4, chains));
}

/**
 * Runs one lane on a worker thread, started at once (before the caller goes on with its own lane);
 * resolves to its results by file index.
 */
export function runLaneOnWorker(script: string, task: LaneTask, onError: (name: string, message: string) => Error): Promise<Map<number, LintResult | null>> {
  return new Promise((resolvePromise, reject) => {
    const results = new Map<number, LintResult | null>();
    const worker = new Worker(script, {
      workerData: task,
      // A larger young generation: the linter makes many short-lived objects.
      resourceLimits: { maxYoungGenerationSizeMb: 48 },
    });
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
    };
    worker.on("message", (message: WorkerMessage) => {
      if (message.kind === "chain") message.indices.forEach((index, i) => results.set(index, message.results[i] ?? null));
      else if (message.kind === "error") settle(() => reject(onError(message.name, message.message)));
      else settle(() => resolvePromise(results));
    });
    worker.on("error", (error) => settle(() => reject(error)));
    worker.on("exit", (code) => settle(() => (code === 0 ? resolvePromise(results) : reject(new Error(`a lint worker stopped with exit code ${code}`)))));
  });
}
