import { InputError } from '../errors.ts';

/**
 * Runs a mutation's service call and locates its input problems under the argument they came in
 * (`input.count`), so a client sees the same paths whether a problem was found by the schema or by the service.
 */
export async function locatedUnder<T>(argument: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InputError) throw err.under(argument);
    throw err;
  }
}
