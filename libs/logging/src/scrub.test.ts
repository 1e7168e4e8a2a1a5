import { describe, expect, it } from "vitest";
import { REDACTED, scrubText, scrubValue } from "./scrub.ts";

describe("scrubText masks personal data wherever it stands", () => {
  it.each([
    ["Somchai-0812345678", "Somchai-[phone]"],
    ["x0812345678", "x[phone]"],
    ["0812345678abc", "[phone]abc"],
    ["tel_0812345678", "tel_[phone]"],
    ["+66812345678", "[phone]"],
    ["66812345678", "[phone]"],
    ["812345678", "[phone]"],
    ["0066812345678", "[phone]"],
    ["โทร0812345678ค่ะ", "โทร[phone]ค่ะ"],
    ["call +66 81 234 5678 now", "call [phone] now"],
    ["081-234-5678", "[phone]"],
    ["Mr.081.234.5678", "Mr.[phone]"],
    ["Pim 0812345678 2026-11-26", "Pim [phone] 2026-11-26"],
    ["00668123456789012", "[phone]"],
    ["0 8 1 2 3 4 5 6 7 8", "[phone]"],
  ])("a phone number: %s", (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it.each([
    ["somchai.k@example.com", "[email]"],
    ["Somchai<somchai.k@example.com>", "Somchai<[email]>"],
    ["mailto:somchai_k+golf@mail.example.co.th,", "mailto:[email],"],
    ["สมชาย.k@example.com", "[email]"],
    ["0812345678@example.test", "[email]"],
    ["user@ตัวอย่าง.ไทย", "[email]"],
  ])("an email address: %s", (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it.each([
    ["duplicate key name:Pim Example|2022-01-31 twice", "duplicate key name:[redacted] twice"],
    ['Key (customer_key)=(name:Pim | "Ploy" Example|2022-01-31) exists', 'Key (customer_key)=(name:[redacted]) exists'],
    ["key name:Pim Example| rejected", "key name:[redacted] rejected"],
  ])("a name key: %s", (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });
});

describe("scrubText masks a chat webhook's credential", () => {
  it.each([
    ["posting to https://hooks.slack.com/services/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t9 failed", "posting to https://hooks.slack.com/services/[redacted] failed"],
    ["relay http://127.0.0.1:9/services/T0SYNTH01/B0SYNTH02/Xk3syntheticWebhookSecret9", "relay http://127.0.0.1:9/services/[redacted]"],
    ["https://hooks.slack.com/workflows/T0SYNTH01/A0SYNTH/123/abcSecret", "https://hooks.slack.com/[redacted]"],
    [
      "https://chat.googleapis.com/v1/spaces/AAAAsynth/messages?key=AIzaSyntheticKey-0123&token=syntheticChatToken%3D",
      "https://chat.googleapis.com/v1/spaces/AAAAsynth/messages?key=[redacted]&token=[redacted]",
    ],
  ])("%s", (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it("masks a field that names a webhook, whatever its value", () => {
    expect(scrubValue({ chatWebhookUrl: "https://relay.example.test/hook", CHAT_WEBHOOK_URL: "x" })).toEqual({ chatWebhookUrl: REDACTED, CHAT_WEBHOOK_URL: REDACTED });
  });
});

describe("scrubText keeps what on-call needs", () => {
  it.each([
    ["run run-20261126T020000Z-1a2b3c failed"],
    ["run cli-20261206075500-a1b2c3 failed"],
    ["run msg-2070443601311540 failed"],
    ["event 12345678-1234-4234-8234-123456789012"],
    ["trace projects/crm-sync/traces/0af7651916cd43dd8448eb211c80319c"],
    ["sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c1500123456"],
    ["sha1 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"],
    ["at 2026-11-26T19:21:28.000Z and 2026-11-26 19:21:28+07:00"],
    ["loaded 100000 rows in 1234 ms, 13 rejected"],
    ["CSV_MALFORMED at line 3002, record 3001, column 2 (Customer)"],
    ["SQLSTATE 23505 (routine _bt_check_unique, constraint customers_customer_key_key)"],
    ["object exports/customers/2026/11/27/run-42.csv"],
    ["listening on 127.0.0.1:8080"],
  ])("%s", (input) => {
    expect(scrubText(input)).toBe(input);
  });
});

describe("scrubValue", () => {
  it("masks every value under a key that holds customer data, whatever it looks like", () => {
    const record = {
      customer_key: "name:Pim Example|2022-01-31",
      customerKey: "0812345678",
      customerName: "Pim",
      customer_name: "Pim",
      name: "Pim",
      firstName: "Pim",
      address: "12 Moo 4",
      homeAddress: "12 Moo 4",
      contact_number: "812",
      contactNumber: 812345678,
      phone: "n/a",
      phoneNormalized: "+66812345678",
      email: "pim",
      dateOfBirth: "1990-01-01",
      requestedBy: "Khun Pim",
      detail: "Key (customer_key)=(x) already exists.",
      customer: { store: "LENGOLF" },
      record: ["LENGOLF", "Pim"],
    };
    const scrubbed = scrubValue(record) as Record<string, unknown>;
    for (const key of Object.keys(record)) expect([key, scrubbed[key]]).toEqual([key, REDACTED]);
  });

  it("keeps counts, codes, ids, hashes and row numbers", () => {
    const fields = {
      runId: "run-20261126T020000Z-1a2b3c",
      eventId: "12345678-1234-4234-8234-123456789012",
      traceId: "0af7651916cd43dd8448eb211c80319c",
      "logging.googleapis.com/trace": "projects/crm-sync-test/traces/0af7651916cd43dd8448eb211c80319c",
      "logging.googleapis.com/spanId": "b7ad6b7169203331",
      spanId: "b7ad6b7169203331",
      messageId: "17293847561234",
      generation: "1732634488123456",
      sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c1500123456",
      at: "2026-11-26T19:21:28.000Z",
      code: "CSV_MALFORMED",
      counts: { rows: 100000, inserted: 12, rejected: 1 },
      row: 1234567,
      rows: 1000000,
      rejectReasons: { "Date Joined: is not a dd/mm/yyyy date": 3 },
      object: "exports/customers/2026/11/27/run-42.csv",
      stage: "parsing",
    };
    expect(scrubValue(fields)).toEqual(fields);
  });

  it("masks a kept id's digits under any other key, and an id key's value that is not an id", () => {
    expect(scrubValue({ note: "17293847561234", generation: "0812345678 Pim", spanId: "Pim 0812345678" })).toEqual({
      note: "[phone]",
      generation: "[phone] Pim",
      spanId: "Pim [phone]",
    });
  });
});
