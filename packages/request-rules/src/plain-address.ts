import { MAX_EMAIL_LENGTH } from './fields';

// One plain address: no display name, list, group or line break can re-route the mail. ASCII
// letters, digits and . _ + ' - only before the @: encoded words (=?…?=), % and ! routing and
// Unicode look-alikes are read differently by different mail servers ("splitting the email atom").
export const PLAIN_ADDRESS = /^[A-Za-z0-9._+'-]+@[A-Za-z0-9.-]+$/;

export function isPlainAddress(address: string): boolean {
  return address.length <= MAX_EMAIL_LENGTH && PLAIN_ADDRESS.test(address) && !address.includes('..');
}
