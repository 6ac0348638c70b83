/**
 * The transaction handling the schema trackers share (checks.ts, columns.ts): BEGIN forks the
 * tracked state, ROLLBACK drops the fork, COMMIT (or the end of an applied file) folds it back.
 */
import type { ParsedStatement } from "../parser/parse.js";
import type { CowMap } from "./cow-map.js";

/** The transaction boundary a statement is, if any (COMMIT AND CHAIN stays inside a transaction). */
export function transactionBoundary(statement: ParsedStatement): "begin" | "commit" | "rollback" | undefined {
  if (statement.type !== "TransactionStmt") return undefined;
  const { kind, chain } = statement.node;
  if (kind === "TRANS_STMT_BEGIN" || kind === "TRANS_STMT_START") return "begin";
  if (chain) return undefined;
  if (kind === "TRANS_STMT_COMMIT" || kind === "TRANS_STMT_PREPARE") return "commit";
  if (kind === "TRANS_STMT_ROLLBACK") return "rollback";
  return undefined;
}

export abstract class TransactionalTracker<V> {
  /** The tracked state; a fork of the state at BEGIN while a transaction is open. */
  protected tables: CowMap<V>;
  /** The state at BEGIN, while a transaction is open. */
  #beforeTransaction: CowMap<V> | undefined;

  protected constructor(tables: CowMap<V>) {
    this.tables = tables;
  }

  /** Ends an open transaction as committed (the end of a file that was applied). */
  commitOpenTransaction(): void {
    if (!this.#beforeTransaction) return;
    this.#beforeTransaction.absorb(this.tables);
    this.tables = this.#beforeTransaction;
    this.#beforeTransaction = undefined;
  }

  /** Applies `statement` if it is BEGIN, COMMIT or ROLLBACK; false for any other statement. */
  protected observeTransaction(statement: ParsedStatement): boolean {
    switch (transactionBoundary(statement)) {
      case "begin":
        if (!this.#beforeTransaction) {
          this.#beforeTransaction = this.tables;
          this.tables = this.tables.fork();
        }
        return true;
      case "commit":
        this.commitOpenTransaction();
        return true;
      case "rollback":
        if (this.#beforeTransaction) this.tables = this.#beforeTransaction;
        this.#beforeTransaction = undefined;
        return true;
      default:
        return false;
    }
  }
}
