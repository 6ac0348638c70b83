/**
 * Quick fixes for a pgsafe diagnostic (pure functions over the document text):
 *
 * - the rule's fix (preferred) and each of its suggestions;
 * - "Ignore <rule> for this statement": `-- pgsafe-ignore <rule>` on its own line above the
 *   statement, with the line's indentation (a `/* pgsafe-ignore <rule> *\/` block comment in front
 *   of it when another statement comes before it on its line, since a line comment above would
 *   silence that one); added to the ids of such a comment already there;
 * - "Ignore <rule> for this file": `-- pgsafe-ignore-file <rule>` at the top, after a byte-order
 *   mark and after the migration tool's leading marker lines (`-- +goose Up`, `-- migrate:up`,
 *   `-- +migrate Up`, `-- +goose NO TRANSACTION`), which keep the first lines; added to the ids of
 *   such a comment already there;
 * - "Open documentation for <rule>": the server's `pgsafe.openRuleDocs` command.
 *
 * The comment syntax is the one src/engine/directives.ts reads.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { isDiagnosticData, type DiagnosticData } from "./convert.js";

/** The command the server runs to open a rule's documentation (argument: the URL). */
export const OPEN_DOCS_COMMAND = "pgsafe.openRuleDocs";

/** Findings that an ignore comment should not silence: they are about the comments and the text themselves. */
const NOT_IGNORABLE = new Set(["unused-ignore", "syntax-error"]);

/** Leading lines a migration tool reads as its markers: the ignore-file comment goes after them. */
const TOOL_MARKER = /^--\s*(?:\+goose\s+(?:up|no\s+transaction|envsub\s+on)|\+migrate\s+up|migrate:up)(?:\s|$)/i;

/** An ignore comment on its own line, with rule ids and no reason: the ids can be extended. */
const IGNORE_LINE = /^([ \t]*--[ \t]*pgsafe-ignore(-file)?[ \t]+)([\w-]+(?:[ \t]*,[ \t]*[\w-]+)*)[ \t]*$/;

interface Line {
  start: number;
  /** End of the line's text, before its line break. */
  end: number;
  /** Start of the next line (after the line break); equals `end` on the last line. */
  next: number;
  text: string;
}

function lineAt(text: string, offset: number): Line {
  let start = offset;
  while (start > 0 && text[start - 1] !== "\n" && text[start - 1] !== "\r") start--;
  let end = offset;
  while (end < text.length && text[end] !== "\n" && text[end] !== "\r") end++;
  const next = text.startsWith("\r\n", end) ? end + 2 : end < text.length ? end + 1 : end;
  return { start, end, next, text: text.slice(start, end) };
}

function previousLine(text: string, line: Line): Line | undefined {
  if (line.start === 0) return undefined;
  const end = text[line.start - 1] === "\n" && text[line.start - 2] === "\r" ? line.start - 2 : line.start - 1;
  return lineAt(text, end);
}

/** The line break the document uses. */
function eolOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

function insertAt(doc: TextDocument, offset: number, newText: string): TextEdit {
  const at = doc.positionAt(offset);
  return { range: { start: at, end: at }, newText };
}

/** `rule` added to the ids of an ignore comment line (`-- pgsafe-ignore a, b`), or undefined when the line is not one. */
function extendIgnoreLine(doc: TextDocument, line: Line, file: boolean, rule: string): TextEdit | undefined {
  const m = IGNORE_LINE.exec(line.text);
  if (!m || Boolean(m[2]) !== file) return undefined;
  const ids = m[3]!.split(/[ \t]*,[ \t]*/);
  if (ids.includes(rule)) return undefined;
  return insertAt(doc, line.start + m[1]!.length + m[3]!.length, `, ${rule}`);
}

/**
 * The edit that silences `rule` for the statement starting at `statementStart` (a document offset):
 * see the module comment.
 */
export function ignoreStatementEdit(doc: TextDocument, statementStart: number, rule: string): TextEdit {
  const text = doc.getText();
  const line = lineAt(text, statementStart);
  const lineStart = Math.max(line.start, text.charCodeAt(0) === 0xfeff && line.start === 0 ? 1 : 0);
  const before = text.slice(lineStart, statementStart);
  // Code before the statement on its line (another statement): a comment above would silence that one.
  if (!/^[ \t]*$/.test(before.replace(/\/\*.*?\*\//g, ""))) return insertAt(doc, statementStart, `/* pgsafe-ignore ${rule} */ `);
  const indent = /^[ \t]*/.exec(before)![0];
  const above = previousLine(text, line);
  const extended = above && extendIgnoreLine(doc, above, false, rule);
  if (extended) return extended;
  return insertAt(doc, lineStart, `${indent}-- pgsafe-ignore ${rule}${eolOf(text)}`);
}

/** The edit that silences `rule` for the whole file: see the module comment. */
export function ignoreFileEdit(doc: TextDocument, rule: string): TextEdit {
  const text = doc.getText();
  const eol = eolOf(text);
  let offset = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = lineAt(text, offset);
  line = { ...line, start: offset, text: text.slice(offset, line.end) };
  while (TOOL_MARKER.test(line.text)) {
    if (line.next === line.end) return insertAt(doc, line.end, `${eol}-- pgsafe-ignore-file ${rule}`);
    offset = line.next;
    line = lineAt(text, offset);
  }
  return extendIgnoreLine(doc, line, true, rule) ?? insertAt(doc, offset, `-- pgsafe-ignore-file ${rule}${eol}`);
}

/** A short title for a fix: what it inserts, removes or replaces. */
export function fixTitle(rule: string, edit: TextEdit, doc: TextDocument): string {
  const quote = (s: string): string => {
    const flat = s.replace(/\s+/g, " ").trim();
    return `"${flat.length > 40 ? `${flat.slice(0, 39)}…` : flat}"`;
  };
  const old = doc.getText(edit.range);
  if (old === "" && edit.newText.trim() !== "") return `Fix ${rule}: insert ${quote(edit.newText)}`;
  if (edit.newText === "" && old.trim() !== "") return `Fix ${rule}: remove ${quote(old)}`;
  if (edit.newText.trim() !== "") return `Fix ${rule}: replace with ${quote(edit.newText)}`;
  return `Fix ${rule}`;
}

/**
 * The quick fixes of one pgsafe diagnostic whose `data` was computed for the document's current
 * text (the caller re-lints a stale document first).
 */
export function codeActionsFor(doc: TextDocument, diagnostic: Diagnostic): CodeAction[] {
  if (!isDiagnosticData(diagnostic.data)) return [];
  const data: DiagnosticData = diagnostic.data;
  const rule = data.ruleId;
  const edit = (edits: TextEdit[]): CodeAction["edit"] => ({ changes: { [doc.uri]: edits } });
  const actions: CodeAction[] = [];
  if (data.fix) {
    actions.push({ title: fixTitle(rule, data.fix, doc), kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: true, edit: edit([data.fix]) });
  }
  for (const s of data.suggestions ?? []) {
    actions.push({ title: s.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: edit([s.edit]) });
  }
  if (!data.fatal && !NOT_IGNORABLE.has(rule)) {
    if (data.statement) {
      actions.push({
        title: `Ignore ${rule} for this statement`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: edit([ignoreStatementEdit(doc, data.statement[0], rule)]),
      });
    }
    actions.push({ title: `Ignore ${rule} for this file`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: edit([ignoreFileEdit(doc, rule)]) });
  }
  if (data.docsUrl) {
    const title = `Open documentation for ${rule}`;
    actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: OPEN_DOCS_COMMAND, arguments: [data.docsUrl] } });
  }
  return actions;
}
