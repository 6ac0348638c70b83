/**
 * Every rule, by id. Kept explicit and alphabetical; test/meta/registry.test.ts checks it against
 * the rule files, the docs and the fixtures.
 */
import type { PgRuleDefinition } from "../src/types.js";
import addingExclusionConstraint from "./adding-exclusion-constraint.js";
import addingFieldWithDefault from "./adding-field-with-default.js";
import addingGeneratedStoredColumn from "./adding-generated-stored-column.js";
import addingNotNullableField from "./adding-not-nullable-field.js";
import addingPrimaryKeyConstraint from "./adding-primary-key-constraint.js";
import addingRequiredField from "./adding-required-field.js";
import addingSerialColumn from "./adding-serial-column.js";
import alterEnumAddValueInTransaction from "./alter-enum-add-value-in-transaction.js";
import banAlterDomainWithAddConstraint from "./ban-alter-domain-with-add-constraint.js";
import banCharField from "./ban-char-field.js";
import banConcurrentlyInTransaction from "./ban-concurrently-in-transaction.js";
import banCreateDomainWithConstraint from "./ban-create-domain-with-constraint.js";
import banDropColumn from "./ban-drop-column.js";
import banDropDatabase from "./ban-drop-database.js";
import banDropNotNull from "./ban-drop-not-null.js";
import banDropSchema from "./ban-drop-schema.js";
import banDropTable from "./ban-drop-table.js";
import banTruncate from "./ban-truncate.js";
import banUncommittedTransaction from "./ban-uncommitted-transaction.js";
import changingColumnType from "./changing-column-type.js";
import combineAlterTable from "./combine-alter-table.js";
import constraintMissingNotValid from "./constraint-missing-not-valid.js";
import disallowedUniqueConstraint from "./disallowed-unique-constraint.js";
import exclusiveLockOnMultipleTables from "./exclusive-lock-on-multiple-tables.js";
import identifierTooLong from "./identifier-too-long.js";
import irreversibleMigration from "./irreversible-migration.js";
import mixedExpandContract from "./mixed-expand-contract.js";
import preferBigintOverInt from "./prefer-bigint-over-int.js";
import preferBigintOverSmallint from "./prefer-bigint-over-smallint.js";
import preferIdentity from "./prefer-identity.js";
import preferJsonb from "./prefer-jsonb.js";
import preferRepack from "./prefer-repack.js";
import preferRobustStmts from "./prefer-robust-stmts.js";
import preferTextField from "./prefer-text-field.js";
import preferTimestamptz from "./prefer-timestamptz.js";
import renamingColumn from "./renaming-column.js";
import renamingSchema from "./renaming-schema.js";
import renamingTable from "./renaming-table.js";
import requireConcurrentIndexCreation from "./require-concurrent-index-creation.js";
import requireConcurrentIndexDeletion from "./require-concurrent-index-deletion.js";
import requireConcurrentPartitionDetach from "./require-concurrent-partition-detach.js";
import requireConcurrentRefresh from "./require-concurrent-refresh.js";
import requireConcurrentReindex from "./require-concurrent-reindex.js";
import requireDownMigration from "./require-down-migration.js";
import requireEnumValueOrdering from "./require-enum-value-ordering.js";
import requireIndexForForeignKey from "./require-index-for-foreign-key.js";
import requireLockTimeout from "./require-lock-timeout.js";
import requirePrimaryKey from "./require-primary-key.js";
import requireStatementTimeout from "./require-statement-timeout.js";
import requireTableSchema from "./require-table-schema.js";
import rewritesTable from "./rewrites-table.js";
import statementsAfterExclusiveLock from "./statements-after-exclusive-lock.js";
import syntaxError from "./syntax-error.js";
import transactionNesting from "./transaction-nesting.js";
import unbatchedUpdate from "./unbatched-update.js";
import unusedIgnore from "./unused-ignore.js";
import validateConstraintInSameTransaction from "./validate-constraint-in-same-transaction.js";

const registry = {
  "adding-exclusion-constraint": addingExclusionConstraint,
  "adding-field-with-default": addingFieldWithDefault,
  "adding-generated-stored-column": addingGeneratedStoredColumn,
  "adding-not-nullable-field": addingNotNullableField,
  "adding-primary-key-constraint": addingPrimaryKeyConstraint,
  "adding-required-field": addingRequiredField,
  "adding-serial-column": addingSerialColumn,
  "alter-enum-add-value-in-transaction": alterEnumAddValueInTransaction,
  "ban-alter-domain-with-add-constraint": banAlterDomainWithAddConstraint,
  "ban-char-field": banCharField,
  "ban-concurrently-in-transaction": banConcurrentlyInTransaction,
  "ban-create-domain-with-constraint": banCreateDomainWithConstraint,
  "ban-drop-column": banDropColumn,
  "ban-drop-database": banDropDatabase,
  "ban-drop-not-null": banDropNotNull,
  "ban-drop-schema": banDropSchema,
  "ban-drop-table": banDropTable,
  "ban-truncate": banTruncate,
  "ban-uncommitted-transaction": banUncommittedTransaction,
  "changing-column-type": changingColumnType,
  "combine-alter-table": combineAlterTable,
  "constraint-missing-not-valid": constraintMissingNotValid,
  "disallowed-unique-constraint": disallowedUniqueConstraint,
  "exclusive-lock-on-multiple-tables": exclusiveLockOnMultipleTables,
  "identifier-too-long": identifierTooLong,
  "irreversible-migration": irreversibleMigration,
  "mixed-expand-contract": mixedExpandContract,
  "prefer-bigint-over-int": preferBigintOverInt,
  "prefer-bigint-over-smallint": preferBigintOverSmallint,
  "prefer-identity": preferIdentity,
  "prefer-jsonb": preferJsonb,
  "prefer-repack": preferRepack,
  "prefer-robust-stmts": preferRobustStmts,
  "prefer-text-field": preferTextField,
  "prefer-timestamptz": preferTimestamptz,
  "renaming-column": renamingColumn,
  "renaming-schema": renamingSchema,
  "renaming-table": renamingTable,
  "require-concurrent-index-creation": requireConcurrentIndexCreation,
  "require-concurrent-index-deletion": requireConcurrentIndexDeletion,
  "require-concurrent-partition-detach": requireConcurrentPartitionDetach,
  "require-concurrent-refresh": requireConcurrentRefresh,
  "require-concurrent-reindex": requireConcurrentReindex,
  "require-down-migration": requireDownMigration,
  "require-enum-value-ordering": requireEnumValueOrdering,
  "require-index-for-foreign-key": requireIndexForForeignKey,
  "require-lock-timeout": requireLockTimeout,
  "require-primary-key": requirePrimaryKey,
  "require-statement-timeout": requireStatementTimeout,
  "require-table-schema": requireTableSchema,
  "rewrites-table": rewritesTable,
  "statements-after-exclusive-lock": statementsAfterExclusiveLock,
  "syntax-error": syntaxError,
  "transaction-nesting": transactionNesting,
  "unbatched-update": unbatchedUpdate,
  "unused-ignore": unusedIgnore,
  "validate-constraint-in-same-transaction": validateConstraintInSameTransaction,
} satisfies Record<string, PgRuleDefinition>;

export type RuleId = keyof typeof registry;

/** The rules by id, typed as general rule definitions (each file keeps its precise type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const rules: Record<RuleId, PgRuleDefinition<any, any>> = registry;
