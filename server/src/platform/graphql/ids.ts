import { codedMessage } from '@genesis/schema/messages';
import { InputError } from '../errors.ts';

/** Registry ids are positive integers, shown as strings in GraphQL ("12"). */
export function parseId(id: string | number, path = 'id'): number {
  const n = typeof id === 'number' ? id : /^\d+$/.test(id) ? Number(id) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InputError([{ path, ...codedMessage('id.invalid', { id }) }]);
  }
  return n;
}
