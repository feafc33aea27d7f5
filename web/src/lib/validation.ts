import type { Product } from './types';

/** A validation problem as an i18n key plus values, so the same check serves both languages. */
export type Issue = {
  key:
    | 'validation.required'
    | 'validation.email'
    | 'validation.tooLong'
    | 'validation.passwordLength'
    | 'validation.productRequired'
    | 'validation.licenseRange'
    | 'validation.duration'
    | 'validation.country'
    | 'validation.acceptTerms'
    | 'validation.scopeRequired';
  values?: Record<string, number>;
};
export type Issues<K extends string> = Partial<Record<K, Issue>>;

export const minPasswordLength = 12;
export const licenseLimits = { min: 1, max: 1000 } as const;
export const trialDurations = [30, 60, 90] as const;
export type TrialDuration = (typeof trialDurations)[number];

// Deliberately loose: the server's check is authoritative, this only catches typos early.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(value: string): boolean {
  return value.length <= 254 && emailPattern.test(value.trim());
}

function text(value: string, max: number): Issue | undefined {
  if (!value.trim()) return { key: 'validation.required' };
  if (value.trim().length > max) return { key: 'validation.tooLong', values: { max } };
  return undefined;
}

function emailIssue(value: string): Issue | undefined {
  if (!value.trim()) return { key: 'validation.required' };
  return isEmail(value) ? undefined : { key: 'validation.email' };
}

function countryIssue(value: string | null): Issue | undefined {
  if (!value) return { key: 'validation.required' };
  return /^[A-Z]{2}$/.test(value) ? undefined : { key: 'validation.country' };
}

export function licenseIssue(value: number | string | null | undefined): Issue | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  if (number === null || number === undefined || value === '' || !Number.isInteger(number)) {
    return { key: 'validation.licenseRange', values: licenseLimits };
  }
  return number < licenseLimits.min || number > licenseLimits.max
    ? { key: 'validation.licenseRange', values: licenseLimits }
    : undefined;
}

export type TrialForm = {
  companyName: string;
  adminEmail: string;
  country: string | null;
  products: Partial<Record<Product, number | string>>;
  durationDays: number | null;
};

export type TrialField =
  'companyName' | 'adminEmail' | 'country' | 'products' | 'durationDays' | `licenses.${Product}`;

/** For an existing customer (`forCustomer`), name and country come from the customer and are not asked for. */
export function validateTrial(form: TrialForm, forCustomer = false): Issues<TrialField> {
  const issues: Issues<TrialField> = {
    companyName: forCustomer ? undefined : text(form.companyName, 200),
    adminEmail: emailIssue(form.adminEmail),
    country: forCustomer ? undefined : countryIssue(form.country),
    durationDays: (trialDurations as readonly number[]).includes(form.durationDays ?? 0)
      ? undefined
      : { key: 'validation.duration' },
  };
  const chosen = Object.entries(form.products) as [Product, number | string][];
  if (chosen.length === 0) issues.products = { key: 'validation.productRequired' };
  for (const [product, licenses] of chosen) {
    const issue = licenseIssue(licenses);
    if (issue) issues[`licenses.${product}`] = issue;
  }
  return compact(issues);
}

export function trialProducts(products: TrialForm['products']): { product: Product; licenses: number }[] {
  return (Object.entries(products) as [Product, number | string][]).map(([product, licenses]) => ({
    product,
    licenses: Number(licenses),
  }));
}

export type AccountForm = {
  name: string;
  password: string;
  organizationName: string;
  country: string | null;
  acceptTerms: boolean;
};
export type AccountField = keyof AccountForm;

/** The "Start my organization" form; a customer-admin invitation has no organization fields. */
export function validateAccount(form: AccountForm, withOrganization: boolean): Issues<AccountField> {
  return compact({
    name: text(form.name, 200),
    password:
      form.password.length < minPasswordLength || form.password.length > 200
        ? { key: 'validation.passwordLength', values: { min: minPasswordLength } }
        : undefined,
    organizationName: withOrganization ? text(form.organizationName, 200) : undefined,
    country: withOrganization ? countryIssue(form.country) : undefined,
    acceptTerms: form.acceptTerms ? undefined : { key: 'validation.acceptTerms' },
  });
}

export type UserForm = { email: string; name: string; password: string };

export function validateNewUser(form: UserForm): Issues<keyof UserForm> {
  return compact({
    email: emailIssue(form.email),
    name: text(form.name, 200),
    password:
      form.password.length < minPasswordLength
        ? { key: 'validation.passwordLength', values: { min: minPasswordLength } }
        : undefined,
  });
}

export function validatePerson(form: { email: string; name: string }): Issues<'email' | 'name'> {
  return compact({ email: emailIssue(form.email), name: text(form.name, 200) });
}

export function validateToken(form: { name: string; scopes: string[] }): Issues<'name' | 'scopes'> {
  return compact({
    name: text(form.name, 100),
    scopes: form.scopes.length > 0 ? undefined : { key: 'validation.scopeRequired' },
  });
}

export function validateNewCustomer(form: { name: string; country: string | null; contactEmail: string }) {
  return compact({
    name: text(form.name, 200),
    country: countryIssue(form.country),
    contactEmail: emailIssue(form.contactEmail),
  });
}

export function hasIssues(issues: Record<string, Issue | undefined>): boolean {
  return Object.values(issues).some(Boolean);
}

function compact<K extends string>(issues: Partial<Record<K, Issue | undefined>>): Issues<K> {
  const result: Issues<K> = {};
  for (const [key, issue] of Object.entries(issues) as [K, Issue | undefined][]) {
    if (issue) result[key] = issue;
  }
  return result;
}
