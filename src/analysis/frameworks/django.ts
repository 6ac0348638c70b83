/**
 * Django's `manage.py sqlmigrate` output (https://docs.djangoproject.com/en/stable/ref/django-admin/#sqlmigrate).
 *
 * Each operation is introduced by a three-line comment (`--`, `-- Create model Author`, `--`), and
 * the output of an atomic migration is wrapped in BEGIN; ... COMMIT; itself (a migration with
 * `atomic = False` has none). The SQL carries its own transaction control, so pgsafe reads it as
 * psql would run it: no transaction besides the file's own.
 */
import type { FrameworkDefinition, MigrationFile, MigrationSection } from "./types.js";

/** The descriptions Django's migration operations print (Operation.describe()). */
const OPERATION =
  /^--\r?\n-- (?:Create (?:proxy |unmanaged )?model|Concurrently (?:create|remove) index|Delete model|Rename model|Add field|Remove field|Alter field|Rename field|Create index|Add index|Remove index|Rename index|Create constraint|Add constraint|Remove constraint|Alter unique_together|Alter index_together|Alter order_with_respect_to|Change Meta options|Change managers|Raw SQL operation|Raw Python operation|Custom state\/database change combination|Create extension|Creates extension)\b[^\r\n]*\r?\n--\r?$/m;

function sections(file: MigrationFile): MigrationSection[] {
  return [{ direction: "up", ranges: [[0, file.text.length]], wrap: "none" }];
}

export const django: FrameworkDefinition = {
  name: "django",
  docs: "https://docs.djangoproject.com/en/stable/ref/django-admin/#sqlmigrate",
  detect: (file: MigrationFile) => OPERATION.test(file.text),
  sections,
};
