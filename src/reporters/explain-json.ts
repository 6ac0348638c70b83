/**
 * `pgsafe explain --format json`: the `explain()` result as is, one object per file:
 * `[{ file, statements: [{ line, column, endLine, endColumn, text, transaction, effect, locks: [...] }],
 * transactions, errors }]` (see src/explain.ts for every field).
 */
import type { ExplainReporter } from "./explain-text.js";

const explainJson: ExplainReporter = (files) => `${JSON.stringify(files)}\n`;

export default explainJson;
