/**
 * The reliability suites of issue 10, in the order docs/reliability.md lists them. The report
 * reporter writes a section for each and the currentness test checks the committed report
 * against the cases these files hold, so adding a suite here is all it takes to report it.
 */
export interface ReliabilitySuite {
  /** Test file, relative to the repository root. */
  file: string;
  title: string;
  /** One line: what a green run of this suite proves. */
  proves: string;
}

export const RELIABILITY_REPORT = "docs/reliability.md";

export const RELIABILITY_SUITES: readonly ReliabilitySuite[] = [
  {
    file: "tools/stack/test/faults.integration.test.ts",
    title: "Fault injection on the multi-process stack",
    proves:
      "A kill -9 of any service, an outage of Postgres, the blob store or SMTP at the stage each case names (checked: the stage at the kill, the redelivery, the lock held) ends with the run final in the ledger, exactly one outcome published, the table equal to the last good export as the test reads it, and exactly the emails due.",
  },
  {
    file: "services/loader/test/bad-exports.integration.test.ts",
    title: "Bad exports",
    proves:
      "Every malformed, truncated, drifted or suspicious export is either refused with its documented error code, leaving the table untouched, or loaded with the documented counts.",
  },
  {
    file: "test/load/single-flight.integration.test.ts",
    title: "Single flight under 100 simultaneous presses",
    proves: "Many people pressing Update Customer Data at once (checked: in flight together at the server) start one run; the rest are coalesced onto it.",
  },
  {
    file: "test/load/duplicate-deliveries.integration.test.ts",
    title: "1,000 duplicate deliveries of each event",
    proves: "Pub/Sub's at-least-once delivery has one effect: one ledger row, one load, one sync-completed, one email.",
  },
  {
    file: "tools/stack/test/million.integration.test.ts",
    title: "1,000,000 customers end to end",
    proves:
      "A million-customer export is scraped, stored and loaded on the multi-process stack with the loader's memory flat, and the table then holds every customer exactly as the stored export has it (read by the test, not the loader).",
  },
  {
    file: "test/security/endpoint-auth.integration.test.ts",
    title: "Endpoint authentication and roles",
    proves:
      "Every HTTP route refuses missing, wrong, forged, expired and misdirected credentials (API tokens, Google ID tokens, Pub/Sub OIDC tokens) and never logs one; every API route lets each role (viewer, operator, approver; token or service account) through at or above its least role and answers 403 ROLE_REQUIRED below it.",
  },
  {
    file: "test/security/body-limits.integration.test.ts",
    title: "Request body limits",
    proves: "Every POST route refuses a 2 MB body (413 when authenticated, 401 before reading it when not) and no handler runs.",
  },
  {
    file: "test/security/object-names.integration.test.ts",
    title: "Object names cannot escape their prefix",
    proves: "Traversal, absolute, encoded and foreign-bucket object names in messages, API calls and the blob store are refused and load nothing.",
  },
  {
    file: "test/security/no-secrets-in-logs-or-emails.integration.test.ts",
    title: "No secrets or personal data in logs or emails",
    proves: "Passwords, tokens, presented credentials and customers' personal data appear in no log line, email or status message, in success and failure.",
  },
  {
    file: "test/security/npm-audit.integration.test.ts",
    title: "Production dependency advisories",
    proves: "npm audit finds no high or critical advisory in the production dependencies.",
  },
];
