import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES, runRuleTests } from "../harness/rule-tester.js";

const fixture = readFileSync(join(FIXTURES, "ban-uncommitted-transaction", "invalid", "sqlmigrate-missing-commit.sql"), "utf8");

runRuleTests("ban-uncommitted-transaction", {
  valid: [
    "BEGIN;\nALTER TABLE users ADD COLUMN status text;\nCOMMIT;",
    "BEGIN;\nSELECT 1;\nROLLBACK;",
    "START TRANSACTION;\nSELECT 1;\nEND;",
    "BEGIN;\nSELECT 1;\nABORT;",
    "BEGIN;\nSELECT 1;\nPREPARE TRANSACTION 'migration_42';",
    "BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;\nSELECT 2;\nCOMMIT;",
    "ALTER TABLE users ADD COLUMN status text;",
    { name: "a nested BEGIN is closed by the first COMMIT (transaction-nesting reports it)", code: "BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;" },
    { name: "the migration tool commits the transaction it opened", code: "BEGIN;\nALTER TABLE users ADD COLUMN status text;", options: { assumeInTransaction: true } },
  ],
  invalid: [
    {
      name: "BEGIN without COMMIT",
      code: "BEGIN;\nALTER TABLE users ADD COLUMN status text;\n",
      errors: [
        {
          messageId: "uncommitted",
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 6,
          includes: ["This BEGIN opens a transaction", "rolled back", "idle in transaction"],
          helpIncludes: ["ALTER TABLE users ADD COLUMN status text;\n  COMMIT;"],
          suggestions: [{ messageId: "addCommit", output: "BEGIN;\nALTER TABLE users ADD COLUMN status text;\nCOMMIT;\n" }],
        },
      ],
    },
    {
      name: "the last statement has no semicolon",
      code: "START TRANSACTION;\nSELECT 1",
      errors: [{ messageId: "uncommitted", line: 1, column: 1, endColumn: 18, includes: ["This START TRANSACTION"], suggestions: [{ output: "START TRANSACTION;\nSELECT 1;\nCOMMIT;" }] }],
    },
    {
      name: "a trailing comment stays after the added COMMIT; CRLF line endings are kept",
      code: "BEGIN;\r\nSELECT 1; -- done\r\n",
      errors: [{ messageId: "uncommitted", line: 1, column: 1, suggestions: [{ output: "BEGIN;\r\nSELECT 1;\r\nCOMMIT; -- done\r\n" }] }],
    },
    {
      name: "a second transaction left open after a committed one",
      code: "BEGIN;\nSELECT 1;\nCOMMIT;\n\nBEGIN;\nUPDATE users SET status = 'active' WHERE id = 1;",
      errors: [{ messageId: "uncommitted", line: 5, column: 1 }],
    },
    {
      name: "COMMIT AND CHAIN opens the next transaction at once",
      code: "BEGIN;\nSELECT 1;\nCOMMIT AND CHAIN;",
      errors: [{ messageId: "uncommitted", line: 1, column: 1 }],
    },
    {
      name: "realistic Django sqlmigrate output with the COMMIT cut off",
      fixture: "invalid/sqlmigrate-missing-commit.sql",
      errors: [
        {
          messageId: "uncommitted",
          line: 4,
          column: 1,
          helpIncludes: ['ALTER TABLE "shop_customer" ALTER COLUMN "loyalty_points" DROP DEFAULT;\n  COMMIT;'],
          suggestions: [{ messageId: "addCommit", output: fixture.replace(/DROP DEFAULT;\n$/, "DROP DEFAULT;\nCOMMIT;\n") }],
        },
      ],
    },
  ],
});
