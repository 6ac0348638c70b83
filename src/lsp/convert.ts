/**
 * From pgsafe's lint messages to LSP diagnostics, and from its UTF-16 offsets to LSP positions.
 *
 * pgsafe's `LintMessage.range` and fix ranges are UTF-16 offsets in the text without its byte-order
 * mark; LSP positions are 0-based lines and UTF-16 `character`s (the default position encoding).
 * `TextDocument.positionAt` maps offsets in the editor's text, which may still hold the BOM: every
 * offset is shifted by `bom` (1 when the text starts with U+FEFF, else 0).
 *
 * Nothing here talks to the connection: these are pure functions, tested on their own.
 */
import type { TextDocument } from "vscode-languageserver-textdocument";
import { DiagnosticSeverity, type Diagnostic, type Range, type TextEdit } from "vscode-languageserver";
import type { ParsedSql } from "../parser/parse.js";
import type { LintMessage } from "../types.js";

/** What a pgsafe diagnostic carries for its code actions (`Diagnostic.data`). */
export interface DiagnosticData {
  ruleId: string;
  /** The document version the diagnostic was computed for (null when the client gave none). */
  version: number | null;
  /** The finding's offsets in the document text (BOM included). */
  offsets: [number, number];
  /** The offsets of the top-level statement (or unparsable piece) the finding is in, if any. */
  statement?: [number, number];
  /** The rule's fix, as an edit of the document. */
  fix?: TextEdit;
  /** The rule's suggestions. */
  suggestions?: { title: string; edit: TextEdit }[];
  docsUrl?: string;
  /** pgsafe could not lint the file (internal error, unreadable config): no ignore actions. */
  fatal?: boolean;
}

export const SOURCE = "pgsafe";

/** 1 when the text starts with a byte-order mark (pgsafe's offsets do not count it), else 0. */
export function bomLength(text: string): number {
  return text.charCodeAt(0) === 0xfeff ? 1 : 0;
}

/** The LSP range of pgsafe offsets [start, end) (without BOM) in `doc`. */
export function rangeOf(doc: TextDocument, range: readonly [number, number], bom: number): Range {
  return { start: doc.positionAt(range[0] + bom), end: doc.positionAt(range[1] + bom) };
}

/** A pgsafe edit (`LintMessage.fix` or a suggestion's fix) as an LSP TextEdit of `doc`. */
export function toTextEdit(doc: TextDocument, edit: { range: readonly [number, number]; text: string }, bom: number): TextEdit {
  return { range: rangeOf(doc, edit.range, bom), newText: edit.text };
}

/**
 * The diagnostic's text: the message, then the safe path (`help`) after a blank line. Editors show
 * the first line in lists (VS Code's Problems panel, Neovim's virtual text) and the whole text
 * when hovering over the squiggle, where the SQL to paste is what the reader needs next.
 */
export function diagnosticMessage(message: Pick<LintMessage, "message" | "help">): string {
  return message.help ? `${message.message}\n\n${message.help}` : message.message;
}

/**
 * The innermost span (statement or unparsable piece) holding `offset` (a statement inside a DO
 * block rather than the DO), or the first one after it.
 */
export function spanAt(spans: readonly (readonly [number, number])[], offset: number): [number, number] | undefined {
  let inside: readonly [number, number] | undefined;
  for (const span of spans) {
    if (span[0] <= offset && offset < span[1] && (!inside || span[0] >= inside[0])) inside = span;
  }
  inside ??= spans.find(([s, e]) => s === offset && e === offset);
  if (inside) return [inside[0], inside[1]];
  const next = spans.find(([s]) => s >= offset);
  return next ? [next[0], next[1]] : undefined;
}

/**
 * The spans an "ignore for this statement" comment can target: the top-level statements and
 * unparsable pieces, and the statements inside DO blocks and called functions (an ignore comment
 * in the body applies to them). Not those of EXECUTE strings: a comment cannot go inside those.
 */
export function ignoreSpans(parsed: ParsedSql): [number, number][] {
  return [
    ...parsed.statements.filter((s) => !s.hiddenIn || s.hiddenIn.kind !== "execute").map((s): [number, number] => [s.start, s.end]),
    ...parsed.errors.filter((e) => !e.hiddenIn).map((e): [number, number] => [e.statementStart, e.statementEnd]),
  ].sort((a, b) => a[0] - b[0]);
}

export interface ConvertOptions {
  /** `bomLength(doc.getText())`. */
  bom: number;
  /** Statement and unparsable-piece spans of the text (`ignoreSpans`: pgsafe offsets, without BOM), sorted. */
  spans?: readonly (readonly [number, number])[];
}

/** One pgsafe finding as an LSP diagnostic of `doc`. */
export function toDiagnostic(doc: TextDocument, message: LintMessage, options: ConvertOptions): Diagnostic {
  const { bom } = options;
  const statement = options.spans && !message.fatal ? spanAt(options.spans, message.range[0]) : undefined;
  const data: DiagnosticData = {
    ruleId: message.ruleId,
    version: doc.version,
    offsets: [message.range[0] + bom, message.range[1] + bom],
    ...(statement ? { statement: [statement[0] + bom, statement[1] + bom] } : {}),
    ...(message.fix ? { fix: toTextEdit(doc, message.fix, bom) } : {}),
    ...(message.suggestions && message.suggestions.length > 0
      ? { suggestions: message.suggestions.map((s) => ({ title: s.desc, edit: toTextEdit(doc, s.fix, bom) })) }
      : {}),
    ...(message.docsUrl ? { docsUrl: message.docsUrl } : {}),
    ...(message.fatal ? { fatal: true } : {}),
  };
  return {
    range: rangeOf(doc, message.range, bom),
    severity: message.severity === 2 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: SOURCE,
    code: message.ruleId,
    ...(message.docsUrl ? { codeDescription: { href: message.docsUrl } } : {}),
    message: diagnosticMessage(message),
    data,
  };
}

/**
 * A diagnostic for a problem that kept pgsafe from linting the document (an invalid config, an
 * internal error), on the document's first line so that it is seen.
 */
export function problemDiagnostic(doc: TextDocument, code: string, text: string): Diagnostic {
  const firstLine = doc.getText().split(/\r?\n|\r/, 1)[0] ?? "";
  const data: DiagnosticData = { ruleId: code, version: doc.version, offsets: [0, 0], fatal: true };
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: firstLine.length } },
    severity: DiagnosticSeverity.Error,
    source: SOURCE,
    code,
    message: text,
    data,
  };
}

/** Type guard for the `data` of a pgsafe diagnostic (clients send it back as they got it). */
export function isDiagnosticData(value: unknown): value is DiagnosticData {
  if (typeof value !== "object" || value === null) return false;
  const data = value as Partial<DiagnosticData>;
  return typeof data.ruleId === "string" && Array.isArray(data.offsets) && data.offsets.length === 2;
}
