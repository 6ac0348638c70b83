/**
 * golang-migrate (https://github.com/golang-migrate/migrate): `<version>_<title>.up.sql` and
 * `<version>_<title>.down.sql`, one direction per file.
 *
 * The PostgreSQL driver sends the whole file to the server in one ExecContext call, without a
 * transaction of its own (database/postgres/postgres.go, Run / runStatement). A file holding
 * several statements is therefore one multi-statement simple query, which PostgreSQL runs as one
 * implicit transaction: CREATE INDEX CONCURRENTLY only works alone in its file. With the driver's
 * `x-multi-statement=true` option the file is split at semicolons and each statement runs on its
 * own; pgsafe cannot see that option, so pass `--framework none` when you use it.
 *
 * Files named like this by other tools (pop and popx dialect files such as `1_x.postgres.up.sql`,
 * `.autocommit.` files) are not taken for golang-migrate. sqlx, pop, popx and rivermigrate use the
 * same `<version>_<name>.up.sql` names but run each file in a transaction: with
 * `assumeInTransaction`, a file only detected as golang-migrate's runs in a transaction.
 */
import { baseName } from "./lines.js";
import type { FrameworkDefinition, MigrationFile, MigrationSection } from "./types.js";

const NAME = /^\d+_.*\.(up|down)\.sql$/i;
const OTHER_TOOLS = /\.(?:postgres|cockroach|mysql|sqlite3?|mssql|autocommit)\.(?:up|down)\.sql$/i;

function sections(file: MigrationFile): MigrationSection[] {
  const direction = /\.down\.sql$/i.test(baseName(file.path)) ? "down" : "up";
  return [
    {
      direction,
      ranges: [[0, file.text.length]],
      wrap: "implicit",
      runner: {
        transaction:
          "the implicit transaction PostgreSQL runs this file in (golang-migrate sends the whole file as one query, and a query holding several statements runs as one transaction)",
        optOut: "move it alone into a migration file of its own (a query holding a single statement runs without a transaction)",
      },
    },
  ];
}

export const golangMigrate: FrameworkDefinition = {
  name: "golang-migrate",
  docs: "https://github.com/golang-migrate/migrate/blob/master/database/postgres/README.md",
  detect: (file) => {
    const name = baseName(file.path);
    return NAME.test(name) && !OTHER_TOOLS.test(name);
  },
  sections,
  sharedLayout: true,
};
