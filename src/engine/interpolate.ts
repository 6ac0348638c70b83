/**
 * Rule messages: `{{ key }}` placeholders filled from a report's data, as ESLint fills them. Used
 * by pgsafe's engine and by the ESLint plugin's rules, so both say the same.
 */

/** A message template cut at its `{{ key }}` placeholders: text, placeholder, text, ..., text. */
type TemplateParts = (string | { key: string; whole: string })[];

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;
const templateParts = new Map<string, TemplateParts>();

/** Fills a rule message's `{{ key }}` placeholders from `data` (as ESLint does; an unknown key stays as written). */
export function interpolate(template: string, data: Record<string, unknown> | undefined | null): string {
  if (!data) return template;
  let parts = templateParts.get(template);
  if (!parts) {
    parts = [];
    let last = 0;
    for (const m of template.matchAll(PLACEHOLDER)) {
      parts.push(template.slice(last, m.index), { key: m[1]!, whole: m[0] });
      last = m.index + m[0].length;
    }
    parts.push(template.slice(last));
    // Templates are the rules' messages: a bounded set.
    if (templateParts.size < 10_000) templateParts.set(template, parts);
  }
  let out = "";
  for (const part of parts) out += typeof part === "string" ? part : part.key in data ? String(data[part.key]) : part.whole;
  return out;
}
