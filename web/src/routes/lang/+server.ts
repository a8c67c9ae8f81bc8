import { redirect } from '@sveltejs/kit';
import { LOCALE_COOKIE, parseLocale } from '$lib/i18n/messages.ts';
import type { RequestHandler } from './$types';

/**
 * The language switch without JavaScript: the layout's form posts the choice here, which is stored
 * in the cookie, and the visitor goes back to the page they were on (a path of this site only).
 */
export const POST: RequestHandler = async ({ request, cookies }) => {
  const form = await request.formData();
  const locale = parseLocale(String(form.get('lang') ?? ''));
  cookies.set(LOCALE_COOKIE, locale, {
    path: '/',
    maxAge: 60 * 60 * 24 * 365,
    httpOnly: false,
    sameSite: 'lax',
    secure: false,
  });
  const back = String(form.get('back') ?? '/');
  redirect(303, back.startsWith('/') && !back.startsWith('//') ? back : '/');
};
