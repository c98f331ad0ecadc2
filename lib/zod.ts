/**
 * zod as the project uses it: `zod/mini`, whose functions tree-shake, so a function's
 * bundle carries only the validators it uses (tens of kilobytes, where zod's classic API
 * brings its 450 KB whatever is used, most of a function's cold start), with zod's
 * English messages, which the classic API loads by default and mini does not: a message
 * that a schema does not set itself reads as it always did.
 *
 * Import it as `import * as z from '<path>/zod'`; nothing else imports zod at run time.
 */
import { en } from 'zod/locales';
import { config, type core } from 'zod/mini';

// The messages are made when the first one is needed, not when a function starts.
let english: core.$ZodConfig['localeError'];
config({
  localeError: (issue) => {
    english ??= en().localeError;
    return english?.(issue);
  },
});

export * from 'zod/mini';
