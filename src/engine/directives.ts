/**
 * Inline ignore comments:
 *
 *   -- pgsafe-ignore rule-a, rule-b -- reason      the next statement (or the one the comment trails / sits in)
 *   -- pgsafe-ignore-file [rules]                  the whole file
 *
 * Block comments work the same. Without rule ids, every rule is silenced. A comment inside the
 * body of a DO block or called function targets the statements of that body.
 */
import type { Comment, ParsedSql } from "../parser/parse.js";
import type { SourceText } from "../parser/positions.js";

export interface Directive {
  kind: "statement" | "file";
  /** The rule ids listed, or undefined for "all rules". */
  rules?: string[];
  /** The comment's range. */
  start: number;
  end: number;
  /** Range of the code the directive applies to (the whole text for file directives). */
  target: [number, number];
  /** Rule ids the directive silenced at least one finding for ("*" when no ids were listed). */
  used: Set<string>;
}

const DIRECTIVE = /^\s*pgsafe-ignore(-file)?(?=\s|$)(.*)$/s;

export interface Span {
  start: number;
  end: number;
}

/** Parses the ignore comments of a file. `spans` are the statements and unparsable pieces, in order. */
export function parseDirectives(comments: Comment[], spans: Span[], source: SourceText): Directive[] {
  const directives: Directive[] = [];
  for (const comment of comments) {
    if (!comment.value.includes("pgsafe-ignore")) continue;
    const m = DIRECTIVE.exec(comment.value);
    if (!m) continue;
    const body = m[2]!.split(/\s--\s|\s--$/)[0]!;
    const ids = body
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const rules = ids.length > 0 ? ids : undefined;
    if (m[1]) {
      directives.push({ kind: "file", ...(rules ? { rules } : {}), start: comment.start, end: comment.end, target: [0, source.text.length], used: new Set() });
      continue;
    }
    const target = targetOf(comment, spans, source);
    if (target) directives.push({ kind: "statement", ...(rules ? { rules } : {}), start: comment.start, end: comment.end, target, used: new Set() });
    else directives.push({ kind: "statement", ...(rules ? { rules } : {}), start: comment.start, end: comment.end, target: [-1, -1], used: new Set() });
  }
  return directives;
}

function targetOf(comment: Comment, spans: Span[], source: SourceText): [number, number] | undefined {
  const line = source.positionAt(comment.start).line;
  // Inside a statement: that statement.
  const inside = spans.find((s) => s.start <= comment.start && comment.start < s.end);
  if (inside) return [inside.start, inside.end];
  // Trailing a statement on the comment's line (after its `;`), with no code after the comment: that statement.
  const before = [...spans].reverse().find((s) => s.end <= comment.start);
  if (before && /^\s*;?[ \t]*$/.test(source.text.slice(before.end, comment.start))) {
    const lineStart = source.lineStarts[line - 1]!;
    const rest = /^[^\r\n]*/.exec(source.text.slice(comment.end))![0].trim();
    const codeFollows = rest !== "" && !rest.startsWith("--") && !rest.startsWith("/*");
    if (source.text.slice(lineStart, comment.start).trim() !== "" && !codeFollows) return [before.start, before.end];
  }
  // Otherwise the next statement.
  const next = spans.find((s) => s.start >= comment.end);
  return next ? [next.start, next.end] : undefined;
}

/** The directive that silences a finding of `ruleId` starting at `index`, if any (marking it used). */
export function findSuppressor(directives: Directive[], ruleId: string, index: number): Directive | undefined {
  for (const d of directives) {
    if (d.rules && !d.rules.includes(ruleId)) continue;
    if (index < d.target[0] || index > d.target[1]) continue;
    d.used.add(d.rules ? ruleId : "*");
    return d;
  }
  return undefined;
}

/**
 * The ignore directives of a parsed file (or section): its comments against its top-level
 * statements, and the comments inside each DO block or called function against that body's
 * statements. The CLI's engine and the ESLint language share it.
 */
export function ignoreDirectives(parsed: ParsedSql, source: SourceText): Directive[] {
  const spans: Span[] = [
    ...parsed.statements.filter((s) => !s.hiddenIn).map((s) => ({ start: s.start, end: s.end })),
    ...parsed.errors.map((e) => ({ start: e.statementStart, end: e.statementEnd })),
  ].sort((a, b) => a.start - b.start);
  const directives = parseDirectives(parsed.comments, spans, source);
  const containers = new Set(parsed.hiddenComments.map((c) => c.container));
  for (const container of containers) {
    const bodySpans: Span[] = [
      ...parsed.statements.filter((s) => s.hiddenIn?.statement === container).map((s) => ({ start: s.start, end: s.end })),
      ...parsed.errors.filter((e) => e.hiddenIn?.statement === container).map((e) => ({ start: e.start, end: e.end })),
    ].sort((a, b) => a.start - b.start);
    directives.push(...parseDirectives(parsed.hiddenComments.filter((c) => c.container === container), bodySpans, source));
  }
  return directives;
}
