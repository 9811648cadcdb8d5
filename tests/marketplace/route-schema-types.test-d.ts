/*
 * Type test: each response schema of the marketplace API (marketplace/api/marketplace-schemas.ts)
 * is exactly the JSON of what the marketplace client returns, so neither can change without the
 * other — a field added, dropped, renamed, made optional or retyped on either side fails
 * `npm run check` (tsc) here. The `@ts-expect-error` lines prove the comparison can fail.
 */
import { expectTypeOf } from 'vitest';
import type { z } from 'zod';
import type {
  fileDryRunSchema,
  fileInstalledSchema,
  planSchema,
  pluginInfoSchema,
  removedSchema,
  searchResultSchema,
  sourceListSchema,
  verifyReportSchema,
} from '../../marketplace/api/marketplace-schemas.js';
import type { FileInstallOutcome, Marketplace, Plan } from '../../marketplace/index.js';

/** What `T` becomes through JSON.stringify: a key whose value may be undefined is optional. */
type Json<T> = T extends readonly (infer E)[]
  ? Json<E>[]
  : T extends object
    ? {
        [K in keyof T as undefined extends T[K] ? K : never]?: Json<Exclude<T[K], undefined>>;
      } & {
        [K in keyof T as undefined extends T[K] ? never : K]: Json<T[K]>;
      } extends infer O
      ? { [K in keyof O]: O[K] }
      : never
    : T;

type Result<K extends keyof Marketplace> = Json<Awaited<ReturnType<Marketplace[K]>>>;
type Out<S extends z.ZodType> = Json<z.output<S>>;

expectTypeOf<Out<typeof planSchema>>().toEqualTypeOf<Result<'plan'>>();
expectTypeOf<Out<typeof planSchema>>().toEqualTypeOf<Result<'apply'>>();
expectTypeOf<Out<typeof pluginInfoSchema>>().toEqualTypeOf<Result<'info'>>();
expectTypeOf<Out<typeof searchResultSchema>>().toEqualTypeOf<{ items: Result<'search'> }>();
expectTypeOf<Out<typeof sourceListSchema>>().toEqualTypeOf<{ items: Result<'sources'> }>();
expectTypeOf<Out<typeof removedSchema>>().toEqualTypeOf<Result<'remove'>>();
expectTypeOf<Out<typeof removedSchema>>().toEqualTypeOf<Result<'removeSource'>>();
expectTypeOf<Out<typeof verifyReportSchema>>().toEqualTypeOf<Result<'verify'>>();
// POST /plugins/install answers `{ plan }` (dry run) or `{ ...installed, plan }`.
expectTypeOf<Out<typeof fileDryRunSchema>>().toEqualTypeOf<Json<Omit<FileInstallOutcome, 'installed'>>>();
expectTypeOf<Out<typeof fileInstalledSchema>>().toEqualTypeOf<
  Json<NonNullable<FileInstallOutcome['installed']> & Pick<FileInstallOutcome, 'plan'>>
>();

// The comparison is strict: an optional field made required, or one field more, does not pass.
// @ts-expect-error `from` is optional in a plan step
expectTypeOf<Out<typeof planSchema>>().toEqualTypeOf<Json<Plan & { steps: Array<{ from: string }> }>>();
// @ts-expect-error the search answer has no `total`
expectTypeOf<Out<typeof searchResultSchema>>().toEqualTypeOf<{ items: Result<'search'>; total: number }>();
