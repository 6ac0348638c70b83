/**
 * Where the lint command's report goes while it is written file by file (src/reporters/index.ts,
 * `ReportStream`): standard output or `--output-file`, in pieces of about 64 KB, so that a run of
 * thousands of files makes a few hundred writes and holds no more than one piece.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { outputFileError } from "./env.js";

export interface ReportSink {
  write(text: string): void;
  /** While the output asks the writer to wait (a pipe whose reader is behind): a promise of when it can go on. */
  ready(): Promise<void> | undefined;
  /** Writes what is left and closes the file (an output file is created even for an empty report). */
  close(): void;
  /** The run failed: drops what is left and closes the file, if it was opened. */
  abort(): void;
}

const PIECE = 64 * 1024;

/** Passes the text on to `write` in pieces of at least PIECE characters (the last one shorter). */
export function bufferedSink(
  write: (text: string) => void,
  onClose: () => void = () => undefined,
  onAbort: () => void = () => undefined,
  ready: () => Promise<void> | undefined = () => undefined,
): ReportSink {
  let pending = "";
  return {
    ready,
    write(text) {
      pending += text;
      if (pending.length >= PIECE) {
        const piece = pending;
        pending = "";
        write(piece);
      }
    },
    close() {
      const piece = pending;
      pending = "";
      if (piece) write(piece);
      onClose();
    },
    abort() {
      pending = "";
      onAbort();
    },
  };
}

/** What the report can be written to: a Node writable stream (standard output), or anything with `write` (tests). */
export interface ReportOutput {
  write(chunk: string): unknown;
  on?(event: "drain" | "close", listener: () => void): unknown;
  off?(event: "drain" | "close", listener: () => void): unknown;
}

/**
 * Standard output. A pipe's reader can fall behind; the stream then queues what it is given and
 * `write` returns false. `ready()` is then a promise of its "drain", so that the run waits instead
 * of queueing the report in memory.
 */
export function outputSink(output: ReportOutput): ReportSink {
  let waiting: Promise<void> | undefined;
  const { on, off } = output;
  return bufferedSink(
    (text) => {
      if (output.write(text) !== false || waiting || typeof on !== "function" || typeof off !== "function") return;
      waiting = new Promise((resolveWait) => {
        const done = (): void => {
          off.call(output, "drain", done);
          off.call(output, "close", done);
          waiting = undefined;
          resolveWait();
        };
        on.call(output, "drain", done);
        on.call(output, "close", done);
      });
    },
    undefined,
    undefined,
    () => waiting,
  );
}

/**
 * `--output-file` (relative to `cwd`, its folders created), opened when the first piece is written
 * (64 KB of report, or the end): a run that stops with a usage error before then leaves no file
 * behind, and one that stops later leaves the report up to there. A failure to open or write it is
 * a one-line usage error.
 */
export function outputFileSink(cwd: string, file: string): ReportSink {
  const target = resolve(cwd, file);
  let fd: number | undefined;
  const fail = (error: unknown): never => {
    throw outputFileError(file, error);
  };
  const open = (): number => {
    if (fd === undefined) {
      try {
        mkdirSync(dirname(target), { recursive: true });
        fd = openSync(target, "w");
      } catch (error) {
        fail(error);
      }
    }
    return fd!;
  };
  return bufferedSink(
    (text) => {
      const handle = open();
      try {
        const bytes = Buffer.from(text, "utf8");
        for (let offset = 0; offset < bytes.length; ) offset += writeSync(handle, bytes, offset);
      } catch (error) {
        fail(error);
      }
    },
    () => {
      const handle = open();
      fd = undefined;
      try {
        closeSync(handle);
      } catch (error) {
        fail(error);
      }
    },
    () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  );
}
