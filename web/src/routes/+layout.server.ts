import type { LayoutServerLoad } from './$types';

/** The UI language the server read from the cookie, for the first render and hydration. */
export const load = (({ locals }) => ({ locale: locals.locale })) satisfies LayoutServerLoad;
