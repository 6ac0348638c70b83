/**
 * The Postgres parser (libpg-query, compiled to WebAssembly). Its synchronous functions need the
 * module instantiated first, so this module awaits that once, at import time: every importer can
 * then call the synchronous API.
 *
 * libpg-query's entry point is CommonJS. It is required rather than imported: an ESM import of
 * CommonJS makes Node scan the module's source for its export names first, on every start.
 */
import { createRequire } from "node:module";
import type * as PgQuery from "libpg-query";

const pgQuery = loadParser();

await pgQuery.loadModule();

export const { parseSync, scanSync, parsePlPgSQLSync } = pgQuery;

/** libpg-query's module; requiring it starts compiling its WebAssembly (off the main thread). */
function loadParser(): typeof PgQuery {
  return createRequire(import.meta.url)("libpg-query") as typeof PgQuery;
}
