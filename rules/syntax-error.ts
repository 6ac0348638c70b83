import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

/** Reports statements Postgres' parser rejects; the rest of the file is still linted. */
export default {
  meta: {
    type: "problem",
    docs: {
      description: "Report statements that PostgreSQL cannot parse",
      defaultSeverity: "error",
      recommended: true,
      url: ruleDocsUrl("syntax-error"),
      category: "syntax",
    },
    messages: {
      syntaxError: "Syntax error: {{message}}. PostgreSQL would reject this statement; the rest of the file was still linted.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      Migration() {
        for (const error of sourceCode.parsed.errors) {
          context.report({ loc: sourceCode.locOf([error.start, error.end]), messageId: "syntaxError", data: { message: error.message } });
        }
      },
    };
  },
} satisfies PgRuleDefinition<"syntaxError">;
