import { DATASET_KINDS, DATASET_ORIGINS } from '@genesis/schema/common';
import { builder } from './builder.ts';

/** GraphQL enums are UPPER_CASE; the stored values are the schema package's lower-case strings. */
function upperEnum<const T extends readonly string[]>(values: T) {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), { value: v }])) as {
    [K in T[number] as Uppercase<K>]: { value: K };
  };
}

export const DatasetKindEnum = builder.enumType('DatasetKind', {
  values: upperEnum(DATASET_KINDS),
});

export const DatasetOriginEnum = builder.enumType('DatasetOrigin', {
  values: upperEnum(DATASET_ORIGINS),
});

export const LanguageEnum = builder.enumType('Language', {
  values: { EN: { value: 'en' as const }, ES: { value: 'es' as const } },
});
