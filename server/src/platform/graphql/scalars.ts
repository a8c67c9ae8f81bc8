import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.ts';

builder.scalarType('DateTime', {
  description: 'An instant as an ISO-8601 string in UTC, e.g. 2026-11-25T17:20:00.000Z',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string');
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value: an item record as defined by @genesis/schema',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING) return ast.value;
    throw new GraphQLError('JSON literals must be passed as variables');
  },
});

builder.scalarType('File', {
  description: 'A file sent with the GraphQL multipart request spec (multipart/form-data)',
  serialize: () => {
    throw new GraphQLError('File is an input-only scalar');
  },
  parseValue: (value) => {
    // yoga hands over its fetch ponyfill's File, which is not an instance of the global File class.
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as File).text === 'function' &&
      typeof (value as File).name === 'string'
    ) {
      return value as File;
    }
    throw new GraphQLError('Expected a file upload (GraphQL multipart request)');
  },
});
