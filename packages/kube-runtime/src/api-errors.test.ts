import { describe, expect, it } from 'vitest';
import { httpStatusOf } from './api-errors.js';

describe('httpStatusOf', () => {
  it.each([
    { name: 'an API error carries its HTTP status', error: Object.assign(new Error('Not Found'), { code: 404 }), want: 404 },
    { name: 'a conflict', error: { code: 409, body: '{}' }, want: 409 },
    { name: 'a network error code is no HTTP status', error: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), want: undefined },
    { name: 'a number outside HTTP statuses is none', error: { code: 42 }, want: undefined },
    { name: 'a thrown string has none', error: 'boom', want: undefined },
  ])('$name', ({ error, want }) => {
    expect(httpStatusOf(error)).toBe(want);
  });
});
