import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../../../src/domain/errors.js';
import { checkWindow, describeWindow, windowEndFor } from '../../../src/domain/role/availability.js';
import type { AvailabilityWindow } from '../../../src/domain/role/role.js';
import { minuteOfDay } from '../../../src/domain/time.js';
import { HOUR_MS, daily, domainError, iso } from '../fixtures.js';

const utc = (y: number, mo: number, d: number, h: number, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);

/** Asserts that a start at `at` is allowed and that access must end at `end` (ISO for readable diffs). */
function endsAt(w: AvailabilityWindow, at: number, end: number, serverZone = 'UTC'): void {
  assert.equal(iso(checkWindow(w, at, serverZone)), iso(end));
}

function refused(w: AvailabilityWindow, at: number, serverZone = 'UTC'): void {
  assert.throws(() => checkWindow(w, at, serverZone), domainError('OutsideAvailabilityWindow'));
  assert.equal(windowEndFor(w, at, serverZone), null);
}

describe('office hours 08:00-18:00', () => {
  test('in UTC: from 08:00 inclusive to 18:00 exclusive, ending at 18:00', () => {
    const w = daily('08:00', '18:00', 'UTC');
    refused(w, utc(2026, 1, 5, 7, 59));
    endsAt(w, utc(2026, 1, 5, 8, 0), utc(2026, 1, 5, 18, 0));
    endsAt(w, utc(2026, 1, 5, 12, 34), utc(2026, 1, 5, 18, 0));
    endsAt(w, utc(2026, 1, 5, 17, 59), utc(2026, 1, 5, 18, 0));
    refused(w, utc(2026, 1, 5, 18, 0));
    refused(w, utc(2026, 1, 5, 23, 0));
  });

  test('in Europe/Paris: one hour ahead of UTC in winter, two in summer', () => {
    const w = daily('08:00', '18:00', 'Europe/Paris');
    refused(w, utc(2026, 1, 5, 6, 59));
    endsAt(w, utc(2026, 1, 5, 7, 0), utc(2026, 1, 5, 17, 0));
    refused(w, utc(2026, 1, 5, 17, 0));
    endsAt(w, utc(2026, 7, 6, 6, 0), utc(2026, 7, 6, 16, 0));
    refused(w, utc(2026, 7, 6, 16, 30));
  });

  test('in America/Los_Angeles: the local day straddles two UTC dates', () => {
    const w = daily('08:00', '18:00', 'America/Los_Angeles');
    refused(w, utc(2026, 1, 5, 15, 59));
    endsAt(w, utc(2026, 1, 5, 16, 0), utc(2026, 1, 6, 2, 0));
    // 01:00Z on 6 January is still 17:00 on 5 January in Los Angeles.
    endsAt(w, utc(2026, 1, 6, 1, 0), utc(2026, 1, 6, 2, 0));
    refused(w, utc(2026, 1, 6, 2, 0));
  });

  test('a window without a zone is read in the server zone', () => {
    const w = daily('08:00', '18:00', null);
    endsAt(w, utc(2026, 1, 5, 7, 30), utc(2026, 1, 5, 17, 0), 'Europe/Paris');
    refused(w, utc(2026, 1, 5, 7, 30), 'UTC');
    endsAt(w, utc(2026, 1, 5, 16, 0), utc(2026, 1, 6, 2, 0), 'America/Los_Angeles');
    assert.equal(describeWindow(w, 'Europe/Paris'), '08:00-18:00 (Europe/Paris)');
  });

  test('the refusal names the window, its zone and the local start time', () => {
    const w = daily('08:00', '18:00', 'Europe/Paris');
    assert.throws(
      () => checkWindow(w, utc(2026, 1, 5, 20, 15), 'UTC'),
      (e: unknown) => {
        domainError('OutsideAvailabilityWindow', '08:00-18:00', 'Europe/Paris', '21:15')(e);
        assert.deepEqual((e as DomainError).details, { window: '08:00-18:00 (Europe/Paris)' });
        return true;
      },
    );
    assert.throws(() => checkWindow(daily('08:00', '18:00', null), utc(2026, 1, 5, 20, 15), 'Asia/Tokyo'), domainError('OutsideAvailabilityWindow', '08:00-18:00', 'Asia/Tokyo'));
  });
});

describe('windows across midnight (22:00-06:00)', () => {
  const night = daily('22:00', '06:00', 'UTC');

  test('a start before midnight ends at 06:00 the next day', () => {
    endsAt(night, utc(2026, 1, 5, 22, 0), utc(2026, 1, 6, 6, 0));
    endsAt(night, utc(2026, 1, 5, 23, 30), utc(2026, 1, 6, 6, 0));
  });

  test('a start after midnight ends at 06:00 the same day', () => {
    endsAt(night, utc(2026, 1, 6, 0, 0), utc(2026, 1, 6, 6, 0));
    endsAt(night, utc(2026, 1, 6, 5, 59), utc(2026, 1, 6, 6, 0));
  });

  test('daytime is outside', () => {
    refused(night, utc(2026, 1, 6, 6, 0));
    refused(night, utc(2026, 1, 6, 12, 0));
    refused(night, utc(2026, 1, 6, 21, 59));
  });

  test('at the end of a month and a year in a zone', () => {
    const paris = daily('22:00', '06:00', 'Europe/Paris');
    // 23:30 on 31 December in Paris is 22:30Z; the window closes at 06:00 on 1 January local.
    endsAt(paris, utc(2025, 12, 31, 22, 30), utc(2026, 1, 1, 5, 0));
  });
});

describe('a window of equal ends', () => {
  test('is no restriction at all', () => {
    const w = daily('09:00', '09:00', 'Europe/Paris');
    for (const at of [utc(2026, 1, 5, 0, 0), utc(2026, 1, 5, 8, 0), utc(2026, 1, 5, 23, 59)]) {
      assert.equal(windowEndFor(w, at, 'UTC'), 'never');
      assert.equal(checkWindow(w, at, 'UTC'), null);
    }
  });

  test('and no window is no restriction either', () => {
    assert.equal(checkWindow(null, utc(2026, 1, 5, 3, 0), 'UTC'), null);
  });
});

describe('days when the clocks change', () => {
  const paris = daily('08:00', '18:00', 'Europe/Paris');

  test('Europe/Paris spring forward (2015-03-29): the day ends at 16:00Z instead of 17:00Z', () => {
    endsAt(paris, utc(2015, 3, 28, 8, 0), utc(2015, 3, 28, 17, 0));
    endsAt(paris, utc(2015, 3, 29, 7, 0), utc(2015, 3, 29, 16, 0));
    refused(paris, utc(2015, 3, 29, 16, 0));
  });

  test('Europe/Paris fall back (2015-10-25): the day ends at 17:00Z instead of 16:00Z', () => {
    endsAt(paris, utc(2015, 10, 24, 8, 0), utc(2015, 10, 24, 16, 0));
    endsAt(paris, utc(2015, 10, 25, 9, 0), utc(2015, 10, 25, 17, 0));
    endsAt(paris, utc(2015, 10, 25, 16, 30), utc(2015, 10, 25, 17, 0));
  });

  test('America/Los_Angeles spring forward (2015-03-08): 18:00 PDT is 01:00Z', () => {
    const la = daily('08:00', '18:00', 'America/Los_Angeles');
    endsAt(la, utc(2015, 3, 8, 17, 0), utc(2015, 3, 9, 1, 0));
    endsAt(la, utc(2015, 3, 7, 17, 0), utc(2015, 3, 8, 2, 0));
  });

  test('a night window across the change lasts an hour less in spring and an hour more in autumn', () => {
    const night = daily('22:00', '06:00', 'Europe/Paris');
    const springStart = utc(2015, 3, 28, 21, 30); // 22:30 CET
    endsAt(night, springStart, utc(2015, 3, 29, 4, 0)); // 06:00 CEST
    const autumnStart = utc(2015, 10, 24, 20, 30); // 22:30 CEST
    endsAt(night, autumnStart, utc(2015, 10, 25, 5, 0)); // 06:00 CET
    assert.equal(utc(2015, 3, 29, 4, 0) - springStart, 6.5 * HOUR_MS);
    assert.equal(utc(2015, 10, 25, 5, 0) - autumnStart, 8.5 * HOUR_MS);
  });

  test('a window end inside the spring-forward gap moves forward by the gap, as fromLocal does', () => {
    const w = daily('01:00', '02:30', 'Europe/Paris');
    endsAt(w, utc(2015, 3, 29, 0, 15), utc(2015, 3, 29, 1, 30)); // 01:15 CET → 03:30 CEST
  });

  test('a window end inside the fall-back overlap, reached in the first pass, is the earlier 02:30', () => {
    const w = daily('01:00', '02:30', 'Europe/Paris');
    endsAt(w, utc(2015, 10, 25, 0, 15), utc(2015, 10, 25, 0, 30)); // 02:15 CEST → 02:30 CEST
  });

  test('a window end inside the fall-back overlap, reached in the second pass, is after the start', () => {
    const w = daily('01:00', '02:30', 'Europe/Paris');
    const start = utc(2015, 10, 25, 1, 15); // 02:15 CET, the second 02:15 of the night
    endsAt(w, start, utc(2015, 10, 25, 1, 30)); // 02:30 CET
  });
});

describe('properties', () => {
  const ZONES = ['UTC', 'Europe/Paris', 'America/Los_Angeles', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Auckland'];
  const windows = fc.record({
    from: fc.integer({ min: 0, max: 1439 }),
    to: fc.integer({ min: 0, max: 1439 }),
    timeZone: fc.constantFrom<string | null>(null, ...ZONES),
  });
  const instants = fc.integer({ min: utc(2010, 1, 1, 0), max: utc(2035, 1, 1, 0) });

  test('an allowed start always gets an end after it and at most a day (plus a DST hour) later', () => {
    fc.assert(
      fc.property(windows, instants, fc.constantFrom(...ZONES), (w, at, serverZone) => {
        fc.pre(w.from !== w.to);
        let end: number | null;
        try {
          end = checkWindow(w, at, serverZone);
        } catch (e) {
          // A refusal must be exactly "the local time is outside the window".
          assert.ok(e instanceof DomainError && e.code === 'OutsideAvailabilityWindow');
          const m = minuteOfDay(at, w.timeZone ?? serverZone);
          assert.ok(w.from < w.to ? m < w.from || m >= w.to : m < w.from && m >= w.to);
          return;
        }
        assert.ok(end !== null);
        assert.ok(end > at, `end ${iso(end)} not after start ${iso(at)}`);
        assert.ok(end - at <= 25 * HOUR_MS);
      }),
      { numRuns: 500 },
    );
  });
});
