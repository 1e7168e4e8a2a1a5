/**
 * What a typed phone number is searched by: its digits without the trunk 0 or the country code
 * (66), so "081-234-5678", "0812345678", "812345678" and "+66 81 234 5678" find the same customer
 * however the export wrote the number. Undefined when the text is not a number to search by.
 */
export function phoneSearchCore(typed: string): string | undefined {
  if (/[^\d\s()+\-.]/.test(typed)) return undefined;
  let digits = typed.replace(/\D/g, "");
  if (digits.startsWith("0066")) digits = digits.slice(4);
  else if (digits.startsWith("66") && digits.length >= 10) digits = digits.slice(2);
  if (digits.startsWith("0")) digits = digits.slice(1);
  return digits.length >= 4 ? digits : undefined;
}
