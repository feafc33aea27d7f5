import { describe, expect, it } from 'vitest';
import {
  countryName,
  daysBetween,
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  formatSignedNumber,
  licenseSplit,
  pickLanguage,
  ratio,
} from '../../web/src/lib/format';

const nbsp = /[\u00a0\u202f]/g;
const plain = (text: string) => text.replace(nbsp, ' ');

describe('formatting per language', () => {
  it('shows ratios (fractions) as whole percents', () => {
    expect(formatPercent(0.8125, 'en')).toBe('81%');
    expect(plain(formatPercent(0.8125, 'sv'))).toBe('81 %');
    expect(formatPercent(1.5, 'en')).toBe('150%');
    expect(formatPercent(null, 'en')).toBe('—');
  });

  it('formats numbers with the language grouping', () => {
    expect(formatNumber(1234567, 'en')).toBe('1,234,567');
    expect(plain(formatNumber(1234567, 'sv'))).toBe('1 234 567');
    expect(formatNumber(undefined, 'sv')).toBe('—');
    expect(formatSignedNumber(3, 'en')).toBe('+3');
    expect(plain(formatSignedNumber(-2, 'sv'))).toMatch(/^[−-]2$/);
    expect(formatSignedNumber(0, 'en')).toBe('0');
  });

  it('treats calendar dates as UTC dates (no day shift)', () => {
    expect(formatDate('2025-01-31', 'en')).toBe('31 Jan 2025');
    expect(formatDate('2025-01-31', 'sv')).toMatch(/^31 jan\.? 2025$/);
    expect(formatDate(null, 'en')).toBe('—');
    expect(formatDateTime('2025-11-19T08:12:00Z', 'en', 'UTC')).toBe('19 Nov 2025, 08:12');
  });

  it('names countries in the UI language', () => {
    expect(countryName('SE', 'en')).toBe('Sweden');
    expect(countryName('SE', 'sv')).toBe('Sverige');
  });

  it('picks a remembered language first, then the browser', () => {
    expect(pickLanguage('sv', ['en-US'])).toBe('sv');
    expect(pickLanguage(null, ['sv-SE', 'en'])).toBe('sv');
    expect(pickLanguage('de', ['de-DE'])).toBe('en');
  });

  it('counts days and ratios', () => {
    expect(daysBetween('2025-01-31', '2025-03-01')).toBe(29);
    expect(daysBetween('2025-03-01', '2025-01-31')).toBe(-29);
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(3, 0)).toBeNull();
  });

  it('splits licenses for the usage bar, with overage beyond purchased', () => {
    expect(licenseSplit({ purchased: 50, assigned: 42, used: 31 })).toEqual({
      used: 31,
      assignedOnly: 11,
      available: 8,
      overage: 0,
      scale: 50,
    });
    expect(licenseSplit({ purchased: 10, assigned: 14, used: 20 })).toEqual({
      used: 14,
      assignedOnly: 0,
      available: 0,
      overage: 4,
      scale: 14,
    });
  });
});
