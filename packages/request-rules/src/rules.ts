import Joi from 'joi';
import {
  COMPRESSIONS,
  CSV_DELIMITERS,
  CSV_PROFILE_NAMES,
  LINE_ENDINGS,
  MAX_CALLBACK_URL_LENGTH,
  MAX_EMAIL_LENGTH,
  MAX_NULL_TOKEN_LENGTH,
  MAX_QUERY_LENGTH,
  MAX_TIME_ZONE_LENGTH,
} from './fields';
import { PLAIN_ADDRESS } from './plain-address';
import { isValidTimeZone } from './time-zone';

/**
 * Each field's rule, once: the api's request schema (wire names) and the export job's schema (the
 * job's names) are both built from these, so the two cannot disagree. Presence (`required`) and
 * the names are each schema's own.
 */
export const RULES = {
  query: Joi.string().min(1).max(MAX_QUERY_LENGTH),
  // One plain address (the mailer checks it again before sending): no display name, list, group
  // or line break can re-route the mail.
  email: Joi.string()
    .max(MAX_EMAIL_LENGTH)
    .email({ tlds: { allow: false }, multiple: false })
    .pattern(PLAIN_ADDRESS, 'one plain ASCII address'),
  compression: Joi.string().valid(...COMPRESSIONS),
  csvProfile: Joi.string().valid(...CSV_PROFILE_NAMES),
  csvDelimiter: Joi.string().valid(...CSV_DELIMITERS),
  // The NULL token must not be confused with a quoted field or break a line.
  csvNullToken: Joi.string()
    .allow('')
    .max(MAX_NULL_TOKEN_LENGTH)
    // eslint-disable-next-line no-control-regex
    .pattern(/^[^"\r\n\u0000]*$/, 'no quotes, line breaks or NUL'),
  lineEnding: Joi.string().valid(...LINE_ENDINGS),
  timeZone: Joi.string()
    .max(MAX_TIME_ZONE_LENGTH)
    .custom((value: string, helpers) =>
      isValidTimeZone(value)
        ? value
        : helpers.message({ custom: '"time_zone" must be UTC, ±HH:MM or an IANA zone name' }),
    ),
  // Checked further (scheme, addresses, the key's hosts) where the key is known.
  callbackUrl: Joi.string().min(1).max(MAX_CALLBACK_URL_LENGTH),
} as const;
