/**
 * `pgsafe explain --format json`: the `explain()` result as is, one object per file:
 * `[{ file, statements: [{ line, column, endLine, endColumn, text, transaction, effect, locks: [...] }],
 * transactions, errors }]` (see src/explain.ts for every field). With `--timeline`, each file also
 * has `timeline`: `{ columns: [{ statement, line, transaction }], rows: [{ relation, kind, label,
 * table?, cells: [null | { mode, blocksReads, blocksWrites, new, acquired, span }], spans: [...] }] }`
 * (see src/timeline.ts); without it the shape is unchanged.
 */
import { buildTimeline } from "../timeline.js";
import type { ExplainReporter } from "./explain-text.js";

const explainJson: ExplainReporter = (files, context) =>
  `${JSON.stringify(context.timeline ? files.map((file) => ({ ...file, timeline: buildTimeline(file) })) : files)}\n`;

export default explainJson;
