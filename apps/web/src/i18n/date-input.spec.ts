import { formatDateTimeInput, parseDateTimeInput } from './date-input';

describe('date and time fields in the page language', () => {
  it('writes a datetime-local value the way each language does', () => {
    expect(formatDateTimeInput('2026-12-03T09:05:07', 'cs', true)).toBe('3. 12. 2026 9:05:07');
    expect(formatDateTimeInput('2026-12-03T09:05:07', 'pl', true)).toBe('03.12.2026 09:05:07');
    expect(formatDateTimeInput('2026-12-03T09:05:07', 'en', true)).toBe('03/12/2026 09:05:07');
    expect(formatDateTimeInput('2026-12-03T19:05', 'en', false)).toBe('03/12/2026 19:05');
    expect(formatDateTimeInput('2026-12-03T19:05', 'cs', true)).toBe('3. 12. 2026 19:05:00');
    expect(formatDateTimeInput('', 'cs', true)).toBe('');
  });

  it('reads back what it writes, in every language, with and without seconds', () => {
    for (const lang of ['cs', 'pl', 'en']) {
      for (const v of ['2026-01-09T00:00:00', '2026-12-31T23:59:59', '2028-02-29T12:30:05']) {
        expect(parseDateTimeInput(formatDateTimeInput(v, lang, true), true)).toBe(v);
        expect(parseDateTimeInput(formatDateTimeInput(v, lang, false), false)).toBe(v.slice(0, 16));
      }
    }
  });

  it('is lenient with separators, one-digit parts and ISO, and leaves seconds out when the field has none', () => {
    expect(parseDateTimeInput(' 3.12.2026  9:05 ', true)).toBe('2026-12-03T09:05:00');
    expect(parseDateTimeInput('03/12/2026, 09.05.07', true)).toBe('2026-12-03T09:05:07');
    expect(parseDateTimeInput('3 . 12 . 2026 9:05:07', false)).toBe('2026-12-03T09:05');
    expect(parseDateTimeInput('2026-12-03T09:05:07', true)).toBe('2026-12-03T09:05:07');
    expect(parseDateTimeInput('2026-12-03 09:05', true)).toBe('2026-12-03T09:05:00');
  });

  it('refuses what is no date and time', () => {
    for (const bad of [
      '',
      '3. 12. 2026',
      '31. 2. 2026 10:00',
      '29.02.2027 10:00',
      '3/12/2026 24:00',
      '3/12/2026 10:61',
      '12/03/2026, 02:05:09 PM',
      'yesterday',
      '3. 13. 2026 10:00',
    ]) {
      expect([bad, parseDateTimeInput(bad, true)]).toEqual([bad, null]);
    }
  });
});
