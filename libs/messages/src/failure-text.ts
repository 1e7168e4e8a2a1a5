import type { ErrorCode } from "@crm-sync/contracts";
import type { Bilingual } from "./language.ts";

export interface FailureText {
  /** What happened, in the office's words. */
  what: Bilingual;
  /** What the office can do about it without calling anyone (the engineer's runbook is separate). */
  todo: Bilingual;
}

/**
 * Every error code in plain words for the office, in Thai and English. A Record over ErrorCode:
 * a new code does not compile until it has its words here. The code itself is always shown beside
 * these words, so the engineer can find it in the logs.
 */
export const FAILURE_TEXT: Record<ErrorCode, FailureText> = {
  PORTAL_AUTH_FAILED: {
    what: { th: "เข้าสู่ระบบ Qashier ไม่ได้ (รหัสผ่านอาจถูกเปลี่ยนหรือบัญชีถูกล็อก)", en: "Could not sign in to Qashier (the password may have changed or the account is locked)." },
    todo: { th: "ลองเข้าสู่ระบบ Qashier ด้วยตนเอง แล้วแจ้งผู้ดูแลระบบให้อัปเดตรหัสผ่านที่ใช้ซิงก์", en: "Try signing in to Qashier yourself, then ask the administrator to update the password used by the sync." },
  },
  PORTAL_UNAVAILABLE: {
    what: { th: "ระบบ Qashier ไม่ตอบสนองหรือขัดข้อง", en: "The Qashier portal did not answer or had an error." },
    todo: { th: "ระบบจะลองใหม่เอง หากยังไม่สำเร็จ ให้เปิด Qashier ในเบราว์เซอร์ แล้วกด “อัปเดตข้อมูลลูกค้า” อีกครั้งเมื่อใช้งานได้", en: "It is retried automatically. If it keeps failing, open Qashier in a browser and press “Update Customer Data” again once it works." },
  },
  PORTAL_LAYOUT_CHANGED: {
    what: { th: "หน้าลูกค้าใน Qashier เปลี่ยนไป ระบบจึงหาปุ่มส่งออกไม่พบ", en: "The customer page in Qashier has changed, so the export button was not found." },
    todo: { th: "แจ้งผู้ดูแลระบบ (ภาพหน้าจอด้านล่างช่วยได้) ข้อมูลลูกค้าเดิมยังอยู่ครบ", en: "Tell the administrator (the screenshot below helps). The customer data you have is unchanged." },
  },
  EXPORT_TIMEOUT: {
    what: { th: "Qashier ส่งออกรายชื่อลูกค้าไม่เสร็จภายในเวลาที่กำหนด", en: "Qashier did not finish exporting the customer list in time." },
    todo: { th: "ระบบจะลองใหม่เอง หากยังไม่สำเร็จ ให้ลองส่งออกด้วยตนเองใน Qashier แล้วแจ้งผู้ดูแลระบบ", en: "It is retried automatically. If it keeps failing, try an export by hand in Qashier and tell the administrator." },
  },
  EXPORT_EMPTY: {
    what: { th: "ไฟล์ที่ส่งออกจาก Qashier ไม่มีลูกค้าเลย จึงไม่ได้นำเข้าอะไร", en: "The export from Qashier held no customers, so nothing was loaded." },
    todo: { th: "ตรวจใน Qashier ว่ารายชื่อลูกค้าไม่ว่าง และบัญชีที่ใช้ซิงก์มองเห็นทุกสาขา", en: "Check in Qashier that the customer list is not empty and that the sync's account can see every store." },
  },
  EXPORT_INCOMPLETE: {
    what: { th: "ไฟล์ที่ส่งออกไม่ครบ (จำนวนไม่ตรงกับยอดรวมใน Qashier)", en: "The export was incomplete (it did not match the total shown in Qashier)." },
    todo: { th: "ระบบจะลองใหม่เอง ข้อมูลลูกค้าเดิมยังอยู่ครบ", en: "It is retried automatically. The customer data you have is unchanged." },
  },
  CSV_HEADER_MISMATCH: {
    what: { th: "คอลัมน์ในไฟล์ส่งออกของ Qashier เปลี่ยนไป", en: "The columns of Qashier's export have changed." },
    todo: { th: "แจ้งผู้ดูแลระบบ ข้อมูลลูกค้าเดิมยังอยู่ครบ", en: "Tell the administrator. The customer data you have is unchanged." },
  },
  CSV_MALFORMED: {
    what: { th: "อ่านไฟล์ที่ส่งออกไม่ได้", en: "The export file could not be read." },
    todo: { th: "กด “อัปเดตข้อมูลลูกค้า” อีกครั้ง หากเกิดซ้ำให้แจ้งผู้ดูแลระบบ", en: "Press “Update Customer Data” again; if it happens again, tell the administrator." },
  },
  REJECT_RATIO_EXCEEDED: {
    what: { th: "มีแถวที่ข้อมูลไม่ถูกต้องมากเกินไป จึงไม่ได้นำเข้าอะไร", en: "Too many rows had invalid data, so nothing was loaded." },
    todo: { th: "ดูรายการแถวที่ถูกปฏิเสธในหน้ารายละเอียดการซิงก์ แก้ข้อมูลลูกค้าเหล่านั้นใน Qashier แล้วกด “อัปเดตข้อมูลลูกค้า” อีกครั้ง", en: "See the rejected rows on the run page, fix those customers in Qashier, then press “Update Customer Data” again." },
  },
  MASS_DELETE_HELD: {
    what: { th: "ไฟล์นี้จะลบลูกค้าออกมากกว่าที่อนุญาต จึงพักไว้รอการอนุมัติ", en: "This export would remove more customers than allowed, so it is held for approval." },
    todo: { th: "ผู้อนุมัติตรวจรายชื่อที่จะถูกลบในหน้ารายละเอียดการซิงก์ แล้วกด “อนุมัติ” หากถูกต้อง หรือ “ยกเลิก” หากไม่ถูกต้อง", en: "An approver reviews the customers that would be removed on the run page, then presses “Approve” if that is right, or “Discard” if not." },
  },
  BLOB_UNAVAILABLE: {
    what: { th: "เข้าถึงที่เก็บไฟล์ส่งออกไม่ได้", en: "The export storage could not be reached." },
    todo: { th: "ระบบจะลองใหม่เอง หากยังไม่สำเร็จให้แจ้งผู้ดูแลระบบ", en: "It is retried automatically; if it keeps failing, tell the administrator." },
  },
  DB_UNAVAILABLE: {
    what: { th: "เชื่อมต่อฐานข้อมูลลูกค้าไม่ได้", en: "The customer database could not be reached." },
    todo: { th: "ระบบจะลองใหม่เอง หากยังไม่สำเร็จให้แจ้งผู้ดูแลระบบ", en: "It is retried automatically; if it keeps failing, tell the administrator." },
  },
  DB_ERROR: {
    what: { th: "ฐานข้อมูลไม่ยอมรับการอัปเดต จึงยกเลิกทั้งหมด ข้อมูลเดิมยังอยู่ครบ", en: "The database refused the update and undid all of it; the data you have is unchanged." },
    todo: { th: "แจ้งผู้ดูแลระบบพร้อมรหัสข้อผิดพลาดนี้", en: "Tell the administrator, with this error code." },
  },
  INVALID_MESSAGE: {
    what: { th: "ส่วนต่าง ๆ ของระบบซิงก์สื่อสารกันไม่ถูกต้อง (มักเกิดหลังการอัปเดตระบบ)", en: "Parts of the sync system did not understand each other (usually after an update of the system)." },
    todo: { th: "แจ้งผู้ดูแลระบบพร้อมรหัสข้อผิดพลาดนี้", en: "Tell the administrator, with this error code." },
  },
  INTERNAL: {
    what: { th: "เกิดข้อผิดพลาดที่ไม่คาดคิด", en: "An unexpected error occurred." },
    todo: { th: "กด “อัปเดตข้อมูลลูกค้า” อีกครั้ง หากเกิดซ้ำให้แจ้งผู้ดูแลระบบพร้อมรหัสข้อผิดพลาดนี้", en: "Press “Update Customer Data” again; if it happens again, tell the administrator, with this error code." },
  },
};
