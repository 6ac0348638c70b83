import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("exclusive-lock-on-multiple-tables", {
  valid: [
    { name: "one table per transaction", code: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;\nBEGIN;\nALTER TABLE invoices ADD COLUMN note text;\nCOMMIT;" },
    { name: "without a transaction each statement commits on its own", code: "ALTER TABLE orders ADD COLUMN note text;\nALTER TABLE invoices ADD COLUMN note text;" },
    { name: "the same table twice", code: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE orders DROP COLUMN legacy_note;\nCOMMIT;" },
    { name: "a weaker lock on the second table", code: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX invoices_total_idx ON invoices (total);\nUPDATE invoices SET note = '' WHERE id = 1;\nCOMMIT;" },
    { name: "a foreign key takes SHARE ROW EXCLUSIVE on both tables", code: "BEGIN;\nALTER TABLE orders ADD COLUMN user_id bigint;\nALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nCOMMIT;" },
    { name: "COMMIT AND CHAIN releases the locks", code: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT AND CHAIN;\nALTER TABLE invoices ADD COLUMN note text;\nCOMMIT;" },
    {
      name: "a table created earlier in the same transaction",
      code: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nCREATE TABLE notes (id bigint);\nALTER TABLE notes ADD COLUMN body text;\nCOMMIT;",
    },
    {
      name: "a table created earlier in the transaction the tool wraps the file in",
      code: "ALTER TABLE orders ADD COLUMN note text;\nCREATE TABLE notes (id bigint);\nALTER TABLE notes ADD COLUMN body text;",
      options: { assumeInTransaction: true },
    },
    {
      name: "quoted name created earlier",
      code: 'BEGIN;\nCREATE TABLE "Notes" (id bigint);\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE "Notes" ADD COLUMN body text;\nCOMMIT;',
    },
    { name: "a renamed table is still the same table", code: "BEGIN;\nALTER TABLE orders RENAME TO orders_old;\nALTER TABLE orders_old ADD COLUMN archived_at timestamptz;\nCOMMIT;" },
    { name: "a table moved to another schema is still the same table", code: "BEGIN;\nALTER TABLE orders SET SCHEMA archive;\nALTER TABLE archive.orders ADD COLUMN archived_at timestamptz;\nCOMMIT;" },
    {
      name: "DROP INDEX of an index of unknown table is not counted (it may be on the same table)",
      code: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nDROP INDEX orders_legacy_idx;\nCOMMIT;",
    },
    {
      name: "DROP INDEX of an index the file created on the same table",
      code: "CREATE INDEX CONCURRENTLY orders_tmp_idx ON orders (id);\nBEGIN;\nALTER TABLE orders ADD COLUMN note text;\nDROP INDEX orders_tmp_idx;\nCOMMIT;",
    },
    {
      name: "PG 12+: ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE",
      code: "CREATE INDEX CONCURRENTLY invoices_tmp_idx ON invoices (id);\nBEGIN;\nALTER TABLE orders ADD COLUMN note text;\nALTER INDEX invoices_tmp_idx RENAME TO invoices_id_idx;\nCOMMIT;",
      options: { pgVersion: 12 },
    },
  ],
  invalid: [
    {
      name: "two existing tables in one transaction",
      code: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE invoices ADD COLUMN note text;\nCOMMIT;",
      errors: [
        {
          messageId: "anotherTable",
          line: 3,
          column: 1,
          endLine: 3,
          endColumn: 42,
          includes: ['ACCESS EXCLUSIVE lock on "invoices"', 'already holds one on "orders" (line 2)', "deadlock"],
          helpIncludes: ["  ALTER TABLE orders ADD COLUMN note text;\n  COMMIT;\n  BEGIN;\n  SET LOCAL lock_timeout = '2s';\n  ALTER TABLE invoices ADD COLUMN note text;"],
        },
      ],
    },
    {
      name: "in the transaction the migration tool wraps the file in",
      code: "ALTER TABLE orders ADD COLUMN note text;\nSELECT 1;\nTRUNCATE audit_log;",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "anotherTable", line: 3, column: 1, includes: ['"audit_log"', '"orders" (line 1)'], helpIncludes: ["migration of its own", "-- next migration:"] }],
    },
    {
      name: "one statement locking two tables, outside any transaction block",
      code: "DROP TABLE legacy_orders, legacy_invoices;",
      errors: [{ messageId: "tablesAtOnce", line: 1, column: 1, includes: ['"legacy_orders" and "legacy_invoices"'], helpIncludes: ["one statement per table"] }],
    },
    {
      name: "each further table is reported, naming those already locked",
      code: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE invoices ADD COLUMN note text;\nALTER TABLE orders DROP COLUMN legacy;\nLOCK TABLE refunds IN ACCESS EXCLUSIVE MODE;\nCOMMIT;",
      errors: [
        { messageId: "anotherTable", line: 3, column: 1, includes: ['"invoices"'] },
        { messageId: "anotherTable", line: 5, column: 1, includes: ['"refunds"', '"orders" (line 2) and "invoices" (line 3)'] },
      ],
    },
    {
      name: "DROP INDEX of an index the file created on another table counts as that table",
      code: "CREATE INDEX CONCURRENTLY invoices_tmp_idx ON invoices (id);\nBEGIN;\nALTER TABLE orders ADD COLUMN note text;\nDROP INDEX invoices_tmp_idx;\nCOMMIT;",
      errors: [{ messageId: "anotherTable", line: 4, column: 1, includes: ['"invoices"', '"orders" (line 3)'] }],
    },
    {
      name: "unquoted name folds to lower case: Notes is not the new \"Notes\"",
      code: 'CREATE TABLE "Notes" (id bigint);\nBEGIN;\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE Notes ADD COLUMN body text;\nCOMMIT;',
      errors: [{ messageId: "anotherTable", line: 4, column: 1, includes: ['"notes"'] }],
    },
    {
      name: "app.orders and orders (public) are two tables",
      code: "BEGIN;\nALTER TABLE app.orders ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN note text;\nALTER TABLE public.orders ADD COLUMN memo text;\nCOMMIT;",
      errors: [{ messageId: "anotherTable", line: 3, column: 1, includes: ['"orders"', '"app.orders" (line 2)'] }],
    },
    {
      name: "PG 11: ALTER INDEX ... RENAME takes ACCESS EXCLUSIVE (SHARE UPDATE EXCLUSIVE from PG 12)",
      code: "CREATE INDEX CONCURRENTLY invoices_tmp_idx ON invoices (id);\nBEGIN;\nALTER TABLE orders ADD COLUMN note text;\nALTER INDEX invoices_tmp_idx RENAME TO invoices_id_idx;\nCOMMIT;",
      options: { pgVersion: 11 },
      errors: [{ messageId: "anotherTable", line: 4, column: 1, includes: ['"invoices"'] }],
    },
    {
      name: "a statement inside a DO block runs in the same transaction",
      code: "BEGIN;\nALTER TABLE orders ADD COLUMN note text;\nDO $$ BEGIN ALTER TABLE invoices ADD COLUMN note text; END $$;\nCOMMIT;",
      errors: [{ messageId: "anotherTable", line: 3, column: 13, endColumn: 54, includes: ['"invoices"', '"orders" (line 2)'] }],
    },
    {
      name: "realistic: swapping in a rebuilt table",
      fixture: "invalid/swap-rebuilt-table.sql",
      errors: [
        { messageId: "anotherTable", line: 6, column: 1, includes: ['"events_rebuilt"', '"events" (line 5)'] },
        { messageId: "anotherTable", line: 8, column: 1, endLine: 10, includes: ['"event_attachments"', '"events" (line 5) and "events_rebuilt" (line 6)'] },
      ],
    },
  ],
});
