import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  type LocalDateTime,
  addSeconds,
  formatMinuteOfDay,
  fromLocal,
  isValidTimeZone,
  minuteOfDay,
  toLocal,
} from '../../src/domain/time.js';
import { HOUR_MS, MINUTE_MS, iso } from './fixtures.js';

function local(year: number, month: number, day: number, hour: number, minute: number, second = 0, millisecond = 0): LocalDateTime {
  return { year, month, day, hour, minute, second, millisecond };
}

/** A wall-clock reading as if it were UTC: lets tests do arithmetic on readings. */
function readingMs(l: LocalDateTime): number {
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond);
}

function readingOf(ms: number): LocalDateTime {
  const d = new Date(ms);
  return local(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

function offsetMs(at: number, zone: string): number {
  return readingMs(toLocal(at, zone)) - at;
}

/**
 * Zones chosen for their awkward rules: 30-minute DST (Lord Howe), offsets past +12 with DST
 * (Auckland, Chatham), fractional offsets, DST at midnight (Santiago, São Paulo until 2019),
 * several changes a year (Casablanca), and the extremes of the offset range.
 */
const ZONES = [
  'UTC',
  'Europe/Paris',
  'Europe/London',
  'America/Los_Angeles',
  'America/New_York',
  'America/St_Johns',
  'America/Santiago',
  'America/Sao_Paulo',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tehran',
  'Africa/Casablanca',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
] as const;

/** Every offset change in `zone` during `years`, to the minute, found by scanning and bisecting. */
function transitions(zone: string, years: readonly number[]): number[] {
  const found: number[] = [];
  const STEP = 6 * HOUR_MS;
  for (const y of years) {
    for (let t = Date.UTC(y, 0, 1); t < Date.UTC(y + 1, 0, 1); t += STEP) {
      if (offsetMs(t, zone) === offsetMs(t + STEP, zone)) continue;
      let lo = t;
      let hi = t + STEP;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (offsetMs(mid, zone) === offsetMs(lo, zone)) lo = mid;
        else hi = mid;
      }
      found.push(hi);
    }
  }
  return found;
}

const NEAR: readonly { zone: string; at: number }[] = ZONES.flatMap((zone) =>
  transitions(zone, [2015, 2016, 2024]).map((at) => ({ zone, at })),
);

/** Instants spread over decades, and instants within three hours of a real offset change. */
const instantsAndZones = fc.oneof(
  fc.record({
    zone: fc.constantFrom<string>(...ZONES),
    at: fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2037, 0, 1) }),
  }),
  fc
    .record({ near: fc.constantFrom(...NEAR), delta: fc.integer({ min: -3 * HOUR_MS, max: 3 * HOUR_MS }) })
    .map(({ near, delta }) => ({ zone: near.zone, at: near.at + delta })),
);

/** Wall-clock readings, including ones inside gaps and overlaps (readings near a change). */
const readingsAndZones = fc.oneof(
  fc.record({
    zone: fc.constantFrom<string>(...ZONES),
    reading: fc
      .record({
        year: fc.integer({ min: 1971, max: 2036 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
        millisecond: fc.integer({ min: 0, max: 999 }),
      })
      // fast-check builds records without a prototype; deepEqual would tell them apart.
      .map((r) => local(r.year, r.month, r.day, r.hour, r.minute, r.second, r.millisecond)),
  }),
  fc
    .record({ near: fc.constantFrom(...NEAR), delta: fc.integer({ min: -3 * HOUR_MS, max: 3 * HOUR_MS }) })
    .map(({ near, delta }) => ({ zone: near.zone, reading: readingOf(readingMs(toLocal(near.at, near.zone)) + delta) })),
);

describe('known instants', () => {
  test('the transitions scan found the changes it should', () => {
    const paris2015 = NEAR.filter((n) => n.zone === 'Europe/Paris' && new Date(n.at).getUTCFullYear() === 2015).map((n) => iso(n.at));
    assert.deepEqual(paris2015, ['2015-03-29T01:00:00.000Z', '2015-10-25T01:00:00.000Z']);
    assert.equal(NEAR.filter((n) => n.zone === 'UTC').length, 0);
    assert.ok(NEAR.length > 60, `only ${NEAR.length} transitions found`);
  });

  test('toLocal reads the wall clock in the zone', () => {
    assert.deepEqual(toLocal(Date.UTC(2026, 0, 5, 10, 0, 0, 250), 'Europe/Paris'), local(2026, 1, 5, 11, 0, 0, 250));
    assert.deepEqual(toLocal(Date.UTC(2026, 0, 5, 3, 0), 'America/Los_Angeles'), local(2026, 1, 4, 19, 0));
    assert.deepEqual(toLocal(Date.UTC(2026, 0, 5, 20, 0), 'Asia/Kathmandu'), local(2026, 1, 6, 1, 45));
    assert.deepEqual(toLocal(Date.UTC(2026, 0, 5, 0, 0), 'UTC'), local(2026, 1, 5, 0, 0));
  });

  test('both instants of an overlap read the same', () => {
    assert.deepEqual(toLocal(Date.UTC(2015, 10, 1, 8, 30), 'America/Los_Angeles'), local(2015, 11, 1, 1, 30));
    assert.deepEqual(toLocal(Date.UTC(2015, 10, 1, 9, 30), 'America/Los_Angeles'), local(2015, 11, 1, 1, 30));
  });

  test('spring forward: a reading in the gap moves forward by the gap', () => {
    assert.equal(iso(fromLocal(local(2015, 3, 29, 2, 30), 'Europe/Paris')), '2015-03-29T01:30:00.000Z'); // 03:30 CEST
    assert.equal(iso(fromLocal(local(2015, 3, 8, 2, 30), 'America/Los_Angeles')), '2015-03-08T10:30:00.000Z'); // 03:30 PDT
    // +12:00 → +13:00: the instant lies more than 12 hours from the reading taken as UTC.
    assert.equal(iso(fromLocal(local(2015, 9, 27, 2, 30), 'Pacific/Auckland')), '2015-09-26T14:30:00.000Z'); // 03:30 NZDT
  });

  test('fall back: a reading in the overlap is the earlier instant', () => {
    assert.equal(iso(fromLocal(local(2015, 10, 25, 2, 0), 'Europe/Paris')), '2015-10-25T00:00:00.000Z');
    assert.equal(iso(fromLocal(local(2015, 11, 1, 1, 30), 'America/Los_Angeles')), '2015-11-01T08:30:00.000Z');
    assert.equal(iso(fromLocal(local(2015, 4, 5, 2, 30), 'Pacific/Auckland')), '2015-04-04T13:30:00.000Z'); // NZDT, not NZST
    assert.equal(iso(fromLocal(local(2015, 4, 5, 3, 30), 'Pacific/Chatham')), '2015-04-04T13:45:00.000Z');
    // Lord Howe moves by half an hour: 01:45 happens at +11:00 and again at +10:30.
    assert.equal(iso(fromLocal(local(2015, 4, 5, 1, 45), 'Australia/Lord_Howe')), '2015-04-04T14:45:00.000Z');
  });

  test('ordinary readings', () => {
    assert.equal(iso(fromLocal(local(2026, 1, 5, 11, 0), 'Europe/Paris')), '2026-01-05T10:00:00.000Z');
    assert.equal(iso(fromLocal(local(2026, 7, 6, 11, 0, 5, 7), 'Europe/Paris')), '2026-07-06T09:00:05.007Z');
    assert.equal(iso(fromLocal(local(2026, 1, 1, 0, 0), 'Pacific/Kiritimati')), '2025-12-31T10:00:00.000Z');
    assert.equal(iso(fromLocal(local(2026, 1, 1, 0, 0), 'Pacific/Pago_Pago')), '2026-01-01T11:00:00.000Z');
  });

  test('minutes of the day, their formatting, seconds and zone names', () => {
    assert.equal(minuteOfDay(Date.UTC(2026, 0, 5, 10, 7), 'Europe/Paris'), 11 * 60 + 7);
    assert.equal(minuteOfDay(Date.UTC(2026, 0, 5, 23, 59, 59), 'UTC'), 1439);
    assert.equal(formatMinuteOfDay(0), '00:00');
    assert.equal(formatMinuteOfDay(8 * 60 + 5), '08:05');
    assert.equal(formatMinuteOfDay(1439), '23:59');
    assert.equal(addSeconds(1000, 90), 91_000);
    assert.ok(isValidTimeZone('Europe/Paris'));
    assert.ok(isValidTimeZone('UTC'));
    assert.ok(!isValidTimeZone('Mars/Olympus_Mons'));
    assert.ok(!isValidTimeZone(''));
  });
});

describe('properties', () => {
  test('instant → reading → instant gives the same instant, or the earlier one of an overlap', () => {
    fc.assert(
      fc.property(instantsAndZones, ({ zone, at }) => {
        const reading = toLocal(at, zone);
        const back = fromLocal(reading, zone);
        assert.deepEqual(toLocal(back, zone), reading);
        assert.ok(back <= at, `${iso(back)} is later than ${iso(at)} in ${zone}`);
        if (back !== at) {
          // Only the second pass of an overlap may map back elsewhere, and only by the overlap.
          assert.ok(at - back <= 2 * HOUR_MS);
          assert.ok(offsetMs(back, zone) > offsetMs(at, zone), 'the earlier instant had the larger offset');
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('reading → instant → reading gives the same reading, or one moved forward across a gap', () => {
    fc.assert(
      fc.property(readingsAndZones, ({ zone, reading }) => {
        const at = fromLocal(reading, zone);
        const back = toLocal(at, zone);
        if (readingMs(back) === readingMs(reading)) {
          assert.deepEqual(back, reading);
          // The earliest instant with this reading: none of the usual overlap sizes earlier reads it too.
          for (const d of [30 * MINUTE_MS, HOUR_MS, 2 * HOUR_MS]) {
            assert.notEqual(readingMs(toLocal(at - d, zone)), readingMs(reading), `${iso(at - d)} also reads it`);
          }
        } else {
          // A reading that does not exist: moved forward by exactly the size of the gap.
          const gap = offsetMs(at + 14 * HOUR_MS, zone) - offsetMs(at - 14 * HOUR_MS, zone);
          assert.ok(gap > 0, `${JSON.stringify(reading)} in ${zone} moved without a gap`);
          assert.equal(readingMs(back) - readingMs(reading), gap);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
