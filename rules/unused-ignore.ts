import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

/**
 * Reports `pgsafe-ignore` comments that silenced nothing, and unknown rule ids in them. Whether a
 * comment silenced anything is only known once every other rule has run, so the engine
 * (src/engine/linter.ts, after applying the directives) reports these findings with this rule's
 * messages; the rule has no visitors of its own.
 */
export default {
  meta: {
    type: "suggestion",
    docs: {
      description: "Report ignore comments that suppress nothing",
      defaultSeverity: "warn",
      recommended: true,
      url: ruleDocsUrl("unused-ignore"),
      category: "syntax",
    },
    messages: {
      unused: "This pgsafe-ignore comment silences nothing: no finding is reported on the statement it applies to. Remove it.",
      unusedFile: "This pgsafe-ignore-file comment silences nothing in this file. Remove it.",
      unusedRule: 'This pgsafe-ignore comment lists "{{rule}}", but "{{rule}}" reports nothing on the statement it applies to. Remove "{{rule}}" from it.',
      unusedRuleFile: 'This pgsafe-ignore-file comment lists "{{rule}}", but "{{rule}}" reports nothing in this file. Remove "{{rule}}" from it.',
      unknownRule: 'Unknown rule "{{rule}}" in a pgsafe-ignore comment. Run `pgsafe rules` for the list of rule ids.',
    },
    schema: [],
  },
  create() {
    return {};
  },
} satisfies PgRuleDefinition<"unused" | "unusedFile" | "unusedRule" | "unusedRuleFile" | "unknownRule">;
