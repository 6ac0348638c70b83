/**
 * `pgsafe lsp [--stdio] [--config F | --no-config]`: the language server (src/lsp/server.ts) on
 * standard input and output, the only transport (`--stdio` is accepted because editors pass it).
 *
 * The session ends with the client's `shutdown` request and `exit` notification (exit code 0; an
 * `exit` without `shutdown` is 1, as the protocol says), or when standard input closes.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
// Types only: importing main.js at run time would wait for main.js itself, which awaits this module.
import type { CliIo } from "./main.js";
import { PgsafeUsageError } from "./errors.js";
import { packageVersion } from "./env.js";
import type { CliOptions } from "./options.js";

type Stream = { on?: unknown; read?: unknown; write?: unknown };

function isReadable(value: unknown): value is NodeJS.ReadableStream {
  const s = value as Stream;
  return typeof s.on === "function" && typeof s.read === "function";
}

function isWritable(value: unknown): value is NodeJS.WritableStream {
  const s = value as Stream;
  return typeof s.on === "function" && typeof s.write === "function";
}

export async function lspCommand(options: CliOptions, io: CliIo): Promise<number> {
  let configFile: string | undefined;
  if (!options.noConfig && options.configFile !== undefined) {
    configFile = resolve(io.cwd, options.configFile);
    // Checked before the session starts: a wrong path is a usage error (exit 2), not a diagnostic in every file.
    if (!statSync(configFile, { throwIfNoEntry: false })?.isFile()) {
      throw new PgsafeUsageError(`Config file "${options.configFile}" not found. Check the --config path, or pass --no-config.`);
    }
  }
  const { startServer } = await import("../lsp/server.js");
  const { connection, exited } = startServer({
    input: isReadable(io.stdin) ? io.stdin : process.stdin,
    output: isWritable(io.stdout) ? io.stdout : process.stdout,
    cwd: io.cwd,
    ...(configFile ? { configFile } : {}),
    ...(options.noConfig ? { noConfig: true } : {}),
    version: packageVersion(),
  });
  // A bug must not end the session: log it and go on serving.
  const onError = (error: unknown): void => connection.console.error(`pgsafe: internal error: ${error instanceof Error && error.stack ? error.stack : String(error)}`);
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  return exited;
}
