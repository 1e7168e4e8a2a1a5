import type { ErrorCode, SyncCounts } from "@crm-sync/contracts";
import { FAILURE_TEXT, formatDuration, formatNumber, REQUEST_TEXT, STAGE_TEXT, TABLE_TOUCHED_TEXT, type Language } from "@crm-sync/messages";
import type { AlertFacts } from "./alert-facts.ts";
import { formatHours, formatWhen } from "./when.ts";

/**
 * The office's side of an alert, in one language: what happened, what to do, whether the
 * customer table was touched, the last good sync. The words for codes, stages, request kinds and
 * the table come from @crm-sync/messages (shared with the dashboard); the sentences around them
 * live here. Every code is shown beside its words, so the engineer can find it in the logs.
 */
export interface AlertWords {
  headings: { what: string; todo: string; table: string; lastGood: string };
  /** A short headline for the subject and the chat message. */
  headline(facts: AlertFacts): string;
  whatHappened(facts: AlertFacts): string[];
  whatToDo(facts: AlertFacts): string[];
  customerTable(facts: AlertFacts): string;
  lastGoodSync(facts: AlertFacts): string;
  /** Labels of the links every reader needs. */
  runPage: string;
  rejectedRows: string;
  dashboard: string;
}

const held = (facts: AlertFacts) => facts.code === "MASS_DELETE_HELD";
const codeWords = (code: ErrorCode | null) => FAILURE_TEXT[code ?? "INTERNAL"];

function countsLine(counts: SyncCounts, language: Language): string {
  const n = (value: number) => formatNumber(value, language);
  return language === "th"
    ? `อ่าน ${n(counts.rows)} แถว เพิ่ม ${n(counts.inserted)} แก้ไข ${n(counts.updated)} ไม่เปลี่ยน ${n(counts.unchanged)} นำออก ${n(counts.softDeleted)} กลับมา ${n(counts.revived)} ถูกปฏิเสธ ${n(counts.rejected)}`
    : `${n(counts.rows)} rows read, ${n(counts.inserted)} inserted, ${n(counts.updated)} updated, ${n(counts.unchanged)} unchanged, ${n(counts.softDeleted)} removed, ${n(counts.revived)} returned, ${n(counts.rejected)} rejected`;
}

/** "Daily schedule (schedule)": the words first, the ledger's code beside them. */
function requestLine(facts: AlertFacts, language: Language): string[] {
  if (facts.requestKind === null) return [];
  const words = `${REQUEST_TEXT[facts.requestKind][language]} (${facts.requestKind})`;
  return [language === "th" ? `ผู้สั่งให้ซิงก์: ${words}` : `Requested by: ${words}`];
}

const THAI: AlertWords = {
  headings: { what: "เกิดอะไรขึ้น", todo: "สิ่งที่ต้องทำ", table: "ข้อมูลลูกค้า", lastGood: "ซิงก์สำเร็จครั้งล่าสุด" },
  headline(facts) {
    switch (facts.kind) {
      case "failing":
        return held(facts) ? "พักไว้รอการอนุมัติ" : "ซิงก์ข้อมูลลูกค้าไม่สำเร็จ";
      case "changed":
        return held(facts) ? "พักไว้รอการอนุมัติ" : "ปัญหาการซิงก์เปลี่ยนไป";
      case "reminder":
        return held(facts) ? "ยังรอการอนุมัติ" : "ซิงก์ข้อมูลลูกค้ายังไม่สำเร็จ";
      case "recovered":
        return "ซิงก์ข้อมูลลูกค้ากลับมาสำเร็จแล้ว";
      case "dead-letter":
        return "มีข้อความในระบบซิงก์ค้างอยู่";
      case "stale":
        return `ไม่มีการซิงก์ที่สำเร็จนานเกิน ${formatHours(facts.staleAfterMs, "th")}`;
      case "fresh":
        return "ข้อมูลลูกค้าเป็นปัจจุบันแล้ว";
    }
  },
  whatHappened(facts) {
    const run = facts.runId === null ? "" : ` (รอบ ${facts.runId})`;
    const since = facts.since === null ? [] : [`ปัญหาเริ่มเมื่อ ${formatWhen(facts.since, "th")}`];
    switch (facts.kind) {
      case "failing":
      case "changed":
      case "reminder": {
        const stage = facts.stage === null ? "" : ` ระหว่างขั้นตอน “${STAGE_TEXT[facts.stage].th}” (${facts.stage})`;
        const attempt = facts.attempt === null ? "" : ` ครั้งที่ ${formatNumber(facts.attempt, "th")}`;
        const lines = [
          `การซิงก์ข้อมูลลูกค้า${run} ${held(facts) ? "ถูกพักไว้" : "ไม่สำเร็จ"}${stage} เมื่อ ${formatWhen(facts.occurredAt, "th")}${attempt}`,
          `${codeWords(facts.code).what.th} (รหัส ${facts.code ?? "INTERNAL"})`,
          ...requestLine(facts, "th"),
        ];
        if (facts.kind === "changed") lines.push(`ปัญหาเปลี่ยนไป ก่อนหน้านี้คือ ${facts.previousCode ?? "รหัสอื่น"}`, ...since);
        if (facts.kind === "reminder") lines.push("ยังไม่สำเร็จด้วยสาเหตุเดิม", ...since);
        return lines;
      }
      case "recovered": {
        const took = facts.durationMs === null ? "" : ` ใช้เวลา ${formatDuration(facts.durationMs, "th")}`;
        return [`การซิงก์ข้อมูลลูกค้า${run} สำเร็จเมื่อ ${formatWhen(facts.occurredAt, "th")}${took}`, ...since];
      }
      case "dead-letter":
        return [
          `ข้อความหนึ่งในระบบซิงก์${facts.runId === null ? "" : ` ของรอบ ${facts.runId}`} ถูกพักไว้เพราะประมวลผลไม่ได้ รอบนั้นจะค้างจนกว่าผู้ดูแลระบบจะแก้ไข`,
          ...(facts.code === null ? [] : [`${FAILURE_TEXT[facts.code].what.th} (รหัส ${facts.code})`]),
        ];
      case "stale":
        return [
          `ไม่มีการซิงก์ข้อมูลลูกค้าที่สำเร็จนานเกิน ${formatHours(facts.staleAfterMs, "th")} (ตรวจเมื่อ ${formatWhen(facts.occurredAt, "th")})`,
          "ข้อมูลลูกค้าที่พนักงานเห็นอาจไม่เป็นปัจจุบัน",
        ];
      case "fresh":
        return [
          `การซิงก์ข้อมูลลูกค้าสำเร็จ${facts.lastSuccess === null ? "" : `เมื่อ ${formatWhen(facts.lastSuccess.at, "th")}`} ข้อมูลเป็นปัจจุบันแล้ว`,
          ...since,
        ];
    }
  },
  whatToDo(facts) {
    switch (facts.kind) {
      case "failing":
      case "changed":
      case "reminder":
        return [codeWords(facts.code).todo.th];
      case "recovered":
        return (facts.counts?.rejected ?? 0) > 0
          ? ["ไม่ต้องทำอะไรเพิ่ม การแจ้งเตือนก่อนหน้าสิ้นสุดแล้ว", "มีบางแถวถูกปฏิเสธ: ดูรายการในหน้ารายการซิงก์ แล้วแก้ข้อมูลลูกค้าเหล่านั้นใน Qashier"]
          : ["ไม่ต้องทำอะไร การแจ้งเตือนก่อนหน้าสิ้นสุดแล้ว"];
      case "fresh":
        return ["ไม่ต้องทำอะไร การแจ้งเตือนก่อนหน้าสิ้นสุดแล้ว"];
      case "dead-letter":
        return ["แจ้งผู้ดูแลระบบพร้อมรหัสรอบนี้ ข้อมูลลูกค้าเดิมยังอยู่ครบ"];
      case "stale":
        return ["กด “อัปเดตข้อมูลลูกค้า” บนแดชบอร์ดเพื่อซิงก์ทันที หากยังไม่สำเร็จ ให้แจ้งผู้ดูแลระบบ"];
    }
  },
  customerTable(facts) {
    if (facts.kind === "recovered" && facts.counts !== null) return `${TABLE_TOUCHED_TEXT.touched.th} ${countsLine(facts.counts, "th")}`;
    if (facts.kind === "recovered" || facts.kind === "fresh") return "ข้อมูลลูกค้าเป็นปัจจุบัน";
    if (facts.kind === "stale") return "ข้อมูลลูกค้ายังไม่ได้อัปเดตตั้งแต่การซิงก์ที่สำเร็จครั้งล่าสุด";
    if (facts.destinationUntouched === true) return TABLE_TOUCHED_TEXT.untouched.th;
    if (facts.destinationUntouched === false) return "ข้อมูลลูกค้าอาจถูกแก้ไขบางส่วนก่อนที่รอบนี้จะล้มเหลว ดูรายละเอียดในหน้ารายการซิงก์";
    return TABLE_TOUCHED_TEXT.unknown.th;
  },
  lastGoodSync(facts) {
    const last = facts.lastSuccess;
    if (last === null) return "ยังไม่มีการซิงก์ที่สำเร็จ";
    return `${formatWhen(last.at, "th")}${last.runId === null ? "" : ` รอบ ${last.runId}`}`;
  },
  runPage: "หน้ารายการซิงก์",
  rejectedRows: "แถวที่ถูกปฏิเสธ",
  dashboard: "แดชบอร์ด",
};

const ENGLISH: AlertWords = {
  headings: { what: "What happened", todo: "What to do", table: "Customer table", lastGood: "Last good sync" },
  headline(facts) {
    const stage = facts.stage ?? "unknown stage";
    const code = facts.code ?? "INTERNAL";
    switch (facts.kind) {
      case "failing":
        return `FAILED at ${stage}: ${code}`;
      case "changed":
        return `FAILURE CHANGED at ${stage}: ${code} (was ${facts.previousCode ?? "another code"})`;
      case "reminder":
        return `STILL FAILING at ${stage}: ${code}`;
      case "recovered":
        return "RECOVERED: the customer sync succeeded again";
      case "dead-letter":
        return `DEAD LETTER from ${facts.deadLetter?.sourceSubscription ?? "a subscription"}: a message is stuck${facts.code === null ? "" : ` (${facts.code})`}`;
      case "stale":
        return `STALE: no successful customer sync for ${formatHours(facts.staleAfterMs, "en")}`;
      case "fresh":
        return "FRESH: customer data is up to date again";
    }
  },
  whatHappened(facts) {
    const run = facts.runId === null ? "" : ` run ${facts.runId}`;
    const since = facts.since === null ? "" : ` The problem began at ${formatWhen(facts.since, "en")}.`;
    switch (facts.kind) {
      case "failing":
      case "changed":
      case "reminder": {
        const stage = facts.stage === null ? "at an unknown stage" : `during “${STAGE_TEXT[facts.stage].en}” (stage ${facts.stage})`;
        const attempt = facts.attempt === null ? "" : `, attempt ${formatNumber(facts.attempt, "en")}`;
        const lines = [
          `The customer sync${run} ${held(facts) ? "was held for approval" : "failed"} ${stage} at ${formatWhen(facts.occurredAt, "en")}${attempt}.`,
          `Error code ${facts.code ?? "INTERNAL"}: ${codeWords(facts.code).what.en}`,
          ...requestLine(facts, "en"),
        ];
        if (facts.kind === "changed") lines.push(`The failure changed: before it was ${facts.previousCode ?? "another code"}.${since}`);
        if (facts.kind === "reminder") lines.push(`It keeps failing the same way.${since}`);
        return lines;
      }
      case "recovered": {
        const took = facts.durationMs === null ? "" : ` in ${formatDuration(facts.durationMs, "en")}`;
        return [`The customer sync${run} succeeded at ${formatWhen(facts.occurredAt, "en")}${took}.${since}`];
      }
      case "dead-letter": {
        const letter = facts.deadLetter;
        const topic = letter?.topic == null ? "" : ` on topic ${letter.topic}`;
        const attempts = letter?.deliveryAttempts == null ? "" : ` after ${letter.deliveryAttempts} delivery attempts`;
        return [
          `A pipeline message${topic} could not be handled${attempts} and was set aside (dead-lettered) by subscription ${letter?.sourceSubscription ?? "unknown"}.`,
          `Run: ${facts.runId ?? "unknown"}. Message id: ${letter?.messageId ?? "unknown"}. The run it belongs to is stuck until someone acts.`,
          ...(facts.code === null ? [] : [`Error code ${facts.code}: ${FAILURE_TEXT[facts.code].what.en}`]),
        ];
      }
      case "stale":
        return [
          `No customer sync has succeeded for more than ${formatHours(facts.staleAfterMs, "en")} (checked at ${formatWhen(facts.occurredAt, "en")}).`,
          "The customer data staff see may be out of date.",
        ];
      case "fresh":
        return [`A customer sync succeeded${facts.lastSuccess === null ? "" : ` at ${formatWhen(facts.lastSuccess.at, "en")}`}, ending the stale period.${since}`];
    }
  },
  whatToDo(facts) {
    switch (facts.kind) {
      case "failing":
      case "changed":
      case "reminder":
        return [codeWords(facts.code).todo.en];
      case "recovered":
        return (facts.counts?.rejected ?? 0) > 0
          ? ["Nothing: this closes the earlier alert.", "Some rows were rejected: see them on the run page and fix those customers in Qashier."]
          : ["Nothing: this closes the earlier alert."];
      case "fresh":
        return ["Nothing: this closes the earlier alert."];
      case "dead-letter":
        return ["Tell the administrator, with this run's id. The customer data you have is unchanged."];
      case "stale":
        return ["Press Update Customer Data on the dashboard to run a sync now; if it does not succeed, tell the administrator."];
    }
  },
  customerTable(facts) {
    if (facts.kind === "recovered" && facts.counts !== null) return `The customer table is up to date: ${countsLine(facts.counts, "en")}.`;
    if (facts.kind === "recovered" || facts.kind === "fresh") return "The customer table is up to date.";
    if (facts.kind === "stale") return "The customer table has not been updated since the last good sync.";
    if (facts.destinationUntouched === true) return "The customer table was not changed: it still holds the data of the last good sync.";
    if (facts.destinationUntouched === false) return "The customer table may have been changed by this run before it failed: check the run page.";
    return "Whether the customer table was changed cannot be told from this message: open the run page to check.";
  },
  lastGoodSync(facts) {
    const last = facts.lastSuccess;
    if (last === null) return "No successful sync is on record.";
    return `${formatWhen(last.at, "en")}${last.runId === null ? "" : `, run ${last.runId}`}.`;
  },
  runPage: "Run page",
  rejectedRows: "Rejected rows",
  dashboard: "Dashboard",
};

export const ALERT_WORDS: Record<Language, AlertWords> = { th: THAI, en: ENGLISH };
