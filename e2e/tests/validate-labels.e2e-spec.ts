import { expect, test } from '@playwright/test';
import {
  generateDataset,
  gotoHydrated,
  importUtterances,
  type UtteranceRow,
  uniqueName,
} from '../utils.ts';

// Spanish utterances over three intents, four of them labelled with another intent on purpose.
const CARD = [
  'Mi tarjeta nueva todavía no ha llegado',
  '¿Cuánto tarda en llegar la tarjeta?',
  'Pedí una tarjeta hace dos semanas y no llega',
  '¿Dónde está mi tarjeta? No me ha llegado',
];
const RATE = [
  '¿Qué tipo de cambio aplican a mis pagos?',
  '¿Cuál es el tipo de cambio para euros?',
  'El tipo de cambio que me cobraron es muy alto',
  '¿Cómo calculan el tipo de cambio de divisas?',
];
const LOST = [
  'He perdido mi tarjeta esta mañana',
  'Me robaron la tarjeta, ¿qué hago?',
  'No encuentro mi tarjeta, creo que la perdí',
  'Alguien me ha robado la cartera con la tarjeta',
];

function rows(): UtteranceRow[] {
  const out: UtteranceRow[] = [];
  for (let round = 0; round < 3; round++) {
    for (const [texts, intent] of [
      [CARD, 'card_arrival'],
      [RATE, 'exchange_rate'],
      [LOST, 'lost_or_stolen_card'],
    ] as const) {
      for (const [i, text] of texts.entries()) {
        out.push({ text: `${text} (${round + 1}.${i + 1})`, intent, language: 'es' });
      }
    }
  }
  // Exchange-rate questions labelled as card arrivals.
  for (let i = 0; i < 4; i++) out[4 + i] = { ...out[4 + i]!, intent: 'card_arrival' };
  return out;
}

test('the report lists the items label fidelity disagrees with most, Spanish text marked as Spanish', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const reference = await generateDataset(request, {
    kind: 'CONVERSATIONS',
    count: 90,
    name: uniqueName('E2E spanish source'),
    targets: {
      languages: [{ key: 'es', weight: 1 }],
      intents: [
        { key: 'card_arrival', weight: 1 },
        { key: 'exchange_rate', weight: 1 },
        { key: 'lost_or_stolen_card', weight: 1 },
      ],
    },
  });
  const dataset = await importUtterances(request, uniqueName('E2E spanish labels'), rows());

  await gotoHydrated(page, `/validate?dataset=${dataset.id}`);
  await page.getByRole('combobox', { name: /^Reference/ }).selectOption({ label: reference.name });
  await page.getByRole('button', { name: 'Run validation' }).click();
  // Against a reference dataset the server builds its profile and trains its label oracle first.
  await expect(page).toHaveURL(new RegExp(`dataset=${dataset.id}&version=1$`), { timeout: 90_000 });

  // Spanish has a reference now: covered by the chosen dataset, not "no reference for language es".
  const why = page.getByRole('region', { name: 'Why this verdict' });
  await expect(why.getByTestId('reason')).not.toContainText('no reference for language es');
  const notChecked = page.getByRole('region', { name: 'What was not checked' });
  await expect(notChecked.locator('[data-part="es"]')).toContainText(
    `covered by ${reference.name}`,
  );

  const worst = page.getByRole('region', { name: /Labels the oracle disagrees with most/ });
  await expect(worst).toBeVisible();
  const table = worst.getByRole('table');
  await expect(table.getByRole('columnheader', { name: "Oracle's intent" })).toBeVisible();
  const first = table.getByRole('row').nth(1);
  await expect(first.locator('td[lang="es"]')).not.toBeEmpty();
  // A mislabelled exchange-rate question is among them, with both intents.
  const mislabelled = table.getByRole('row').filter({ hasText: 'tipo de cambio' }).first();
  await expect(mislabelled).toContainText('card_arrival');
});
