/**
 * Where each up migration's down migration is: a section of the same file (goose, dbmate,
 * sql-migrate, Liquibase's rollbacks, declared per section) or a file next to it (golang-migrate, Flyway undo, sqitch revert). File pairs are
 * only decided for a file read from disk: the directory is listed once per file.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { SourceText } from "../../parser/positions.js";
import { tokenize } from "../../parser/tokens.js";
import { blankOutside } from "./sections.js";
import { sqitchScript } from "./sqitch-plan.js";
import { baseName } from "./lines.js";
import type { DownMigration, FrameworkName, MigrationFile, MigrationRole, MigrationSection } from "./types.js";

/** The marker of the down part, for tools whose files hold both directions. */
const DOWN_SECTION: Partial<Record<FrameworkName, string>> = {
  goose: "`-- +goose Down` section",
  dbmate: "`-- migrate:down` block",
  "sql-migrate": "`-- +migrate Down` section",
};

/** True when the ranges hold anything but comments and white space. */
function holdsSql(text: string, ranges: readonly [number, number][]): boolean {
  return tokenize(new SourceText(blankOutside(text, ranges))).some((t) => t.kind !== "comment-line" && t.kind !== "comment-block");
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function siblingDown(tool: FrameworkName, path: string): DownMigration | undefined {
  const name = baseName(path);
  const dir = dirname(path);
  if (tool === "golang-migrate") {
    const want = name.replace(/\.up\.sql$/i, ".down.sql");
    const exists = listDir(dir).some((f) => f.toLowerCase() === want.toLowerCase());
    return { exists, name: `\`${want}\``, missing: `there is no \`${want}\` next to it` };
  }
  if (tool === "flyway") {
    const version = /^V(\d+(?:[._]\d+)*)__/.exec(name)?.[1];
    if (version === undefined) return undefined;
    const found = listDir(dir).find((f) => f.startsWith(`U${version}__`) && /\.sql$/.test(f));
    const want = found ?? name.replace(/^V/, "U");
    return { exists: found !== undefined, name: `the undo migration \`${want}\``, missing: `there is no undo migration \`U${version}__*.sql\` next to it` };
  }
  if (tool === "sqitch") {
    const script = sqitchScript(path);
    if (script?.kind !== "deploy") return undefined;
    const revert = `revert/${script.stem}.sql`;
    return { exists: existsSync(join(script.top, revert)), name: `the revert script \`${revert}\``, missing: `there is no revert script \`${revert}\`` };
  }
  return undefined;
}

/** The role of each section of a file of `tool`, in the order of `sections`. */
export function migrationRoles(tool: FrameworkName, sections: readonly MigrationSection[], file: Pick<MigrationFile, "text" | "path" | "pgVersion">): MigrationRole[] {
  const marker = DOWN_SECTION[tool];
  return sections.map((section, i) => {
    const role: MigrationRole = { tool, direction: section.direction, at: section.ranges[0]?.[0] ?? 0 };
    if (section.direction !== "up") return role;
    if (section.declaredDown !== undefined) return section.declaredDown ? { ...role, down: section.declaredDown } : role;
    if (marker) {
      return withLazyDown(role, () => {
        const nextUp = sections.findIndex((s, j) => j > i && s.direction === "up");
        const down = sections.slice(i + 1, nextUp === -1 ? undefined : nextUp).find((s) => s.direction === "down");
        const exists = down !== undefined && holdsSql(file.text, down.ranges);
        return { exists, name: `the ${marker}`, missing: down ? `its ${marker} is empty` : `the file has no ${marker}` };
      });
    }
    return withLazyDown(role, () => (file.path !== undefined && existsSync(file.path) ? siblingDown(tool, file.path) : undefined));
  });
}

/**
 * Sets `role.down`, found on first use: only the rollback rules (off by default) read it, and
 * finding a sibling file costs a directory listing per migration.
 */
function withLazyDown(role: MigrationRole, find: () => DownMigration | undefined): MigrationRole {
  let found: { down: DownMigration | undefined } | undefined;
  Object.defineProperty(role, "down", {
    enumerable: true,
    configurable: true,
    get: () => (found ??= { down: find() }).down,
  });
  return role;
}
