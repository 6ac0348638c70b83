/**
 * Table sizes in findings (`--stats FILE`): a finding of a locking rule on a statement that scans or
 * rewrites a table of the stats file says how much it touches ("rewrites "users": ~48M rows,
 * 19 GB"), and its severity follows the size:
 *
 * - a warning becomes an error when one of those tables is large (DEFAULT_THRESHOLDS: at least
 *   1,000,000 rows or 1 GB): the lock is held for as long as the scan or rewrite takes;
 * - an error becomes a warning when every table the statement scans or rewrites is in the file and
 *   small (fewer than 10,000 rows and less than 100 MB): the lock is held for moments.
 *
 * Findings of other rules (compatibility, design, transactions, syntax), findings on statements
 * that only take a lock (instant), and tables the file does not list (or that are new in the
 * migration) keep their severity. What a statement scans or rewrites comes from the lock model
 * (src/analysis/locks.ts), through the statement's facts.
 */
import type { RuleRegistry } from "../engine/linter.js";
import type { PgSourceCode } from "../language/source-code.js";
import type { ParsedStatement } from "../parser/parse.js";
import type { LintMessage } from "../types.js";
import { DEFAULT_THRESHOLDS, type StatsThresholds, type TableSize, type TableStats } from "./types.js";

/** Changes one finding of a linted file; the engine calls it for each finding (LintOptions.adjustMessage). */
export type MessageAdjuster = (message: LintMessage, sourceCode: PgSourceCode) => LintMessage;

/** `~48M`, `~1.2K`, `~120`. */
export function formatRows(rows: number): string {
  const n = Math.round(rows);
  const units: [number, string][] = [
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "K"],
  ];
  for (const [size, unit] of units) {
    if (n >= size) {
      const value = n / size;
      return `~${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10}${unit}`;
    }
  }
  return `~${n}`;
}

/** Bytes as pg_size_pretty writes them (1024-based units): `19 GB`, `1.5 MB`, `812 bytes`. */
export function formatBytes(bytes: number): string {
  const units = ["kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let unit = "bytes";
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  if (unit === "bytes") return `${Math.round(value)} bytes`;
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${unit}`;
}

function describeSize(size: TableSize): string {
  return `${formatRows(size.rows)} row${Math.round(size.rows) === 1 ? "" : "s"}, ${formatBytes(size.bytes)}`;
}

const PLAIN = (n: number): string => n.toLocaleString("en-US");

/** The innermost statement holding the finding's start (a statement of a DO block inside the DO). */
function statementAt(statements: readonly ParsedStatement[], offset: number): ParsedStatement | undefined {
  let best: ParsedStatement | undefined;
  for (const s of statements) {
    if (offset < s.start || offset >= Math.max(s.end, s.start + 1)) continue;
    if (!best || s.end - s.start < best.end - best.start) best = s;
  }
  return best;
}

/** The adjuster for a stats file; `registry` tells which rules are locking rules. */
export function statsAdjuster(stats: TableStats, registry: RuleRegistry, thresholds: Partial<StatsThresholds> = {}): MessageAdjuster {
  const limits = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const large = (s: TableSize): boolean => s.rows >= limits.largeRows || s.bytes >= limits.largeBytes;
  const small = (s: TableSize): boolean => s.rows < limits.smallRows && s.bytes < limits.smallBytes;
  return (message, sourceCode) => {
    if (message.fatal || registry[message.ruleId]?.meta.docs.category !== "locking") return message;
    const statement = statementAt(sourceCode.parsed.statements, message.range[0]);
    if (!statement) return message;
    const touched = sourceCode.migration
      .facts(statement.index)
      .locks.filter((lock) => lock.kind === "table" && lock.effect !== "instant")
      .filter((lock, i, all) => all.findIndex((other) => other.relation.key === lock.relation.key) === i);
    if (touched.length === 0) return message;
    const known = touched.flatMap((lock) => {
      const size = stats.tables[lock.relation.key];
      return size ? [{ lock, size }] : [];
    });
    if (known.length === 0) return message;
    const sizes = known.map(({ lock, size }) => `${lock.effect === "rewrite" ? "rewrites" : "scans"} "${lock.relation.label}": ${describeSize(size)}`).join("; ");
    let text = `${message.message} Table size: ${sizes}.`;
    let severity = message.severity;
    const big = known.find(({ size }) => large(size));
    if (severity === 1 && big) {
      severity = 2;
      text += ` Reported as an error: "${big.lock.relation.label}" has at least ${PLAIN(limits.largeRows)} rows or ${formatBytes(limits.largeBytes)}.`;
    } else if (severity === 2 && known.length === touched.length && known.every(({ size }) => small(size))) {
      severity = 1;
      text += ` Reported as a warning: ${known.length === 1 ? "the table has" : "each table has"} fewer than ${PLAIN(limits.smallRows)} rows and less than ${formatBytes(limits.smallBytes)}.`;
    }
    return { ...message, severity, message: text };
  };
}
