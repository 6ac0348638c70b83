/**
 * Alembic's offline output, `alembic upgrade --sql` (https://alembic.sqlalchemy.org/en/latest/offline.html).
 *
 * Each revision is introduced by `-- Running upgrade <from> -> <to>` (or `downgrade`), and the
 * version table `alembic_version` is created and updated in the SQL. On PostgreSQL (transactional
 * DDL) the output carries its own BEGIN; ... COMMIT;, and an `autocommit_block()` in a revision
 * prints COMMIT; before and BEGIN; after its statements (alembic/runtime/migration.py,
 * MigrationContext.begin_transaction and autocommit_block). pgsafe reads it as psql would run it:
 * no transaction besides the file's own.
 */
import type { FrameworkDefinition, MigrationFile, MigrationSection } from "./types.js";

const MARKERS = /^-- Running (?:upgrade|downgrade|stamp_revision) |^(?:CREATE TABLE|UPDATE|INSERT INTO|DELETE FROM|DROP TABLE) (?:\S+\.)?alembic_version\b/m;

function sections(file: MigrationFile): MigrationSection[] {
  return [{ direction: /^-- Running downgrade /m.test(file.text) && !/^-- Running upgrade /m.test(file.text) ? "down" : "up", ranges: [[0, file.text.length]], wrap: "none" }];
}

export const alembic: FrameworkDefinition = {
  name: "alembic",
  docs: "https://alembic.sqlalchemy.org/en/latest/offline.html",
  detect: (file) => MARKERS.test(file.text),
  sections,
};
