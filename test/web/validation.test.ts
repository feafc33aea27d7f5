import { describe, expect, it } from 'vitest';
import {
  isEmail,
  trialProducts,
  validateAccount,
  validateToken,
  validateTrial,
} from '../../web/src/lib/validation';
import { fieldIssues, serverFieldMessages, ApiError } from '../../web/src/lib/api';

describe('start trial validation', () => {
  const valid = {
    companyName: 'Acme AB',
    adminEmail: 'it@acme.se',
    country: 'SE',
    products: { meetings: 50 },
    durationDays: 60,
  };

  it('accepts a complete form', () => {
    expect(validateTrial(valid)).toEqual({});
    expect(trialProducts({ meetings: 50, calling: '7' })).toEqual([
      { product: 'meetings', licenses: 50 },
      { product: 'calling', licenses: 7 },
    ]);
  });

  it('reports each bad field', () => {
    const issues = validateTrial({
      companyName: ' ',
      adminEmail: 'nope',
      country: null,
      products: {},
      durationDays: 45,
    });
    expect(Object.keys(issues).sort()).toEqual([
      'adminEmail',
      'companyName',
      'country',
      'durationDays',
      'products',
    ]);
    expect(issues.adminEmail?.key).toBe('validation.email');
  });

  it('bounds licenses to 1–1000 whole numbers', () => {
    for (const licenses of [0, 1001, 2.5, '']) {
      expect(validateTrial({ ...valid, products: { calling: licenses } })['licenses.calling']).toEqual({
        key: 'validation.licenseRange',
        values: { min: 1, max: 1000 },
      });
    }
    expect(validateTrial({ ...valid, products: { calling: 1000 } })).toEqual({});
  });
});

describe('other forms', () => {
  it('checks e-mail addresses loosely', () => {
    expect(isEmail('a@b.se')).toBe(true);
    expect(isEmail('a@b')).toBe(false);
  });

  it('requires organization fields only for partner invitations', () => {
    const form = {
      name: 'Ida',
      password: 'correct horse battery',
      organizationName: '',
      country: null,
      acceptTerms: true,
    };
    expect(validateAccount(form, false)).toEqual({});
    expect(Object.keys(validateAccount(form, true)).sort()).toEqual(['country', 'organizationName']);
    expect(validateAccount({ ...form, acceptTerms: false, password: 'short' }, false)).toMatchObject({
      acceptTerms: { key: 'validation.acceptTerms' },
      password: { key: 'validation.passwordLength' },
    });
  });

  it('requires a token name and a scope', () => {
    expect(validateToken({ name: 'Billing', scopes: ['read'] })).toEqual({});
    expect(Object.keys(validateToken({ name: '', scopes: [] })).sort()).toEqual(['name', 'scopes']);
  });

  it('maps server field issues to form fields', () => {
    const error = new ApiError(422, 'invalid_request', 'Invalid', [
      { path: 'body.adminEmail', message: 'must be an e-mail address' },
      { path: ['products', 0, 'licenses'], message: 'too big' },
      { nonsense: true },
    ]);
    expect(fieldIssues(error)).toHaveLength(2);
    expect(serverFieldMessages(error)).toEqual({
      adminEmail: 'must be an e-mail address',
      'products.0.licenses': 'too big',
    });
    expect(serverFieldMessages(new Error('x'))).toEqual({});
  });
});
