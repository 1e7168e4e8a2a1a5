/**
 * Building blocks for synthetic names. Names are composed (first name + a surname built from
 * two parts), so they look real without being anyone's actual name.
 */
export const THAI_FIRST_NAMES = [
  "สมศรี", "สมชาย", "สมศักดิ์", "สมหญิง", "วรวุฒิ", "มาลัย", "ธีรวัฒน์", "เอกชัย", "กิตติพงษ์", "อภิชาติ",
  "สุดารัตน์", "ศิริพร", "ประเสริฐ", "วันเพ็ญ", "ปวีณา", "นภาพร", "ชัยวัฒน์", "พิมพ์ชนก", "ณัฐพล", "อรุณี",
  "ธนากร", "กมลชนก", "สุริยา", "จิราพร", "ปิยะพงษ์", "รัตนา", "วีระ", "อัญชลี", "ภานุวัฒน์", "ดวงใจ",
] as const;

export const THAI_SURNAME_HEADS = ["ชัย", "รุ่ง", "มั่น", "ประเสริฐ", "พรหม", "ศรี", "ทอง", "จันทร์", "ใจ", "แก้ว", "บุญ", "สุข"] as const;
export const THAI_SURNAME_TAILS = ["ศรี", "ดี", "พันธ์", "คง", "วงศ์", "ธรรม", "มา", "ไทย", "มงคล", "สวัสดิ์", "เจริญ", "ทอง"] as const;

export const ENGLISH_FIRST_NAMES = [
  "Emma", "Henry", "Pim", "Ploy", "Min-jun", "Claire", "Michael", "Sarah", "Lucas", "Wei",
  "Kenji", "David", "Olivia", "James", "Aiko", "Noah", "Chloe", "Ethan", "Mei", "Oscar",
] as const;

export const ENGLISH_SURNAME_HEADS = ["Wang", "Wright", "Tanaka", "Taylor", "Patel", "Smith", "Walk", "Tan", "Kim", "Wilson", "Brook", "Hart"] as const;
export const ENGLISH_SURNAME_TAILS = ["wood", "worth", "ford", "more", "ley", "field", "dale", "er", "ton", "by"] as const;

export const MIDDLE_INITIALS = ["A.", "J.", "M.", "X.", "Y."] as const;

export const PROVINCES = [
  ["Bangkok", "10110"],
  ["Chiang Mai", "50000"],
  ["Phuket", "83000"],
  ["Chon Buri", "20150"],
  ["Nonthaburi", "11000"],
  ["Khon Kaen", "40000"],
] as const;

export const EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example.test"] as const;
