import { runRuleTests } from "../harness/rule-tester.js";

runRuleTests("transaction-nesting", {
  valid: [
    "BEGIN;\nALTER TABLE users ADD COLUMN status text;\nCOMMIT;",
    "BEGIN;\nCOMMIT;\nBEGIN;\nROLLBACK;",
    "START TRANSACTION;\nSELECT 1;\nEND;",
    "BEGIN;\nSAVEPOINT step;\nSELECT 1;\nROLLBACK TO SAVEPOINT step;\nCOMMIT;",
    { name: "a COMMIT outside any transaction is not nesting", code: "SELECT 1;\nCOMMIT;" },
    { name: "no BEGIN or COMMIT in a file the tool wraps", code: "ALTER TABLE users ADD COLUMN status text;\nSAVEPOINT a;\nRELEASE SAVEPOINT a;", options: { assumeInTransaction: true } },
    {
      name: "COMMIT AND CHAIN keeps the tool's transaction open",
      code: "ALTER TABLE users ADD COLUMN status text;\nCOMMIT AND CHAIN;\nSELECT 1;",
      options: { assumeInTransaction: true },
    },
  ],
  invalid: [
    {
      name: "BEGIN inside BEGIN",
      code: "BEGIN;\nBEGIN;\nCOMMIT;\nCOMMIT;",
      errors: [
        {
          messageId: "nestedBegin",
          line: 2,
          column: 1,
          endLine: 2,
          endColumn: 6,
          includes: ["BEGIN inside a transaction", "opened by BEGIN on line 1", "the next COMMIT ends the outer transaction"],
          helpIncludes: ["SAVEPOINT step;", "line 1"],
        },
      ],
    },
    {
      name: "START TRANSACTION inside BEGIN, in a realistic script",
      fixture: "invalid/nested-script.sql",
      errors: [{ messageId: "nestedBegin", line: 4, column: 1, endColumn: 18, includes: ["START TRANSACTION inside", "opened by BEGIN on line 1"] }],
    },
    {
      name: "after the inner COMMIT ended everything, a new BEGIN is not nested",
      code: "BEGIN;\nBEGIN;\nCOMMIT;\nBEGIN;\nCOMMIT;\nCOMMIT;",
      errors: [{ messageId: "nestedBegin", line: 2, column: 1 }],
    },
    {
      name: "BEGIN and COMMIT in a file the migration tool already runs in a transaction",
      fixture: "invalid/flyway-with-own-transaction.sql",
      options: { assumeInTransaction: true },
      errors: [
        { messageId: "nestedBegin", line: 2, column: 1, includes: ["the migration tool runs this file in a transaction"], helpIncludes: ["Remove this BEGIN and its COMMIT"] },
        { messageId: "endsManagedTransaction", line: 7, column: 1, endColumn: 7, includes: ["COMMIT ends the transaction the migration tool", "committed at once"], helpIncludes: ["NO TRANSACTION"] },
      ],
    },
    {
      name: "ROLLBACK and END in a file the tool wraps",
      code: "ALTER TABLE users ADD COLUMN status text;\nROLLBACK;\nBEGIN;\nSELECT 1;\nEND;",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "endsManagedTransaction", line: 2, column: 1, endColumn: 9, includes: ["ROLLBACK ends", "rolled back at once"] }],
    },
    {
      name: "END ends the tool's transaction too",
      code: "SELECT 1;\nEND;",
      options: { assumeInTransaction: true },
      errors: [{ messageId: "endsManagedTransaction", line: 2, column: 1, includes: ["END ends"] }],
    },
  ],
});
