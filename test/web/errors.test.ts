import { createInstance } from 'i18next';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../contract/common';
import { ApiError } from '../../web/src/lib/api';
import { describeError } from '../../web/src/lib/errors';
import en from '../../web/src/locales/en.json';
import sv from '../../web/src/locales/sv.json';

const i18n = createInstance();
await i18n.init({
  resources: { en: { translation: en }, sv: { translation: sv } },
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
});
const english = i18n.getFixedT('en');
const swedish = i18n.getFixedT('sv');

const conflict = new ApiError(
  409,
  'conflict',
  'An administrator with the email anna@example.com already exists.',
  undefined,
);

describe('a failed request, told to its reader', () => {
  it("is the server's own sentence in English, since it names the offending value", () => {
    expect(describeError(conflict, english, 'en')).toEqual({
      message: 'An administrator with the email anna@example.com already exists.',
    });
  });

  it("is its error code's sentence in Swedish, with the server's words as detail", () => {
    expect(describeError(conflict, swedish, 'sv')).toEqual({
      message: 'Det krockar med något som redan finns eller som just har ändrats.',
      detail: 'An administrator with the email anna@example.com already exists.',
    });
  });

  it('has a Swedish sentence for every code the server answers with, and for an unreachable server', () => {
    for (const code of [...errorCodes, 'network_error']) {
      const { message } = describeError(new ApiError(400, code, 'server words', undefined), swedish, 'sv');
      expect(message, code).toBe(sv.errors[code as keyof typeof sv.errors]);
    }
  });

  it('falls back to the general sentence for a code it does not know, and for an error without words', () => {
    expect(describeError(new ApiError(502, 'http_error', 'Bad Gateway', undefined), swedish, 'sv')).toEqual({
      message: sv.common.errorText,
      detail: 'Bad Gateway',
    });
    expect(describeError(new Error(''), english, 'en')).toEqual({ message: en.common.errorText });
    expect(describeError('not an error', swedish, 'sv')).toEqual({ message: sv.common.errorText });
  });
});
