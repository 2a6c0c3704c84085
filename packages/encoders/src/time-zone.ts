/** A TIMESTAMP, read in UTC, as wall-clock text in the export's time zone plus that zone's offset. */
interface ZonedTimestamp {
  /** `YYYY-MM-DD HH:MM:SS[.fraction]`, the fraction kept as the server sent it. */
  wall: string;
  /** `Z`, or `+HH:MM` / `-HH:MM`. */
  offset: string;
}

export type TimestampZoner = (utc: string) => ZonedTimestamp;

const FIXED_OFFSET = /^([+-])(\d{2}):(\d{2})$/;
const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;

/** Zones in which a TIMESTAMP read in UTC needs no conversion. */
export function isUtcZone(zone: string): boolean {
  return zone === 'UTC' || zone === 'Z' || zone === '+00:00' || zone === '-00:00';
}

/**
 * The session reads TIMESTAMP in UTC ('+00:00'); this moves each value to the requested zone.
 * DATETIME has no zone and is never converted. Named zones follow their daylight-saving rules.
 */
export function createTimestampZoner(zone: string): TimestampZoner {
  if (isUtcZone(zone)) {
    return (utc) => ({ wall: utc, offset: 'Z' });
  }
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed) {
    const minutes = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
    return (utc) => shift(utc, () => minutes);
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (utc) =>
    shift(utc, (epochMs) => {
      const p = Object.fromEntries(parts.formatToParts(epochMs).map((part) => [part.type, part.value]));
      const wallMs = Date.UTC(
        Number(p.year),
        Number(p.month) - 1,
        Number(p.day),
        Number(p.hour),
        Number(p.minute),
        Number(p.second),
      );
      return Math.round((wallMs - Math.floor(epochMs / 1000) * 1000) / 60_000);
    });
}

function shift(utc: string, offsetMinutesAt: (epochMs: number) => number): ZonedTimestamp {
  const m = TIMESTAMP_TEXT.exec(utc);
  // A zero or malformed timestamp has no instant to move: it is written as the server sent it.
  if (!m) return { wall: utc, offset: 'Z' };
  const epochMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (Number.isNaN(epochMs) || m[1] === '0000') return { wall: utc, offset: 'Z' };
  const minutes = offsetMinutesAt(epochMs);
  const wall = new Date(epochMs + minutes * 60_000).toISOString();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return {
    wall: `${wall.slice(0, 10)} ${wall.slice(11, 19)}${m[7] ?? ''}`,
    offset: `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`,
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');
