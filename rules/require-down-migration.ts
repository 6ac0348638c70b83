import { migrationRolesOf } from "../src/analysis/reversibility.js";
import { ruleDocsUrl } from "../src/meta.js";
import type { PgRuleDefinition } from "../src/types.js";

/**
 * An up migration of a tool that has down migrations, without one: `goose down`, `dbmate
 * rollback`, `migrate down`, `flyway undo` or `sqitch revert` then cannot take it back. The
 * framework layer (src/analysis/frameworks/downs.ts) finds the down: a section of the file, or a
 * file next to it when the file was read from disk.
 */
export default {
  meta: {
    type: "suggestion",
    docs: {
      description: "Require a down migration for each up migration, for migration tools that have them",
      defaultSeverity: "off",
      recommended: false,
      url: ruleDocsUrl("require-down-migration"),
      category: "design",
    },
    messages: {
      missingDown: "This {{tool}} migration has no down migration: {{missing}}, so it cannot be rolled back with {{tool}}.",
    },
    schema: [],
  },
  create(context) {
    const { sourceCode } = context;
    return {
      Migration() {
        for (const { role } of migrationRolesOf(sourceCode.migration, sourceCode.text)) {
          if (role.direction !== "up" || !role.down || role.down.exists) continue;
          const lineEnd = sourceCode.text.slice(role.at).search(/\r|\n|$/);
          context.report({
            loc: sourceCode.locOf([role.at, role.at + lineEnd]),
            messageId: "missingDown",
            data: { tool: role.tool, missing: role.down.missing },
            help: [
              `Write ${role.down.name} that undoes this migration, statement by statement in reverse order:`,
              "  CREATE TABLE → DROP TABLE; ADD COLUMN → DROP COLUMN; CREATE INDEX CONCURRENTLY → DROP INDEX CONCURRENTLY.",
              "If the migration cannot be undone (it deletes data), say so in the down, e.g. with a statement that fails on purpose:",
              "  DO $$ BEGIN RAISE EXCEPTION 'this migration cannot be rolled back'; END $$;",
            ].join("\n"),
          });
        }
      },
    };
  },
} satisfies PgRuleDefinition<"missingDown">;
