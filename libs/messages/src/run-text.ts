import type { FailureStage } from "@crm-sync/contracts";
import type { Bilingual } from "./language.ts";

/** Who or what asked for a run. `unknown`: the ledger heard of the run before its request. */
export type RequestKind = "manual" | "schedule" | "api" | "replay" | "unknown";

export const REQUEST_TEXT: Record<RequestKind, Bilingual> = {
  manual: { th: "กดปุ่มบนแดชบอร์ด", en: "Dashboard button" },
  schedule: { th: "รอบอัตโนมัติประจำวัน", en: "Daily schedule" },
  api: { th: "แอปของสโมสร", en: "The club's app" },
  replay: { th: "นำเข้าไฟล์เดิมอีกครั้ง", en: "Replay of an earlier export" },
  unknown: { th: "ไม่ทราบ", en: "Not known" },
};

/** Stages as staff see them, for "the sync failed while …" and the run page's steps. */
export const STAGE_TEXT: Record<FailureStage, Bilingual> = {
  queued: { th: "รอเริ่ม", en: "Waiting to start" },
  scraping: { th: "ส่งออกรายชื่อลูกค้าจาก Qashier", en: "Exporting customers from Qashier" },
  uploading: { th: "จัดเก็บไฟล์ส่งออก", en: "Storing the export file" },
  parsing: { th: "อ่านไฟล์ส่งออก", en: "Reading the export file" },
  diffing: { th: "เปรียบเทียบกับข้อมูลลูกค้าเดิม", en: "Comparing with the customer table" },
  committing: { th: "บันทึกข้อมูลลูกค้า", en: "Writing the customer table" },
  notifying: { th: "ส่งการแจ้งเตือน", en: "Sending notifications" },
};

export type RunStatus = "queued" | "running" | "succeeded" | "failed";

export const STATUS_TEXT: Record<RunStatus, Bilingual> = {
  queued: { th: "รอเริ่ม", en: "Queued" },
  running: { th: "กำลังทำงาน", en: "Running" },
  succeeded: { th: "สำเร็จ", en: "Succeeded" },
  failed: { th: "ไม่สำเร็จ", en: "Failed" },
};

/** Whether the customer table was touched, the first thing the office asks after a failure. */
export const TABLE_TOUCHED_TEXT: Record<"untouched" | "touched" | "unknown", Bilingual> = {
  untouched: { th: "ข้อมูลลูกค้าไม่ถูกแก้ไข (ยังเป็นข้อมูลเดิมครบถ้วน)", en: "The customer table was not touched (it still holds the previous data)." },
  touched: { th: "ข้อมูลลูกค้าถูกอัปเดตแล้ว", en: "The customer table was updated." },
  unknown: { th: "ยังไม่ทราบว่าข้อมูลลูกค้าถูกแก้ไขหรือไม่", en: "Not yet known whether the customer table was touched." },
};
