/**
 * How long one session may wait, in milliseconds (0 turns a limit off, as in Postgres). Without
 * them a stalled statement holds its locks (the loader's advisory lock among them) until the
 * platform kills the process.
 */
export interface SessionTimeouts {
  /** `statement_timeout`: the longest one statement may run. */
  statementMs: number;
  /** `lock_timeout`: the longest a statement waits for a table, row or advisory lock. */
  lockMs: number;
  /** `idle_in_transaction_session_timeout`: the longest an open transaction may sit between statements. */
  idleInTransactionMs: number;
}

/**
 * Settings crm-sync owns on every session. A database URL may not set them (see
 * parseDatabaseUrl): postgres.js lets the URL's query parameters override its options.
 */
export const OWNED_SETTINGS = [
  "client_encoding",
  "statement_timeout",
  "lock_timeout",
  "idle_in_transaction_session_timeout",
  "standard_conforming_strings",
  "backslash_quote",
] as const;

/**
 * Start-up parameters of every Postgres session. `client_encoding` is UTF8 because sqlLiteral's
 * escaping is sound only in an encoding where no multi-byte character contains the bytes of `\`
 * or `'` (in SJIS one does, and with `backslash_quote=on` a value could end the literal early);
 * postgres.js always writes UTF-8, so any other client encoding would also garble text.
 */
export function sessionParameters(timeouts: SessionTimeouts | undefined): Record<string, string> {
  return {
    ...(timeouts === undefined
      ? {}
      : {
          statement_timeout: String(ms(timeouts.statementMs)),
          lock_timeout: String(ms(timeouts.lockMs)),
          idle_in_transaction_session_timeout: String(ms(timeouts.idleInTransactionMs)),
        }),
    client_encoding: "UTF8",
  };
}

/**
 * The same timeouts as `set local` statements, for the start of each transaction behind a
 * transaction pooler: it hands every transaction to some server session opened with its own
 * start-up parameters, so ours do not reach the server there.
 */
export function setLocalTimeouts(timeouts: SessionTimeouts | undefined): string {
  if (timeouts === undefined) return "";
  return (
    `set local statement_timeout = ${ms(timeouts.statementMs)}; ` +
    `set local lock_timeout = ${ms(timeouts.lockMs)}; ` +
    `set local idle_in_transaction_session_timeout = ${ms(timeouts.idleInTransactionMs)};`
  );
}

function ms(value: number): number {
  // Interpolated into SQL: only a whole number Postgres can hold (an int of milliseconds) may pass.
  if (!Number.isInteger(value) || value < 0 || value > 2_147_483_647) throw new RangeError("A session timeout must be a whole number of milliseconds.");
  return value;
}
