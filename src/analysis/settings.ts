/**
 * Reading `SET` values: durations of `lock_timeout` and `statement_timeout`.
 * https://www.postgresql.org/docs/current/config-setting.html#CONFIG-SETTING-NAMES-VALUES
 */
import type { AstObject } from "../parser/parse.js";

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration setting in milliseconds (ms is the default unit); undefined when unreadable. */
export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === "number") return value;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  if (unit === "") return Number(m[1]);
  const factor = UNITS[unit];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

/** The value of an A_Const (`{ ival }`, `{ sval }`, `{ fval }`, `{ boolval }`), with omitted zeros restored. */
export function constValue(node: unknown): string | number | boolean | undefined {
  const c = (node as { A_Const?: AstObject } | undefined)?.A_Const;
  if (!c) return undefined;
  if ("ival" in c) return (c.ival as { ival?: number }).ival ?? 0;
  if ("sval" in c) return (c.sval as { sval?: string }).sval ?? "";
  if ("fval" in c) return Number((c.fval as { fval?: string }).fval ?? 0);
  if ("boolval" in c) return (c.boolval as { boolval?: boolean }).boolval ?? false;
  return undefined;
}

export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}min`;
  if (ms % 1000 === 0 && ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}
