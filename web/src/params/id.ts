import type { ParamMatcher } from '@sveltejs/kit';

/**
 * Registry ids are positive integers (datasets, jobs, runs). A route segment that is not one (`/datasets/abc`)
 * matches no route and answers 404, instead of reaching the API with an id it would refuse.
 */
export const match = ((param: string): param is string =>
  /^[1-9]\d{0,15}$/.test(param)) satisfies ParamMatcher;
