/**
 * Small readers of libpg-query node objects shared by the analysis modules.
 */
import type { AstObject } from "../parser/parse.js";

/** The constraints of a column definition (ColumnDef.constraints), unwrapped. */
export function columnConstraints(column: AstObject): AstObject[] {
  const out: AstObject[] = [];
  for (const c of (column.constraints as { Constraint?: AstObject }[] | undefined) ?? []) if (c.Constraint) out.push(c.Constraint);
  return out;
}

/** The last part of a TypeName's name (`pg_catalog.int4` → `int4`, `serial` → `serial`). */
export function typeNameOf(typeName: AstObject | undefined): string {
  const names = (typeName?.names as { String?: { sval?: string } }[] | undefined) ?? [];
  return names.map((n) => n.String?.sval ?? "").pop() ?? "";
}

/** The serial pseudo-types: each creates a sequence and a default (so ADD COLUMN fills every row). */
export const SERIAL_TYPE_NAMES: ReadonlySet<string> = new Set(["serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"]);
