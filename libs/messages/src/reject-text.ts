import type { Bilingual } from "./language.ts";

/**
 * Why the loader rejected a row (its reason codes), in the office's words: what to fix in
 * Qashier for that customer. The code is shown beside them.
 */
export const REJECT_TEXT = {
  WRONG_FIELD_COUNT: { th: "จำนวนช่องในแถวไม่ตรงกับหัวตาราง", en: "The row has more or fewer fields than the header." },
  NUL_CHARACTER: { th: "มีอักขระที่มองไม่เห็นซึ่งบันทึกไม่ได้", en: "It contains an invisible character that cannot be stored." },
  FIELD_TOO_LONG: { th: "ข้อความยาวเกินไป", en: "The text is too long." },
  TOO_LONG_FOR_INDEX: { th: "ข้อความยาวเกินกว่าที่ใช้ค้นหาได้", en: "The text is too long to be searchable." },
  BLANK: { th: "ช่องนี้ว่าง แต่ต้องกรอก", en: "This field is empty but required." },
  NOT_A_DATE: { th: "ไม่ใช่วันที่ที่อ่านได้", en: "Not a date that can be read." },
  NOT_AN_AMOUNT: { th: "ไม่ใช่จำนวนเงินหรือแต้มที่อ่านได้", en: "Not an amount that can be read." },
  UNKNOWN_SOURCE: { th: "ช่องทางที่มาไม่ใช่ค่าที่ Qashier ใช้", en: "The source is not one Qashier uses." },
  NOT_YES_NO: { th: "ควรเป็น ใช่ หรือ ไม่ใช่", en: "Should be yes or no." },
  DUPLICATE_KEY: { th: "ลูกค้ารายนี้ (เบอร์โทร หรือชื่อกับวันที่สมัคร) ซ้ำกับอีกแถวในไฟล์", en: "This customer (phone number, or name with date joined) appears on another row of the file too." },
} as const satisfies Record<string, Bilingual>;
export type RejectReason = keyof typeof REJECT_TEXT;
