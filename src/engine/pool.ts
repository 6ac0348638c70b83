/**
 * Linting many files on several threads: the main thread and the worker threads take the run's
 * chains (src/engine/chains.ts) one at a time, in run order, from a shared counter, so that
 * whichever thread is free takes the next chain; the results are put back in run order. Taking
 * them in order keeps the results that wait for an earlier chain to a few chains' worth (the
 * report is written as results come). Each worker loads the parser and the rules once.
 * Workers exist only in the built package (dist/): run from the TypeScript sources (tests), or
 * where worker_threads is missing, everything runs on the main thread, with the same results.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { LintResult } from "../types.js";

/** What the workers lint: the run's chains, as lists of indices into `files`, taken with `takeChain`. */
export interface LaneTask {
  files: string[];
  chains: number[][];
  /** The shared counter of chains taken (`takeChain`), one Int32 over a SharedArrayBuffer. */
  taken: Int32Array;
  /** The library options (plain data: what a worker needs to lint as the main thread would). */
  options: unknown;
  /** `--changed-since`: the real paths of the changed files. */
  changed?: string[];
}

/** A counter of chains taken, shared by the threads of a run. */
export function chainCounter(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** Takes the next chain of the run for the calling thread: its position in the run's chains (past the end when none is left). */
export function takeChain(taken: Int32Array): number {
  return Atomics.add(taken, 0, 1);
}

/** A worker sends its results in batches of at most this many files (a long chain need not end first). */
export const RESULTS_PER_MESSAGE = 32;

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
 * CPU but one (at most 4), since V8's compiler and garbage collector already keep part of a second
 * CPU busy (measured in docs/performance.md: on 2 CPUs a worker saves about a sixth of the time
 * but takes the peak memory from about 115 MB to about 160 MB); never more than there are chains.
 */
export function threadCount(jobs: number | undefined, files: number, chains: number, cpus?: number): number {
  if (jobs !== undefined && jobs > 0) return Math.max(1, Math.min(jobs, chains));
  if (files < PARALLEL_MIN_FILES) return 1;
  return Math.max(1, Math.min((cpus ?? process.getBuiltinModule("node:os").availableParallelism()) - 1, 4, chains));
}

/** A worker thread of a run. */
export interface WorkerLane {
  /** Resolves once no chain is left for the worker and it has sent its results; rejects on its error (or `onChain`'s). */
  done: Promise<void>;
  /** Stops the worker (another lane failed); `done` then settles without further chains. */
  stop(): void;
}

/**
 * Starts a worker thread on the run's chains (before the caller goes on with its own), handing the
 * results to `onChain` as the worker sends them (the caller puts them in run order). The results
 * are not kept here.
 */
export function runLaneOnWorker(
  script: string,
  task: LaneTask,
  onChain: (indices: readonly number[], results: readonly (LintResult | null)[]) => void,
  onError: (name: string, message: string) => Error,
): WorkerLane {
  // Loaded here: a run on one thread (most runs, and every small one) never needs it.
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  const worker = new Worker(script, {
    workerData: task,
    // A larger young generation: the linter makes many short-lived objects.
    resourceLimits: { maxYoungGenerationSizeMb: 48 },
  });
  let settled = false;
  let stop = (): void => undefined;
  const done = new Promise<void>((resolvePromise, reject) => {
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
    };
    const fail = (error: unknown): void =>
      settle(() => {
        void worker.terminate();
        reject(error);
      });
    stop = () =>
      settle(() => {
        void worker.terminate();
        resolvePromise();
      });
    worker.on("message", (message: WorkerMessage) => {
      if (settled) return;
      if (message.kind === "chain") {
        try {
          onChain(message.indices, message.results);
        } catch (error) {
          fail(error);
        }
      } else if (message.kind === "error") fail(onError(message.name, message.message));
      else settle(() => resolvePromise());
    });
    worker.on("error", fail);
    worker.on("exit", (code) => settle(() => (code === 0 ? resolvePromise() : reject(new Error(`a lint worker stopped with exit code ${code}`)))));
  });
  return { done, stop: () => stop() };
}
