/**
 * The builders every setting of lib/config/ is made of: a setting is a zod schema with its
 * description (and, where its checks do not say it, what unset means and the values in
 * words) in zod's registry, where docs/configuration.md is generated from.
 */
import * as z from '../zod';

/**
 * What docs/configuration.md says of a setting besides what its checks say (its default,
 * its range, its list of values), kept in zod's registry with its schema, where
 * infra/docs/configuration.ts reads it (`npm run docs:config`).
 */
export interface SettingMeta {
  /** What the setting is for (test/unit/config.test.ts requires one for every setting). */
  description: string;
  /** What leaving an optional setting unset means, where that is more than nothing. */
  unset?: string;
  /** What it accepts, in words, where its check is a pattern or a transform. */
  values?: string;
}

/** Adds `meta` to what zod's registry holds of `schema`. */
export const withMeta = <T extends z.ZodMiniType>(schema: T, meta: Partial<SettingMeta>): T => {
  z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), ...meta });
  return schema;
};

/** A setting: its schema, with what it is for as its description and, where needed, the rest of its meta. */
export const setting = <T extends z.ZodMiniType>(
  description: string,
  schema: T,
  meta: Omit<SettingMeta, 'description'> = {},
): T => withMeta(schema, { ...meta, description });

/** A whole number from min to max, `fallback` when unset; `message` (when given) for any bad value. */
export const intFromEnv = (fallback: number, min: number, max: number, message?: string) =>
  z._default(
    z.coerce
      .number(message === undefined ? undefined : { error: message })
      .check(z.int(message), z.minimum(min, message), z.maximum(max, message)),
    fallback,
  );

/** 1 or true, 0 or false; unset is false. */
export const flag = () =>
  z.pipe(
    z.optional(z.enum(['1', 'true', '0', 'false'], { error: 'must be 1, true, 0 or false' })),
    z.transform((v) => v === '1' || v === 'true'),
  );

/** A postgres:// URL; `missing`, when given, is the message for none at all. */
export const postgresUrl = (missing?: string) =>
  withMeta(
    z
      .string(missing === undefined ? undefined : { error: missing })
      .check(z.trim(), z.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')),
    { values: 'a `postgres://` URL' },
  );

export const hostPort = () => z.string().check(z.trim(), z.regex(/^[^\s:,]+:\d{1,5}$/, 'expected host:port'));

/**
 * A comma-separated list of what `values` describes; `problem` says why an item is refused,
 * or nothing for a good one.
 */
export const list = (values: string, problem: (item: string) => string | undefined) =>
  withMeta(
    z.pipe(
      z.optional(z.string()),
      z.transform((v: string | undefined, ctx) => {
        const items = (v ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        for (const item of items) {
          const message = problem(item);
          if (message !== undefined) ctx.issues.push({ code: 'custom', message, input: v });
        }
        return items;
      }),
    ),
    { values },
  );

/** Text that must not be empty once trimmed: what `values` describes (a folder, a name). */
export const nonEmpty = (values: string) => withMeta(z.string().check(z.trim(), z.minLength(1)), { values });

/** Set unless absent, empty, `0` or `false` (how CI systems and DEBUG are usually set). */
export const truthy = () =>
  withMeta(
    z.pipe(
      z.optional(z.string()),
      z.transform((v) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'),
    ),
    { values: 'set unless empty, `0` or `false`' },
  );
