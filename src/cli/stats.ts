/**
 * `pgsafe stats --db-url URL [--output-file FILE]`: reads table sizes (rows, bytes) from a database
 * with read-only catalog queries (src/stats/collect.ts) and writes them as JSON for `--stats FILE`
 * (docs/stats.md). pg is loaded only here. A connection or query failure is one line on stderr and
 * exit code 2; the password in the URL is never printed.
 */
import { collectStats, type Queryable } from "../stats/collect.js";
import { writeOutputFile } from "./env.js";
import { PgsafeUsageError } from "./errors.js";
import type { CliIo } from "./main.js";
import type { CliOptions } from "./options.js";

const CONNECT_TIMEOUT_MS = 10_000;
const QUERY_TIMEOUT_MS = 60_000;

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@");
  }
}

/** One line for an error of the driver or the network (an AggregateError carries its reasons inside). */
function describeError(error: unknown): string {
  const errors = error instanceof AggregateError ? error.errors : [error];
  const parts = errors.map((e) => {
    if (!(e instanceof Error)) return String(e);
    const code = (e as { code?: string }).code;
    return e.message || code || e.name;
  });
  return [...new Set(parts)].join("; ").replace(/\s*\n\s*/g, " ").trim() || "unknown error";
}

/** An open database connection that `pgsafe stats` reads from. */
export interface StatsConnection extends Queryable {
  end(): Promise<void>;
}

/** Opens the connection for a URL; a failure throws a PgsafeUsageError (one line, exit code 2). */
export type StatsConnector = (url: string) => Promise<StatsConnection>;

/** node-postgres, with a connect timeout and statement timeouts. */
export const connectPg: StatsConnector = async (url) => {
  const shown = redactUrl(url);
  const { default: pg } = await import("pg");
  let client: InstanceType<typeof pg.Client>;
  try {
    client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      statement_timeout: QUERY_TIMEOUT_MS,
      application_name: "pgsafe stats",
    });
  } catch (error) {
    throw new PgsafeUsageError(`Invalid --db-url "${shown}": ${describeError(error)}.`);
  }
  // A connection that breaks later fails the query in progress instead of crashing the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new PgsafeUsageError(`Cannot connect to ${shown}: ${describeError(error)}. Check --db-url, and that the server accepts connections.`);
  }
  return client;
};

/** `connect` is for tests (an in-process PGlite); the command uses node-postgres. */
export async function statsCommand(options: CliOptions, io: CliIo, connect: StatsConnector = connectPg): Promise<number> {
  const url = options.dbUrl ?? "";
  if (url.trim() === "") throw new PgsafeUsageError(`"pgsafe stats" needs --db-url URL (e.g. --db-url postgres://user@localhost:5432/app).`);
  const shown = redactUrl(url);
  if (!/^(?:postgres(?:ql)?|socket):\/\//i.test(url.trim())) throw new PgsafeUsageError(`Invalid --db-url "${shown}": use a URL such as postgres://user@localhost:5432/app.`);
  const db = await connect(url);
  let json: string;
  let count: number;
  try {
    const stats = await collectStats(db);
    count = Object.keys(stats.tables).length;
    json = `${JSON.stringify(stats, null, 2)}\n`;
  } catch (error) {
    throw new PgsafeUsageError(`Cannot read table sizes from ${shown}: ${describeError(error)}.`);
  } finally {
    await db.end().catch(() => undefined);
  }
  if (!options.outputFile) {
    io.stdout.write(json);
    return 0;
  }
  writeOutputFile(io.cwd, options.outputFile, json, "the table sizes");
  io.stderr.write(`pgsafe: wrote the sizes of ${count} table${count === 1 ? "" : "s"} to ${options.outputFile}.\n`);
  return 0;
}
