/**
 * A checker for the subset of Mermaid's `gantt` syntax that pgsafe's lock timeline writes
 * (src/reporters/timeline-markdown.ts). No npm package parses gantt charts in Node without a DOM
 * (`mermaid.parse` needs one; `@mermaid-js/parser` has no gantt grammar), so this file implements
 * the part of Mermaid's grammar the timeline uses, after Mermaid's own sources (mermaid-js/mermaid, v11):
 *
 * - the lexer and grammar, packages/mermaid/src/diagrams/gantt/parser/gantt.jison;
 * - how a task's data is read, packages/mermaid/src/diagrams/gantt/ganttDb.ts (`parseData`,
 *   `getTaskTags`, `getStartDate`, `getEndDate`): after the colon, comma-separated items, first the
 *   tags (`active`, `done`, `crit`, `milestone`), then `id, start, end`; a start is read with the
 *   `dateFormat` in dayjs' strict mode;
 * - the syntax page, packages/mermaid/src/docs/syntax/gantt.md: `dateFormat X` (Unix seconds) with
 *   `axisFormat %s` draws numbers on the axis ("Bar chart (using gantt chart)").
 *
 * The lexer works as jison's default lexer does: at each position it tries the rules in the order of
 * gantt.jison, case-insensitively, and takes the FIRST rule that matches (not the longest). So:
 * `#` starts a comment wherever a token may start; a token that starts with `%`, or whose second
 * character is `%`, is a comment up to the end of the line; `;` is no token at all (INVALID); a
 * task title (`taskTxt`, `[^#:\n;]+`) ends at the first `:`, and the rest of the line is the task's
 * data; `section` names stop at `:` too.
 *
 * The subset accepted, stricter than Mermaid where Mermaid would silently draw something else:
 *
 *   gantt
 *     title <text>
 *     dateFormat X
 *     axisFormat %s
 *     section <name>
 *       <title> :[crit, |active, |done, ]<id>, <start>, <end>
 *
 * - no comments (Mermaid drops them silently, so a name that turns into one loses a task);
 * - exactly `id, start, end` after the tags (with any other count Mermaid reads the items as
 *   something else: a `:` in a title gives four items, or a wrong id);
 * - ids are letters, digits, `_` and `-`, unique (Mermaid keys tasks by id);
 * - start and end are whole seconds (dayjs' strict `X` parse rejects fractions; see ganttDb), end > start;
 * - every task is in a section, every section has a task.
 */

export class GanttSyntaxError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export interface GanttTask {
  title: string;
  tags: string[];
  id: string;
  start: number;
  end: number;
  line: number;
}

export interface GanttChart {
  title?: string;
  dateFormat: string;
  axisFormat: string;
  sections: { name: string; tasks: GanttTask[] }[];
}

type TokenType =
  | "unsupported"
  | "comment"
  | "NL"
  | "space"
  | "gantt"
  | "dateFormat"
  | "axisFormat"
  | "tickInterval"
  | "title"
  | "section"
  | "taskTxt"
  | "taskData"
  | ":"
  | "INVALID";

interface Token {
  type: TokenType;
  text: string;
  line: number;
}

/**
 * The INITIAL-state rules of gantt.jison, in its order (case-insensitive). Rules the subset does not
 * use are kept, as `unsupported`, where their position decides what a text lexes to (a title that
 * starts with `click `, `excludes ` or a date is not a task title).
 */
const RULES: readonly [RegExp, TokenType][] = [
  [/%%\{/iy, "unsupported"], // open_directive
  [/accTitle\s*:\s*/iy, "unsupported"],
  [/accDescr\s*:\s*/iy, "unsupported"],
  [/accDescr\s*\{\s*/iy, "unsupported"],
  [/%%[^\n]*/iy, "comment"], // \%\%(?!\{)*[^\n]*
  [/[^}]%%*[^\n]*/iy, "comment"], // [^\}]\%\%*[^\n]*
  [/%%*[^\n]*[\n]*/iy, "comment"], // \%\%*[^\n]*[\n]*
  [/[\n]+/iy, "NL"],
  [/\s+/iy, "space"],
  [/#[^\n]*/iy, "comment"],
  [/%%[^\n]*/iy, "comment"],
  [/href[\s]+"/iy, "unsupported"],
  [/call[\s]+/iy, "unsupported"],
  [/click[\s]+/iy, "unsupported"],
  [/gantt/iy, "gantt"],
  [/dateFormat\s[^#\n;]+/iy, "dateFormat"],
  [/inclusiveEndDates/iy, "unsupported"],
  [/topAxis/iy, "unsupported"],
  [/axisFormat\s[^#\n;]+/iy, "axisFormat"],
  [/tickInterval\s[^#\n;]+/iy, "tickInterval"],
  [/includes\s[^#\n;]+/iy, "unsupported"],
  [/excludes\s[^#\n;]+/iy, "unsupported"],
  [/todayMarker\s[^\n;]+/iy, "unsupported"],
  [/weekday\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)/iy, "unsupported"],
  [/\d\d\d\d-\d\d-\d\d/iy, "unsupported"], // date
  [/title\s[^#\n;]+/iy, "title"],
  [/accDescription\s[^#\n;]+/iy, "unsupported"],
  [/section\s[^#:\n;]+/iy, "section"],
  [/[^#:\n;]+/iy, "taskTxt"],
  [/:[^#\n;]+/iy, "taskData"],
  [/:/iy, ":"],
  [/[^]/iy, "INVALID"],
];

function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  let line = 1;
  while (at < text.length) {
    let matched: Token | undefined;
    for (const [rule, type] of RULES) {
      rule.lastIndex = at;
      const m = rule.exec(text);
      if (m && m[0].length > 0) {
        matched = { type, text: m[0], line };
        break;
      }
    }
    // The last rule matches any character, so a token is always found.
    const token = matched!;
    if (token.type !== "space") tokens.push(token);
    line += (token.text.match(/\n/g) ?? []).length;
    at += token.text.length;
  }
  return tokens;
}

const TAGS = new Set(["active", "done", "crit", "milestone"]);
const ID = /^[A-Za-z_][\w-]*$/;
const SECONDS = /^\d+$/;

/** Parses a gantt chart of the subset; throws GanttSyntaxError with the line and the reason. */
export function parseGantt(text: string): GanttChart {
  const tokens = lex(text);
  const chart: GanttChart = { dateFormat: "", axisFormat: "", sections: [] };
  const ids = new Set<string>();
  let i = 0;
  const first = tokens[i];
  if (first?.type !== "gantt") throw new GanttSyntaxError(first?.line ?? 1, `a gantt chart starts with "gantt", not ${JSON.stringify(first?.text ?? "")}`);
  i++;
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    switch (token.type) {
      case "NL":
        continue;
      case "dateFormat":
        chart.dateFormat = token.text.slice(11).trim();
        continue;
      case "axisFormat":
        chart.axisFormat = token.text.slice(11).trim();
        continue;
      case "title":
        chart.title = token.text.slice(6).trim();
        continue;
      case "section": {
        const name = token.text.slice(8).trim();
        if (name === "") throw new GanttSyntaxError(token.line, "a section needs a name");
        chart.sections.push({ name, tasks: [] });
        continue;
      }
      case "taskTxt": {
        const data = tokens[i + 1];
        if (data?.type !== "taskData") {
          throw new GanttSyntaxError(token.line, `task ${JSON.stringify(token.text.trim())} has no ":" and data (Mermaid fails to parse it)`);
        }
        i++;
        const section = chart.sections.at(-1);
        if (!section) throw new GanttSyntaxError(token.line, "a task before the first section");
        section.tasks.push(taskOf(token, data, ids));
        continue;
      }
      case "comment":
        throw new GanttSyntaxError(token.line, `${JSON.stringify(token.text)} lexes as a comment: Mermaid drops it silently`);
      case "taskData":
        throw new GanttSyntaxError(token.line, `${JSON.stringify(token.text)} has no task title before its ":" (Mermaid fails to parse it)`);
      case "INVALID":
        throw new GanttSyntaxError(token.line, `${JSON.stringify(token.text)} is not a gantt token (Mermaid fails to parse it)`);
      default:
        throw new GanttSyntaxError(token.line, `${JSON.stringify(token.text)}: ${token.type} is not used by pgsafe's timeline`);
    }
  }
  if (chart.dateFormat !== "X") throw new GanttSyntaxError(1, `dateFormat must be X (got ${JSON.stringify(chart.dateFormat)})`);
  if (chart.axisFormat !== "%s") throw new GanttSyntaxError(1, `axisFormat must be %s (got ${JSON.stringify(chart.axisFormat)})`);
  for (const section of chart.sections) {
    if (section.tasks.length === 0) throw new GanttSyntaxError(1, `section ${JSON.stringify(section.name)} has no task`);
  }
  return chart;
}

function taskOf(titleToken: Token, dataToken: Token, ids: Set<string>): GanttTask {
  const line = titleToken.line;
  const title = titleToken.text.trim();
  if (title === "") throw new GanttSyntaxError(line, "a task needs a title");
  const items = dataToken.text.slice(1).split(",");
  const tags: string[] = [];
  // ganttDb's getTaskTags: leading items that are exactly a tag (spaces around allowed).
  while (items.length > 0 && TAGS.has(items[0]!.trim())) tags.push(items.shift()!.trim());
  const data = items.map((item) => item.trim());
  if (data.length !== 3) {
    throw new GanttSyntaxError(line, `task ${JSON.stringify(title)} has ${data.length} data items after its tags (${JSON.stringify(data)}), not "id, start, end"`);
  }
  const [id, start, end] = data as [string, string, string];
  if (!ID.test(id)) throw new GanttSyntaxError(line, `task id ${JSON.stringify(id)} is not a plain identifier`);
  if (ids.has(id)) throw new GanttSyntaxError(line, `task id ${JSON.stringify(id)} is used twice`);
  ids.add(id);
  if (!SECONDS.test(start)) throw new GanttSyntaxError(line, `start ${JSON.stringify(start)} is not whole seconds (dateFormat X, strict)`);
  if (!SECONDS.test(end)) throw new GanttSyntaxError(line, `end ${JSON.stringify(end)} is not whole seconds (dateFormat X, strict)`);
  if (Number(end) <= Number(start)) throw new GanttSyntaxError(line, `task ${JSON.stringify(title)} ends (${end}) before it starts (${start})`);
  return { title, tags, id, start: Number(start), end: Number(end), line };
}

/** The bodies of the ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([^]*?)^```$/gm)].map((m) => m[1]!);
}
