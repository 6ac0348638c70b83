/**
 * Up / down pairs for require-down-migration and irreversible-migration.
 *
 * lintMigration tells each section what it is (`options.migration`). Text linted without it (a
 * direct lintSource call) is planned here from its markers only, with no path: goose, dbmate and
 * sql-migrate files, whose sections are then told apart by offset.
 */
import type { MigrationContext } from "./context.js";
import type { ColumnType } from "./columns.js";
import { migrationRoles } from "./frameworks/downs.js";
import { planMigration, type MigrationRole } from "./frameworks/index.js";

export interface RoleView {
  role: MigrationRole;
  /** The ranges of the text the role covers; undefined: all of it. */
  ranges?: readonly [number, number][];
}

/** The migration roles of the linted text. */
export function migrationRolesOf(migration: MigrationContext, text: string): RoleView[] {
  const set = migration.options.migration;
  if (set) return [{ role: set }];
  const plan = planMigration(text);
  if (plan.framework === "none") return [];
  const roles = migrationRoles(plan.framework, plan.sections, { text, pgVersion: migration.options.pgVersion });
  return plan.sections.map((s, i) => ({ role: roles[i]!, ranges: s.ranges }));
}

/** The role of the section holding `offset`. */
export function roleAt(views: readonly RoleView[], offset: number): MigrationRole | undefined {
  return views.find((v) => !v.ranges || v.ranges.some(([s, e]) => offset >= s && offset < e))?.role;
}

const INTEGERS = new Set(["int2", "int4", "int8"]);
const FRACTIONAL = new Set(["numeric", "float4", "float8"]);
const PRECISION = new Set(["timestamp", "timestamptz", "time", "timetz"]);

/**
 * How changing a column from `from` to `to` silently drops part of its values, or undefined.
 * Only conversions that succeed and round: PostgreSQL refuses text → varchar(n) with a longer
 * value and bigint → int with a larger one (value too long / out of range), so those keep the data.
 */
export function lossyNarrowing(from: ColumnType, to: ColumnType): string | undefined {
  if (from.arrayDims !== 0 || to.arrayDims !== 0) return undefined;
  if (FRACTIONAL.has(from.name) && INTEGERS.has(to.name)) return "their fractional digits (rounded to whole numbers)";
  if (from.name === "float8" && to.name === "float4") return "their precision beyond 6 significant digits";
  // numeric(p, s) → numeric(p', s' < s) rounds; numeric without a modifier keeps any scale.
  if (from.name === "numeric" && to.name === "numeric" && from.mods && to.mods) {
    const scale = numericScale(from.mods);
    const kept = numericScale(to.mods);
    if (kept < scale) return `their digits beyond scale ${kept}`;
  }
  // Fractional seconds: no modifier keeps 6 digits.
  if (PRECISION.has(from.name) && from.name === to.name && to.mods?.length === 1 && from.mods) {
    const digits = from.mods.length === 1 ? from.mods[0]! : 6;
    if (to.mods[0]! < digits) return `their fractional seconds beyond ${to.mods[0]!} digits`;
  }
  return undefined;
}

/** numeric(p, s) keeps s digits, numeric(p) none, plain numeric any number. */
function numericScale(mods: readonly number[]): number {
  return mods.length === 2 ? mods[1]! : mods.length === 1 ? 0 : Infinity;
}
