/**
 * Prisma Migrate (https://www.prisma.io/docs/orm/prisma-migrate): `migrations/<timestamp>_<name>/migration.sql`.
 *
 * Prisma adds no BEGIN / COMMIT of its own: its PostgreSQL connector applies the script with one
 * `simple_query(script)` call (prisma-engines, schema-engine/connectors/sql-schema-connector/src/
 * flavour/postgres/connection.rs, apply_migration_script). A script holding several statements is
 * one multi-statement simple query, which PostgreSQL runs as one implicit transaction, so CREATE
 * INDEX CONCURRENTLY only works alone in its migration.sql. (prisma-engines pull request #5767,
 * February 2026, changes how Prisma runs CREATE INDEX CONCURRENTLY; if your Prisma version runs the
 * statements one by one, pass `--framework none`.)
 */
import { baseName, dirSegments } from "./lines.js";
import type { FrameworkDefinition, MigrationFile, MigrationSection } from "./types.js";

function sections(file: MigrationFile): MigrationSection[] {
  return [
    {
      direction: "up",
      ranges: [[0, file.text.length]],
      wrap: "implicit",
      runner: {
        transaction:
          "the implicit transaction PostgreSQL runs this migration in (Prisma Migrate sends the whole migration.sql as one query, and a query holding several statements runs as one transaction)",
        optOut: "move it alone into a migration of its own (`prisma migrate dev --create-only`, then edit its migration.sql): a query holding a single statement runs without a transaction",
      },
    },
  ];
}

export const prisma: FrameworkDefinition = {
  name: "prisma",
  docs: "https://www.prisma.io/docs/orm/prisma-migrate/workflows/customizing-migrations",
  detect: (file) => baseName(file.path) === "migration.sql" && /^\d+_/.test(dirSegments(file.path).at(-1) ?? ""),
  sections,
};
