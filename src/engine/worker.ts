/**
 * A lint worker thread (src/engine/pool.ts): lints the run's chains it takes and posts their
 * results; a usage error (an unreadable file, a bad stats file) is posted for the main thread to
 * report as its own.
 */
import { parentPort, workerData } from "node:worker_threads";
import { lintLane } from "../index.js";
import type { LaneTask, WorkerMessage } from "./pool.js";

const port = parentPort!;
const post = (message: WorkerMessage): void => port.postMessage(message);
try {
  lintLane(workerData as LaneTask, (indices, results) => post({ kind: "chain", indices, results }));
  post({ kind: "done" });
} catch (error) {
  post({ kind: "error", name: error instanceof Error ? error.name : "Error", message: error instanceof Error ? error.message : String(error) });
}
