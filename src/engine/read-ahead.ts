/**
 * Reading a big run's files ahead of the linter, on a thread of its own. The linting thread reads
 * each file when it comes to it, and a read waits when the kernel no longer holds the file in its
 * page cache (on a machine that pages out files left unread for a while, a tenth of a corpus run
 * or more: docs/performance.md). A reader thread that does nothing but read the next files while
 * the current one is linted hides that wait.
 *
 * The reader reads the files in the order the linter will ask for them and posts each one's bytes
 * (or its error) on a message port; the linter takes them with `receiveMessageOnPort`, which does
 * not need the event loop, so linting stays synchronous. The linter never waits for the reader: a
 * file that has not arrived (the reader is still starting, or still reading it) is read on the
 * linting thread as before, and the reader skips past it. The reader stays at most a window of
 * files and bytes ahead, so memory does not grow with the run.
 */
import type { MessagePort, Worker } from "node:worker_threads";
import type * as WorkerThreads from "node:worker_threads";
import type { FileBytes } from "../sql-file.js";

/** How many files, and how many KiB, the reader may hold ahead of the linter. */
const AHEAD_FILES = 64;
const AHEAD_KIB = 8 * 1024;

/**
 * Slots of the shared Int32Array: the position the linter has reached, the KiB it has taken, and
 * the position at which the waiting reader wants to be woken (when half its window is free: one
 * wake-up per half window, not one per file).
 */
const CONSUMED = 0;
const CONSUMED_KIB = 1;
const WAKE_AT = 2;
const NEVER = 0x7fffffff;

interface ReaderMessage {
  position: number;
  kib: number;
  bytes?: ArrayBuffer;
  error?: { code?: string; message: string };
}

/**
 * The reader thread's code (CommonJS, run with `eval`: it needs no file of its own, from the
 * sources or from the bundle). It waits with Atomics.wait, which a worker may do.
 */
const READER = `
const { workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const { files, shared, port, aheadFiles, aheadKib } = workerData;
const state = new Int32Array(shared);
let postedKib = 0;
let i = 0;
while (i < files.length) {
  const consumed = Atomics.load(state, ${CONSUMED});
  if (i < consumed) i = consumed;
  if (i >= files.length) break;
  const ahead = i - consumed;
  if (ahead > 0 && (ahead >= aheadFiles || postedKib - Atomics.load(state, ${CONSUMED_KIB}) >= aheadKib)) {
    Atomics.store(state, ${WAKE_AT}, i - Math.max(1, Math.floor(ahead / 2)));
    Atomics.wait(state, ${CONSUMED}, consumed);
    Atomics.store(state, ${WAKE_AT}, ${NEVER});
    continue;
  }
  let message;
  let transfer = [];
  try {
    const read = readFileSync(files[i]);
    // Small buffers are slices of a shared pool, which cannot be transferred: those are copied.
    const own = read.byteOffset === 0 && read.byteLength === read.buffer.byteLength ? read : new Uint8Array(read);
    const kib = Math.ceil(own.byteLength / 1024);
    message = { position: i, kib, bytes: own.buffer };
    transfer = [own.buffer];
  } catch (error) {
    message = { position: i, kib: 0, error: { code: error && error.code, message: String(error && error.message) } };
  }
  port.postMessage(message, transfer);
  postedKib += message.kib;
  i++;
}
port.close();
`;

/** A run's files read ahead: `take(position)` for each position in increasing order, then `close()`. */
export interface ReadAhead {
  /**
   * The bytes of the file at `position` of the list the reader was given, or its read error:
   * from the reader when they have arrived, else read here. Positions must increase.
   */
  take(position: number, readHere: () => FileBytes): FileBytes;
  /** How many files have arrived from the reader and not been taken yet. */
  waiting(): number;
  /** Stops the reader. */
  close(): void;
}

/**
 * Starts a reader thread on `files` (in the order they will be taken). Undefined where no thread
 * can be started; the caller then reads every file itself.
 */
export function startReadAhead(files: readonly string[]): ReadAhead | undefined {
  let threads: typeof WorkerThreads;
  let port: MessagePort;
  let worker: Worker;
  const state = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  state[WAKE_AT] = NEVER;
  try {
    threads = process.getBuiltinModule("node:worker_threads");
    const channel = new threads.MessageChannel();
    port = channel.port1;
    worker = new threads.Worker(READER, {
      eval: true,
      workerData: { files, shared: state.buffer, port: channel.port2, aheadFiles: AHEAD_FILES, aheadKib: AHEAD_KIB },
      transferList: [channel.port2],
      // It holds a window of files and little else.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
  } catch {
    return undefined;
  }
  // A reader that fails only costs the linter its help: every file it has not sent is read here.
  worker.on("error", () => undefined);
  worker.unref();
  port.unref();
  const arrived = new Map<number, ReaderMessage>();
  let closed = false;

  const advance = (next: number, kib: number): void => {
    if (kib > 0) Atomics.add(state, CONSUMED_KIB, kib);
    Atomics.store(state, CONSUMED, next);
    if (next >= Atomics.load(state, WAKE_AT)) Atomics.notify(state, CONSUMED);
  };

  /** Takes in everything the reader has posted so far; what lies behind `position` is no longer wanted. */
  const receive = (position: number): void => {
    if (closed) return;
    for (let received = threads.receiveMessageOnPort(port); received; received = threads.receiveMessageOnPort(port)) {
      const message = received.message as ReaderMessage;
      if (message.position >= position) arrived.set(message.position, message);
      else if (message.kib > 0) Atomics.add(state, CONSUMED_KIB, message.kib);
    }
  };

  return {
    take(position, readHere) {
      receive(position);
      const message = arrived.get(position);
      if (message) {
        arrived.delete(position);
        advance(position + 1, message.kib);
        if (message.bytes) return { bytes: new Uint8Array(message.bytes) };
        // The reader's error, rebuilt with the code that names it (ENOENT, EACCES...).
        const error = new Error(message.error?.message ?? "unreadable");
        return { error: message.error?.code ? Object.assign(error, { code: message.error.code }) : error };
      }
      // Not there yet: read here, and the reader moves past it.
      advance(position + 1, 0);
      return readHere();
    },
    waiting() {
      receive(Atomics.load(state, CONSUMED));
      return arrived.size;
    },
    close() {
      if (closed) return;
      closed = true;
      arrived.clear();
      port.close();
      void worker.terminate();
    },
  };
}
