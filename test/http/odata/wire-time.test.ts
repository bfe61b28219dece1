import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../../../src/domain/errors.js';
import { toLocal } from '../../../src/domain/time.js';
import {
  UNSET_WIRE_TIME,
  formatTimeOfDay,
  formatWireTime,
  parseRequestedTime,
  parseTimeOfDay,
  parseWireDateTime,
  tryParseWireDateTime,
} from '../../../src/http/odata/wire-time.js';

function isBadRequest(pattern?: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof DomainError, `expected a DomainError, got ${String(e)}`);
    assert.equal(e.code, 'BadRequest');
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

/** Date.UTC that keeps years 0-99 as written. */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, s, ms);
  return t.getTime();
}

test('an unset time is the .NET minimum without a zone', () => {
  assert.equal(UNSET_WIRE_TIME, '0001-01-01T00:00:00');
  assert.equal(formatWireTime(null), '0001-01-01T00:00:00');
});

test('times are ISO UTC with Z and .NET-style trimmed milliseconds', () => {
  assert.equal(formatWireTime(Date.UTC(2015, 6, 12, 4, 48, 17, 460)), '2015-07-12T04:48:17.46Z');
  assert.equal(formatWireTime(Date.UTC(2015, 6, 12, 4, 35, 0, 0)), '2015-07-12T04:35:00Z');
  assert.equal(formatWireTime(Date.UTC(2015, 6, 12, 4, 35, 0, 100)), '2015-07-12T04:35:00.1Z');
  assert.equal(formatWireTime(Date.UTC(2015, 6, 12, 4, 35, 0, 123)), '2015-07-12T04:35:00.123Z');
  assert.equal(formatWireTime(Date.UTC(2015, 6, 12, 4, 35, 0, 5)), '2015-07-12T04:35:00.005Z');
  assert.equal(formatWireTime(0), '1970-01-01T00:00:00Z');
  assert.equal(formatWireTime(utc(1, 1, 1)), '0001-01-01T00:00:00Z');
});

test('times of day are written on day 0001-01-01', () => {
  assert.equal(formatTimeOfDay(480), '0001-01-01T08:00:00');
  assert.equal(formatTimeOfDay(0), '0001-01-01T00:00:00');
  assert.equal(formatTimeOfDay(17 * 60 + 30), '0001-01-01T17:30:00');
  assert.equal(formatTimeOfDay(1439), '0001-01-01T23:59:00');
  for (const bad of [-1, 1440, 1.5, Number.NaN]) assert.throws(() => formatTimeOfDay(bad), RangeError);
});

test('wire date-times parse with and without zones', () => {
  assert.equal(parseWireDateTime('2015-01-09T08:26:49.721Z'), Date.UTC(2015, 0, 9, 8, 26, 49, 721));
  assert.equal(parseWireDateTime('2015-01-09T08:26:49.721'), Date.UTC(2015, 0, 9, 8, 26, 49, 721));
  assert.equal(parseWireDateTime('2015-01-09T08:26:49'), Date.UTC(2015, 0, 9, 8, 26, 49));
  assert.equal(parseWireDateTime('2015-01-09T08:26'), Date.UTC(2015, 0, 9, 8, 26));
  assert.equal(parseWireDateTime('2015-01-09T08:26:49.7Z'), Date.UTC(2015, 0, 9, 8, 26, 49, 700));
  // .NET writes seven fractional digits (ticks); below a millisecond is dropped.
  assert.equal(parseWireDateTime('2015-01-09T08:26:49.7219999Z'), Date.UTC(2015, 0, 9, 8, 26, 49, 721));
  assert.equal(parseWireDateTime('2015-01-09T10:26:49+02:00'), Date.UTC(2015, 0, 9, 8, 26, 49));
  assert.equal(parseWireDateTime('2015-01-09T00:26:49-08:00'), Date.UTC(2015, 0, 9, 8, 26, 49));
  assert.equal(parseWireDateTime('2015-01-09T08:26:49+00:00'), Date.UTC(2015, 0, 9, 8, 26, 49));
  assert.equal(parseWireDateTime('2015-01-09t08:26:49z'), Date.UTC(2015, 0, 9, 8, 26, 49));
});

test('the .NET minimum parses to year 1, not 1901', () => {
  const min = parseWireDateTime(UNSET_WIRE_TIME);
  assert.equal(min, utc(1, 1, 1));
  assert.equal(new Date(min).getUTCFullYear(), 1);
  assert.notEqual(min, Date.UTC(1, 0, 1)); // Date.UTC reads year 1 as 1901
  assert.equal(parseWireDateTime('0099-12-31T23:59:59Z'), utc(99, 12, 31, 23, 59, 59));
  assert.equal(parseWireDateTime('9999-12-31T23:59:59.999Z'), Date.UTC(9999, 11, 31, 23, 59, 59, 999));
});

test('impossible dates and malformed text are refused', () => {
  const cases: [string, RegExp][] = [
    ['2015-13-01T00:00:00Z', /month 13 does not exist/],
    ['2015-00-01T00:00:00Z', /month 0 does not exist/],
    ['2015-02-30T00:00:00Z', /day 30 does not exist in month 2 of 2015/],
    ['2015-02-29T00:00:00Z', /day 29 does not exist in month 2 of 2015/],
    ['1900-02-29T00:00:00Z', /day 29 does not exist/],
    ['2015-04-31T00:00:00Z', /day 31 does not exist in month 4/],
    ['2015-01-00T00:00:00Z', /day 0 does not exist/],
    ['2015-01-01T24:00:00Z', /hour 24 is out of range/],
    ['2015-01-01T23:60:00Z', /minute 60 is out of range/],
    ['2015-01-01T23:59:60Z', /second 60 is out of range/],
    ['0000-01-01T00:00:00Z', /year 0 is outside 0001-9999/],
    ['2015-01-01T00:00:00+15:00', /offset \+15:00 is out of range/],
    ['2015-01-01T00:00:00+01:60', /offset \+01:60 is out of range/],
    ['2015-01-01', /expected YYYY-MM-DDTHH:mm/],
    ['2015-01-01 00:00:00', /expected YYYY-MM-DDTHH:mm/],
    ['2015-1-1T00:00:00', /expected/],
    ['2015-01-01T00:00:00.Z', /expected/],
    ['2015-01-01T00:00:00+0100', /expected/],
    ['12345-01-01T00:00:00Z', /expected/],
    ['  2015-01-01T00:00:00Z', /expected/],
    ['', /expected/],
    ['now', /expected/],
  ];
  for (const [raw, why] of cases) {
    assert.throws(() => parseWireDateTime(raw), isBadRequest(why), raw);
    const r = tryParseWireDateTime(raw);
    assert.equal(r.ok, false, raw);
  }
  assert.equal(parseWireDateTime('2016-02-29T00:00:00Z'), Date.UTC(2016, 1, 29));
  assert.equal(parseWireDateTime('2000-02-29T00:00:00Z'), Date.UTC(2000, 1, 29));
});

const YEAR_ONE = new Date(utc(1, 1, 1));
const LAST = new Date('9999-12-31T23:59:59.999Z');

test('property: formatWireTime and parseWireDateTime are inverses over .NET years', () => {
  fc.assert(
    fc.property(fc.date({ min: YEAR_ONE, max: LAST, noInvalidDate: true }), (d) => {
      const text = formatWireTime(d.getTime());
      assert.match(text, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/);
      assert.doesNotMatch(text, /\.\d*0Z$/);
      assert.equal(parseWireDateTime(text), d.getTime());
    }),
    { numRuns: 1000 },
  );
});

test('property: parseWireDateTime agrees with Date on valid text and never throws anything but BadRequest', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: LAST, noInvalidDate: true }), (d) => {
      assert.equal(parseWireDateTime(d.toISOString()), d.getTime());
    }),
  );
  const fields = fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
    )
    .map(([y, mo, d, h, mi, s]) => {
      const p = (n: number, w = 2): string => String(n).padStart(w, '0');
      return { y, mo, d, h, mi, s, text: `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}Z` };
    });
  fc.assert(
    fc.property(fields, ({ y, mo, d, h, mi, s, text }) => {
      const r = tryParseWireDateTime(text);
      const t = new Date(utc(y, mo, d, h, mi, s));
      // Valid exactly when the calendar does not have to roll anything over.
      const real =
        y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && h <= 23 && mi <= 59 && s <= 59 && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
      assert.equal(r.ok, real, text);
      if (r.ok) assert.equal(r.at, t.getTime());
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (raw) => {
      try {
        assert.ok(Number.isFinite(parseWireDateTime(raw)));
      } catch (e) {
        isBadRequest()(e);
      }
    }),
  );
});

test('times of day read back from the 0001-01-01 encoding', () => {
  assert.equal(parseTimeOfDay('0001-01-01T08:00:00'), 480);
  assert.equal(parseTimeOfDay('0001-01-01T08:00'), 480);
  assert.equal(parseTimeOfDay('0001-01-01T23:59:00Z'), 1439);
  assert.equal(parseTimeOfDay('0001-01-01T00:00:00+00:00'), 0);
  for (let m = 0; m < 1440; m += 7) assert.equal(parseTimeOfDay(formatTimeOfDay(m)), m);
  assert.throws(() => parseTimeOfDay('2015-07-12T08:00:00'), isBadRequest(/is not a time of day; a time of day is written as that time on day 0001-01-01/));
  assert.throws(() => parseTimeOfDay('0001-01-01T08:00:30'), isBadRequest(/with zero seconds/));
  assert.throws(() => parseTimeOfDay('0001-01-01T08:00:00.5'), isBadRequest(/with zero seconds/));
  assert.throws(() => parseTimeOfDay('0001-01-01T08:00:00+02:00'), isBadRequest(/has a zone offset/));
  assert.throws(() => parseTimeOfDay('08:00'), isBadRequest(/not a valid date and time/));
});

test('RequestedTime: the spec example in the picker format', () => {
  assert.equal(parseRequestedTime('2015/07/11 23:40', 'America/Los_Angeles'), Date.parse('2015-07-12T06:40:00Z'));
  assert.equal(formatWireTime(parseRequestedTime('2015/07/11 23:40', 'America/Los_Angeles')), '2015-07-12T06:40:00Z');
});

test('RequestedTime: empty means now', () => {
  for (const blank of ['', ' ', '\t\n ']) assert.equal(parseRequestedTime(blank, 'UTC'), null);
});

test('RequestedTime: zoned ISO text is that instant whatever the server zone', () => {
  assert.equal(parseRequestedTime('2015-07-12T06:40:00Z', 'America/Los_Angeles'), Date.UTC(2015, 6, 12, 6, 40));
  assert.equal(parseRequestedTime('2015-07-12T08:40:00+02:00', 'Asia/Tokyo'), Date.UTC(2015, 6, 12, 6, 40));
  assert.equal(parseRequestedTime(' 2015-07-12T06:40:00.5Z ', 'UTC'), Date.UTC(2015, 6, 12, 6, 40, 0, 500));
});

test('RequestedTime: zone-less forms are read in the server zone', () => {
  const la = 'America/Los_Angeles';
  const expected = Date.UTC(2015, 6, 12, 6, 40);
  assert.equal(parseRequestedTime('2015-07-11 23:40', la), expected);
  assert.equal(parseRequestedTime('2015-07-11 23:40:00', la), expected);
  assert.equal(parseRequestedTime('2015-07-11T23:40', la), expected);
  assert.equal(parseRequestedTime('2015-07-11T23:40:00', la), expected);
  assert.equal(parseRequestedTime('2015/7/1 9:05', la), Date.UTC(2015, 6, 1, 16, 5));
  // Winter: UTC-8.
  assert.equal(parseRequestedTime('2015/01/11 23:40', la), Date.UTC(2015, 0, 12, 7, 40));
  assert.equal(parseRequestedTime('2015/01/11 23:40', 'Europe/Paris'), Date.UTC(2015, 0, 11, 22, 40));
  assert.equal(parseRequestedTime('2015/01/11 23:40', 'UTC'), Date.UTC(2015, 0, 11, 23, 40));
  // 02:30 does not exist on the spring-forward night; either neighbouring offset is a fair reading.
  const gap = parseRequestedTime('2015/03/08 02:30', la);
  assert.ok(gap === Date.UTC(2015, 2, 8, 9, 30) || gap === Date.UTC(2015, 2, 8, 10, 30), String(gap));
});

test('RequestedTime: anything else is refused, naming the accepted formats', () => {
  const formats = /accepted formats: 'YYYY\/MM\/DD HH:mm'.*ISO 8601/;
  for (const bad of ['tomorrow', '2015/07/11', '11/07/2015 23:40', '2015/07/11 23:40 PM', '2015-07-11T23:40:00+0200', '1436680800000', '2015/07-11 23:40']) {
    assert.throws(() => parseRequestedTime(bad, 'UTC'), isBadRequest(formats), bad);
  }
  assert.throws(() => parseRequestedTime('2015/02/30 10:00', 'UTC'), isBadRequest(/day 30 does not exist in month 2 of 2015/));
  assert.throws(() => parseRequestedTime('2015/07/11 24:00', 'UTC'), isBadRequest(/hour 24 is out of range/));
  assert.throws(() => parseRequestedTime('2015-07-11T23:40:00+14:30', 'UTC'), isBadRequest(/offset \+14:30 is out of range/));
  assert.throws(() => parseRequestedTime(`${'9'.repeat(5000)}`, 'UTC'), (e: unknown) => e instanceof DomainError && e.message.length < 600);
  assert.throws(() => parseRequestedTime(5 as unknown as string, 'UTC'), isBadRequest(/must be text/));
});

test('RequestedTime: an unknown server zone is a server fault, not bad input', () => {
  assert.throws(() => parseRequestedTime('2015/07/11 23:40', 'Mars/Olympus'), RangeError);
  // A zoned or empty value never needs the zone.
  assert.equal(parseRequestedTime('', 'Mars/Olympus'), null);
  assert.equal(parseRequestedTime('2015-07-12T06:40:00Z', 'Mars/Olympus'), Date.UTC(2015, 6, 12, 6, 40));
});

test('property: RequestedTime picker text round-trips through the server zone', () => {
  const zones = fc.constantFrom('UTC', 'America/Los_Angeles', 'Europe/Paris', 'Asia/Kolkata', 'Australia/Lord_Howe');
  fc.assert(
    fc.property(fc.date({ min: new Date('1990-01-01Z'), max: new Date('2090-01-01Z'), noInvalidDate: true }), zones, (d, zone) => {
      const parts = new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      }).formatToParts(d);
      const get = (type: string): string => parts.find((p) => p.type === type)!.value;
      const picker = `${get('year')}/${get('month')}/${get('day')} ${get('hour')}:${get('minute')}`;
      const at = parseRequestedTime(picker, zone);
      assert.ok(at !== null);
      const minute = Math.floor(d.getTime() / 60_000) * 60_000;
      // In a fall-back overlap the wall clock names two instants; either reads back as the same text.
      const l = toLocal(at, zone);
      const p2 = (n: number): string => String(n).padStart(2, '0');
      assert.equal(`${l.year}/${p2(l.month)}/${p2(l.day)} ${p2(l.hour)}:${p2(l.minute)}`, picker);
      assert.ok(Math.abs(at - minute) <= 3_600_000, `${picker} ${zone}: ${at} vs ${minute}`);
    }),
    { numRuns: 500 },
  );
});

test('property: RequestedTime never throws anything but BadRequest for any text', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^\d{4}[/-]\d{1,2}[/-]\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2})?$/)), (text) => {
      try {
        const at = parseRequestedTime(text, 'Europe/Paris');
        assert.ok(at === null || Number.isFinite(at));
      } catch (e) {
        isBadRequest()(e);
      }
    }),
    { numRuns: 1000 },
  );
});
