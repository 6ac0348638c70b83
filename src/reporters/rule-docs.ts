/**
 * Reads the rule documentation pages (docs/rules/<id>.md) of the installed package at report time,
 * for the formats that describe rules (SARIF's `rules[]`). The package ships its docs folder
 * (package.json "files"), so the help GitHub shows is the page's own "Safe migration, step by step".
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface PackageInfo {
  /** The directory holding pgsafe's package.json, or undefined when it cannot be found. */
  root: string | undefined;
  version: string;
}

let packageInfo: PackageInfo | undefined;

/** pgsafe's package directory and version, from the package.json above this module (src/ or dist/src/). */
export function pgsafePackage(): PackageInfo {
  if (packageInfo) return packageInfo;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pgsafe") return (packageInfo = { root: dir, version: pkg.version ?? "0.0.0" });
    } catch {
      // Not here: look one level up.
    }
    dir = dirname(dir);
  }
  return (packageInfo = { root: undefined, version: "0.0.0" });
}

/** The `## ` sections of a markdown page by title (headings inside code fences do not count). */
export function markdownSections(markdown: string): Map<string, string> {
  const sections = new Map<string, string>();
  let title: string | undefined;
  let body: string[] = [];
  let fence: string | undefined;
  const flush = (): void => {
    if (title !== undefined) sections.set(title, body.join("\n").trim());
  };
  for (const line of markdown.split(/\r?\n/)) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
    } else if (fence === undefined && line.startsWith("## ")) {
      flush();
      title = line.slice(3).trim();
      body = [];
      continue;
    }
    body.push(line);
  }
  flush();
  return sections;
}

/**
 * Markdown as plain text: fence lines dropped (their code kept), `**strong**` and `inline code`
 * markers removed (also when they span lines), links written as "text (url)". Line structure and
 * indentation are kept.
 */
export function markdownToText(markdown: string): string {
  const out: string[] = [];
  let prose: string[] = [];
  const flushProse = (): void => {
    if (prose.length === 0) return;
    out.push(
      prose
        .join("\n")
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, "$1 ($2)")
        .replace(/\*\*(?=\S)([\s\S]+?)\*\*/g, "$1")
        .replace(/(`+)([\s\S]+?)\1/g, (_, __: string, code: string) => code.replace(/^ (.*) $/s, "$1")),
    );
    prose = [];
  };
  let inFence = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) {
      if (!inFence) flushProse();
      inFence = !inFence;
      continue;
    }
    if (inFence) out.push(line);
    else prose.push(line);
  }
  flushProse();
  return out.join("\n").trim();
}

/** The first paragraph of a markdown section, as one line of plain text. */
export function firstParagraph(markdown: string): string {
  const paragraph = markdown.trim().split(/\n\s*\n/)[0] ?? "";
  return markdownToText(paragraph).replace(/\s+/g, " ").trim();
}

/** `text` cut to at most `max` characters, at the end of a sentence when one ends late enough, else at a word, with "…". */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max - 1);
  const sentence = head.lastIndexOf(". ");
  if (sentence >= max / 2) return head.slice(0, sentence + 1);
  const space = head.lastIndexOf(" ");
  return `${head.slice(0, space > max / 2 ? space : max - 1).trimEnd()}…`;
}

export interface RuleDocSections {
  /** "Why is this bad?" */
  why?: string;
  /** "Safe migration, step by step" */
  safe?: string;
}

const pages = new Map<string, RuleDocSections>();

/** The sections of docs/rules/<id>.md in the installed package; empty when the page is not there. */
export function ruleDocSections(ruleId: string): RuleDocSections {
  const cached = pages.get(ruleId);
  if (cached) return cached;
  const { root } = pgsafePackage();
  let sections: RuleDocSections = {};
  if (root !== undefined && /^[a-z0-9-]+$/.test(ruleId)) {
    try {
      const page = markdownSections(readFileSync(join(root, "docs", "rules", `${ruleId}.md`), "utf8"));
      const why = page.get("Why is this bad?");
      const safe = page.get("Safe migration, step by step");
      sections = { ...(why ? { why } : {}), ...(safe ? { safe } : {}) };
    } catch {
      // No page (a rule without docs, or a package installed without its docs folder).
    }
  }
  pages.set(ruleId, sections);
  return sections;
}
