const FIXED_OFFSET = /^[+-]\d{2}:\d{2}$/;

/** True for `UTC`, `Z`, `±HH:MM`, and IANA names this Node knows (`Europe/Paris`). */
export function isValidTimeZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Z' || FIXED_OFFSET.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
