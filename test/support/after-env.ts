import { watchConsole } from './log-secrets';

jest.setTimeout(60_000);

// No line a test file logs may hold a key, the operator token or a key hash.
const leaks = watchConsole();
afterAll(() => {
  expect(leaks()).toEqual([]);
});
