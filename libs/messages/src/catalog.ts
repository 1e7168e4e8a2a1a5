import type { ErrorCode, FailureStage } from "@crm-sync/contracts";
import { FAILURE_TEXT } from "./failure-text.ts";
import { formatConventions } from "./format.ts";
import type { Language } from "./language.ts";
import { REJECT_TEXT, type RejectReason } from "./reject-text.ts";
import { REQUEST_TEXT, STAGE_TEXT, STATUS_TEXT, TABLE_TOUCHED_TEXT, type RequestKind, type RunStatus } from "./run-text.ts";

/** One language's texts as plain JSON, for a page that has no build step (the trigger serves it). */
export interface MessageCatalog {
  language: Language;
  failures: Record<ErrorCode, { what: string; todo: string }>;
  requests: Record<RequestKind, string>;
  stages: Record<FailureStage, string>;
  statuses: Record<RunStatus, string>;
  tableTouched: Record<keyof typeof TABLE_TOUCHED_TEXT, string>;
  rejects: Record<RejectReason, string>;
  format: ReturnType<typeof formatConventions>;
}

function pick<K extends string>(texts: Record<K, Readonly<Record<Language, string>>>, language: Language): Record<K, string> {
  return Object.fromEntries(Object.entries<Readonly<Record<Language, string>>>(texts).map(([key, text]) => [key, text[language]])) as Record<K, string>;
}

export function messageCatalog(language: Language): MessageCatalog {
  const failures = Object.fromEntries(
    Object.entries(FAILURE_TEXT).map(([code, text]) => [code, { what: text.what[language], todo: text.todo[language] }]),
  ) as MessageCatalog["failures"];
  return {
    language,
    failures,
    requests: pick(REQUEST_TEXT, language),
    stages: pick(STAGE_TEXT, language),
    statuses: pick(STATUS_TEXT, language),
    tableTouched: pick(TABLE_TOUCHED_TEXT, language),
    rejects: pick(REJECT_TEXT, language),
    format: formatConventions(language),
  };
}
