/**
 * A contact number as the held-run review shows it: enough to recognise a customer one knows
 * (the last three digits), not enough to call anyone.
 */
export function maskPhone(contactNumber: string): string {
  const digits = contactNumber.replace(/\D/g, "");
  if (digits.length < 6) return "•••";
  return `${"•".repeat(digits.length - 3)}${digits.slice(-3)}`;
}
