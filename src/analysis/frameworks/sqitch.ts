/**
 * sqitch (https://sqitch.org): each change has a `deploy/<change>.sql`, a `revert/<change>.sql`
 * and a `verify/<change>.sql` script next to a `sqitch.plan`.
 *
 * sqitch runs each script with the database's own client (psql for PostgreSQL) and adds no
 * transaction: the scripts carry their own BEGIN; ... COMMIT; (the templates `sqitch add` writes
 * do), and verify scripts usually end with ROLLBACK;. pgsafe reads them as psql runs them.
 * The deploy order comes from sqitch.plan (see sqitch-plan.ts).
 *
 * Detected from the layout: a file under a deploy/, revert/ or verify/ directory whose project has
 * a sqitch.plan, or whose first line is the `-- Deploy <change>` (Revert, Verify) comment of
 * sqitch's templates.
 */
import { sqitchPlanPath, sqitchScript } from "./sqitch-plan.js";
import type { FrameworkDefinition, MigrationFile, MigrationSection } from "./types.js";

const HEADER = /^\s*--\s*(?:Deploy|Revert|Verify)\s+\S/;

function sections(file: MigrationFile): MigrationSection[] {
  const kind = file.path ? sqitchScript(file.path)?.kind : undefined;
  return [{ direction: kind === "revert" ? "down" : kind === "verify" ? "verify" : "up", ranges: [[0, file.text.length]], wrap: "none" }];
}

export const sqitch: FrameworkDefinition = {
  name: "sqitch",
  docs: "https://sqitch.org/docs/manual/sqitchtutorial/",
  detect: (file) => {
    const script = file.path ? sqitchScript(file.path) : undefined;
    if (!script) return false;
    return HEADER.test(file.text) || sqitchPlanPath(script.top) !== undefined;
  },
  sections,
};
