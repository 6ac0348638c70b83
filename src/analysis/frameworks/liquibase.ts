/**
 * Liquibase formatted SQL (https://docs.liquibase.com/concepts/changelogs/sql-format.html): a
 * changelog file whose first non-blank line is `--liquibase formatted sql`, split into changesets.
 *
 * - `--changeset author:id attribute:value ...` starts a changeset; each changeset is one
 *   migration. Text before the first changeset is not run.
 * - Liquibase runs each changeset in a transaction of its own and commits it, unless the
 *   changeset line says `runInTransaction:false`; then the connection is in autocommit mode. With
 *   `splitStatements:true` (the default) Liquibase splits the SQL at `;` (or `endDelimiter`) and
 *   sends each statement on its own, so each commits alone. With `splitStatements:false` it sends
 *   the whole changeset in one JDBC call, which PostgreSQL runs as one implicit transaction (see
 *   "Pipelining" in https://www.postgresql.org/docs/current/protocol-flow.html): pgsafe lints it as
 *   one query, like a golang-migrate file.
 * - `--rollback <sql>` lines and a `/* liquibase rollback` ... `*\/` block are the changeset's down
 *   migration, run with the same `runInTransaction` (and `rollbackSplitStatements`);
 *   `--rollback not required` / `--rollback empty` say that it has none on purpose, and
 *   `--rollback changesetId:<id> changesetAuthor:<author>` re-runs another changeset.
 * - `endDelimiter:<d>` (`rollbackEndDelimiter:<d>`): a line holding only the delimiter ends a
 *   statement, as a `;` does.
 * - `dbms:<list>`: a changeset whose list excludes postgresql (`dbms:oracle`, `dbms:!postgresql`,
 *   `dbms:none`) never runs on PostgreSQL and is not linted.
 * - `--ignoreLines:start` ... `--ignoreLines:end` and `--ignoreLines:<n>` hide lines from Liquibase:
 *   they are not linted either.
 * - `context`, `labels`, `runOnChange`, `runAlways`, `failOnError`, `--comment:`, `--preconditions`
 *   and `--precondition-*` lines change neither the SQL nor its transaction and are ignored.
 *
 * Source: the docs above, Liquibase's AbstractFormattedChangeLogParser (the line patterns: all
 * case-insensitive, booleans read as Java's Boolean.parseBoolean) and ChangeSet.execute / rollback
 * (autocommit when runInTransaction is false), liquibase-standard in github.com/liquibase/liquibase.
 */
import { SourceText } from "../../parser/positions.js";
import { tokenize } from "../../parser/tokens.js";
import type { Line } from "./lines.js";
import type { DownMigration, FrameworkDefinition, MigrationFile, MigrationSection, Runner, Wrap } from "./types.js";

const HEADER = /^\s*--\s*liquibase\s*formatted/i;
const CHANGESET = /^\s*--\s*changeset\s+("[^"]+"|[^:]+):\s*("[^"]+"|\S+)/i;
const ROLLBACK = /^\s*--\s*rollback /i;
const ROLLBACK_BLOCK_START = /^\s*\/\*\s*liquibase\s*rollback\s*$/i;
const ROLLBACK_BLOCK_END = /\*\/\s*$/;
const IGNORE_LINES = /^--\s*ignoreLines:(\w+)/i;
const NOT_BLANK = /\S/;

/** True when the file's first non-blank line is Liquibase's `--liquibase formatted sql` header. */
export function isLiquibaseChangelog(text: string): boolean {
  // The line (split at \n, a trailing \r dropped) of the first character that trim() keeps.
  const first = text.search(NOT_BLANK);
  if (first === -1) return false;
  const start = text.lastIndexOf("\n", first) + 1;
  const nl = text.indexOf("\n", first);
  let end = nl === -1 ? text.length : nl;
  if (text.charCodeAt(end - 1) === 13) end--;
  return HEADER.test(text.slice(start, end));
}

/** An attribute of the changeset line (matched anywhere in the line, as Liquibase does). */
function attribute(line: string, name: string, value = "(\\w+)"): string | undefined {
  return new RegExp(`\\b${name}:${value}`, "i").exec(line)?.[1];
}

/** Java's Boolean.parseBoolean: only `true` (any case) is true. */
function flag(line: string, name: string, fallback: boolean): boolean {
  const value = attribute(line, name);
  return value === undefined ? fallback : value.toLowerCase() === "true";
}

/**
 * Whether a `dbms:` list lets the changeset run on PostgreSQL (Liquibase's
 * DatabaseList.definitionMatches): `none` never, `all` always, `!postgresql` not, a list of
 * exclusions only everywhere else, a list of databases only on those.
 */
export function dbmsIncludesPostgres(list: string | undefined): boolean {
  const names = (list ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) return true;
  if (names.includes("none")) return false;
  if (names.includes("all")) return true;
  if (names.includes("!postgresql")) return false;
  if (names.every((n) => n.startsWith("!"))) return true;
  return names.includes("postgresql");
}

interface Changeset {
  line: Line;
  name: string;
  /** Index just after the changeset (the next changeset's line, or the end of the file). */
  end: number;
  runInTransaction: boolean;
  splitStatements: boolean;
  rollbackSplitStatements: boolean;
  endDelimiter?: string;
  rollbackEndDelimiter?: string;
  onPostgres: boolean;
  /** Its SQL, outside rollback lines and ignored lines. */
  up: [number, number][];
  /** The SQL of its `--rollback` lines and rollback block. */
  down: [number, number][];
  /** The lines holding only the end delimiter (up) or the rollback end delimiter (down). */
  upEnds: [number, number][];
  downEnds: [number, number][];
}

function runnerFor(inTransaction: boolean, splitStatements: boolean, option: string): Runner | undefined {
  if (inTransaction) {
    return {
      transaction: "the transaction Liquibase runs this changeset in",
      optOut: "move it into a changeset of its own whose `--changeset` line says `runInTransaction:false`",
    };
  }
  if (splitStatements) return undefined;
  return {
    transaction: `the implicit transaction PostgreSQL runs this changeset in (with \`${option}:false\` Liquibase sends the whole changeset in one call, and PostgreSQL runs statements sent together as one transaction)`,
    optOut: `remove \`${option}:false\`, or move it alone into a changeset of its own marked \`runInTransaction:false\``,
  };
}

function wrapOf(inTransaction: boolean, splitStatements: boolean): Wrap {
  return inTransaction ? "transaction" : splitStatements ? "none" : "implicit";
}

/** True when the ranges hold anything but comments and white space. */
function holdsSql(text: string, ranges: readonly [number, number][]): boolean {
  if (ranges.length === 0) return false;
  const body = ranges.map(([s, e]) => text.slice(s, e)).join("\n");
  return tokenize(new SourceText(body)).some((t) => t.kind !== "comment-line" && t.kind !== "comment-block");
}

/** `[start, end)` minus the `holes` (sorted, disjoint). */
function subtract(start: number, end: number, holes: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let at = start;
  for (const [s, e] of holes) {
    if (e <= at || s >= end) continue;
    if (s > at) out.push([at, s]);
    at = Math.max(at, e);
  }
  if (at < end) out.push([at, end]);
  return out;
}

function isDelimiterLine(text: string, delimiter: string | undefined): boolean {
  return delimiter !== undefined && delimiter !== "" && delimiter !== ";" && text.trim().toLowerCase() === delimiter.toLowerCase();
}

function parse(file: MigrationFile): Changeset[] {
  const { text } = file;
  const lines = file.lines();
  const changesets: Changeset[] = [];
  const ignored: [number, number][] = [];
  let current: Changeset | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const ignore = IGNORE_LINES.exec(line.text)?.[1];
    if (ignore !== undefined) {
      // --ignoreLines:start ... --ignoreLines:end, or --ignoreLines:<n> (the next n lines).
      let last = i;
      if (ignore.toLowerCase() === "start") {
        while (last + 1 < lines.length && IGNORE_LINES.exec(lines[last + 1]!.text)?.[1]?.toLowerCase() !== "end") last++;
        last = Math.min(last + 1, lines.length - 1);
      } else if (/^\d+$/.test(ignore)) last = Math.min(i + Number(ignore), lines.length - 1);
      ignored.push([line.start, lines[last]!.next]);
      i = last;
      continue;
    }
    const changeset = CHANGESET.exec(line.text);
    if (changeset) {
      if (current) current.end = line.start;
      const strip = (s: string): string => s.replace(/^"(.*)"$/, "$1").trim();
      const endDelimiter = attribute(line.text, "endDelimiter", "(\\S*)");
      const rollbackEndDelimiter = attribute(line.text, "rollbackEndDelimiter", "(\\S*)");
      current = {
        line,
        name: `${strip(changeset[1]!)}:${strip(changeset[2]!)}`,
        end: text.length,
        runInTransaction: flag(line.text, "runInTransaction", true),
        splitStatements: flag(line.text, "splitStatements", true),
        rollbackSplitStatements: flag(line.text, "rollbackSplitStatements", true),
        ...(endDelimiter !== undefined ? { endDelimiter } : {}),
        ...(rollbackEndDelimiter !== undefined ? { rollbackEndDelimiter } : {}),
        onPostgres: dbmsIncludesPostgres(attribute(line.text, "dbms", "([^,\\s][\\w!,]*)")),
        up: [],
        down: [],
        upEnds: [],
        downEnds: [],
      };
      changesets.push(current);
      continue;
    }
    if (!current) continue;
    const rollback = ROLLBACK.exec(line.text);
    if (rollback) {
      const sql: [number, number] = [line.start + rollback[0].length, line.end];
      current.down.push(sql);
      if (isDelimiterLine(text.slice(sql[0], sql[1]), current.rollbackEndDelimiter)) current.downEnds.push(sql);
      ignored.push([line.start, line.next]);
      continue;
    }
    if (ROLLBACK_BLOCK_START.test(line.text)) {
      let j = i + 1;
      for (; j < lines.length; j++) {
        const inner = lines[j]!;
        if (ROLLBACK_BLOCK_END.test(inner.text)) {
          const close = inner.text.lastIndexOf("*/");
          if (inner.text.slice(0, close).trim() !== "") current.down.push([inner.start, inner.start + close]);
          break;
        }
        current.down.push([inner.start, inner.end]);
        if (isDelimiterLine(inner.text, current.rollbackEndDelimiter)) current.downEnds.push([inner.start, inner.end]);
      }
      // An unclosed block (Liquibase refuses the file) runs to the end of the file.
      ignored.push([line.start, lines[Math.min(j, lines.length - 1)]!.next]);
      i = j;
      continue;
    }
    if (isDelimiterLine(line.text, current.endDelimiter)) current.upEnds.push([line.start, line.end]);
  }
  ignored.sort((a, b) => a[0] - b[0]);
  for (const c of changesets) c.up = subtract(c.line.start, c.end, ignored);
  return changesets;
}

function rollbackText(text: string, c: Changeset): string {
  return c.down
    .map(([s, e]) => text.slice(s, e))
    .join("\n")
    .trim();
}

/** `--rollback changesetId:<id> changesetAuthor:<author>`: the rollback re-runs another changeset. */
function rerunsChangeset(text: string, c: Changeset): boolean {
  return /changesetid/i.test(rollbackText(text, c));
}

/** The up migration's down, as the changeset declares it (see MigrationSection.declaredDown). */
function declaredDown(text: string, c: Changeset): DownMigration | null {
  const name = `the rollback of changeset \`${c.name}\``;
  const rollback = rollbackText(text, c);
  if (/^(?:not required|empty)/i.test(rollback)) return null;
  if (rerunsChangeset(text, c)) return { exists: true, name, missing: "" };
  if (c.down.length === 0) return { exists: false, name, missing: `changeset \`${c.name}\` has no \`--rollback\` lines (nor a \`/* liquibase rollback */\` block)` };
  const exists = holdsSql(text, c.down);
  return { exists, name, missing: `the \`--rollback\` lines of changeset \`${c.name}\` hold no SQL` };
}

function sections(file: MigrationFile): MigrationSection[] {
  const all = parse(file);
  if (all.length === 0) {
    return [{ direction: "up", ranges: [[0, file.text.length]], wrap: "transaction", runner: runnerFor(true, true, "splitStatements")! }];
  }
  const out: MigrationSection[] = [];
  for (const c of all) {
    if (!c.onPostgres) continue;
    const down = declaredDown(file.text, c);
    const upRunner = runnerFor(c.runInTransaction, c.splitStatements, "splitStatements");
    out.push({
      direction: "up",
      ranges: c.up,
      wrap: wrapOf(c.runInTransaction, c.splitStatements),
      ...(upRunner ? { runner: upRunner } : {}),
      ...(c.upEnds.length > 0 ? { statementEnds: c.upEnds } : {}),
      declaredDown: down,
    });
    // A rollback that re-runs another changeset holds no SQL of its own to lint.
    if (!down?.exists || rerunsChangeset(file.text, c)) continue;
    const downRunner = runnerFor(c.runInTransaction, c.rollbackSplitStatements, "rollbackSplitStatements");
    out.push({
      direction: "down",
      ranges: c.down,
      wrap: wrapOf(c.runInTransaction, c.rollbackSplitStatements),
      ...(downRunner ? { runner: downRunner } : {}),
      ...(c.downEnds.length > 0 ? { statementEnds: c.downEnds } : {}),
    });
  }
  // Every changeset is for other databases: nothing runs on PostgreSQL.
  if (out.length === 0) return [{ direction: "up", ranges: [], declaredDown: null }];
  return out;
}

export const liquibase: FrameworkDefinition = {
  name: "liquibase",
  docs: "https://docs.liquibase.com/concepts/changelogs/sql-format.html",
  detect: (file) => isLiquibaseChangelog(file.text),
  sections,
};
