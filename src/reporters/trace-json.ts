/**
 * `pgsafe trace --format json`: the trace report as is (src/trace/types.ts):
 * `{ postgres, history, files: [...], seed?, summary }`. Each file has the shape of a
 * `pgsafe explain --format json` file (`file`, `statements`, `transactions`, `errors`) plus
 * `filePath`, `framework`, `errorCount`, `warningCount` and `otherFindings`; each statement the
 * shape of an explain statement plus `observed`, `verdict`, `comparisons` and `findings`.
 */
import type { TraceReporter } from "./trace-text.js";

const traceJson: TraceReporter = (report) => `${JSON.stringify(report)}\n`;

export default traceJson;
