/**
 * The Postgres parser (libpg-query, compiled to WebAssembly). Its synchronous functions need the
 * module instantiated first, so this module awaits that once, at import time: every importer can
 * then call the synchronous API.
 */
import { loadModule } from "libpg-query";

await loadModule();

export { parseSync, scanSync, parsePlPgSQLSync } from "libpg-query";
