/**
 * The Banking77 intent catalog: the 77 intent labels of the dataset, grouped into 11 categories, with
 * English and Spanish display names. Spanish names use neutral wording that reads naturally in both
 * Mexico and Spain (e.g. "teléfono" rather than "celular"/"móvil", "efectivo en cajero" rather than
 * "retiro"/"retirada").
 *
 * The intent ids are the dataset's exact label strings, including its oddities (`Refund_not_showing_up`,
 * `reverted_card_payment?`): data imported from Banking77 must match them byte for byte.
 */

/** One of the 11 categories that group the 77 intents. */
export interface CategoryInfo {
  /** snake_case identifier, e.g. `card_management`. */
  id: string;
  name_en: string;
  name_es: string;
  /** One line, English. */
  description: string;
}

/** One Banking77 intent. */
export interface IntentInfo {
  /** The exact Banking77 label, e.g. `card_arrival`. */
  id: string;
  /** The id of the category the intent belongs to. */
  category: string;
  name_en: string;
  name_es: string;
  /** One line, English. */
  description: string;
}

/** The 11 intent categories, in display order. */
export const CATEGORIES: readonly CategoryInfo[] = [
  {
    id: 'card_management',
    name_en: 'Card management',
    name_es: 'Gestión de tarjetas',
    description:
      'Ordering, delivering, activating, linking and replacing physical and virtual cards.',
  },
  {
    id: 'card_payments',
    name_en: 'Card payments',
    name_es: 'Pagos con tarjeta',
    description: 'Paying with the card in shops, online, contactless or through mobile wallets.',
  },
  {
    id: 'cash_withdrawals',
    name_en: 'Cash withdrawals',
    name_es: 'Efectivo en cajeros',
    description: 'Taking cash out at ATMs and problems with those withdrawals.',
  },
  {
    id: 'transfers',
    name_en: 'Transfers',
    name_es: 'Transferencias',
    description: 'Sending and receiving bank transfers, direct debits and incoming payments.',
  },
  {
    id: 'top_ups',
    name_en: 'Top-ups',
    name_es: 'Recargas',
    description: 'Adding money to the account by card, bank transfer, cash or cheque.',
  },
  {
    id: 'exchange_and_currencies',
    name_en: 'Exchange and currencies',
    name_es: 'Cambio de divisas',
    description: 'Holding and exchanging currencies, and the exchange rates applied.',
  },
  {
    id: 'account_and_verification',
    name_en: 'Account and verification',
    name_es: 'Cuenta y verificación',
    description: 'Eligibility, identity checks, personal details and closing the account.',
  },
  {
    id: 'security',
    name_en: 'Security',
    name_es: 'Seguridad',
    description: 'Lost, stolen, compromised or blocked cards.',
  },
  {
    id: 'fees_and_charges',
    name_en: 'Fees and charges',
    name_es: 'Comisiones y cargos',
    description: 'Fees charged on payments, transfers, top-ups, withdrawals and exchanges.',
  },
  {
    id: 'refunds_and_disputes',
    name_en: 'Refunds and disputes',
    name_es: 'Reembolsos y reclamaciones',
    description: 'Refunds, duplicate charges and transactions the customer does not recognise.',
  },
  {
    id: 'app_and_access',
    name_en: 'App and access',
    name_es: 'App y acceso',
    description: 'Getting into the app, lost phones, linking cards to the app and mobile wallets.',
  },
];

type IntentRow = readonly [
  id: string,
  category: string,
  name_en: string,
  name_es: string,
  description: string,
];

// Rows rather than objects keep the 77 entries scannable; they are expanded into IntentInfo below.
const INTENT_ROWS: readonly IntentRow[] = [
  // card_management
  [
    'card_arrival',
    'card_management',
    'Card arrival',
    'Llegada de la tarjeta',
    'The customer is waiting for a card that has not arrived yet.',
  ],
  [
    'card_delivery_estimate',
    'card_management',
    'Card delivery estimate',
    'Plazo de entrega de la tarjeta',
    'The customer asks how long card delivery takes.',
  ],
  [
    'activate_my_card',
    'card_management',
    'Activate my card',
    'Activar mi tarjeta',
    'The customer wants to activate a newly received card.',
  ],
  [
    'card_about_to_expire',
    'card_management',
    'Card about to expire',
    'Tarjeta a punto de vencer',
    'The card is expiring soon and the customer asks about a replacement.',
  ],
  [
    'card_linking',
    'card_management',
    'Link a card',
    'Vincular una tarjeta',
    'The customer wants to link or re-link a card to the account in the app.',
  ],
  [
    'card_not_working',
    'card_management',
    'Card not working',
    'La tarjeta no funciona',
    'The physical card does not work.',
  ],
  [
    'get_physical_card',
    'card_management',
    'Get a physical card',
    'Obtener una tarjeta física',
    'The customer asks how to get a physical card.',
  ],
  [
    'order_physical_card',
    'card_management',
    'Order a physical card',
    'Pedir una tarjeta física',
    'The customer wants to order a physical card and asks about the process.',
  ],
  [
    'getting_spare_card',
    'card_management',
    'Get a spare card',
    'Obtener una tarjeta adicional',
    'The customer wants an additional or spare card.',
  ],
  [
    'getting_virtual_card',
    'card_management',
    'Get a virtual card',
    'Obtener una tarjeta virtual',
    'The customer asks how to get a virtual card.',
  ],
  [
    'get_disposable_virtual_card',
    'card_management',
    'Get a disposable virtual card',
    'Obtener una tarjeta virtual desechable',
    'The customer asks how to get a single-use virtual card.',
  ],
  [
    'disposable_card_limits',
    'card_management',
    'Disposable card limits',
    'Límites de las tarjetas desechables',
    'The customer asks about the limits and restrictions of disposable cards.',
  ],
  [
    'virtual_card_not_working',
    'card_management',
    'Virtual card not working',
    'La tarjeta virtual no funciona',
    'The virtual card does not work.',
  ],
  [
    'change_pin',
    'card_management',
    'Change PIN',
    'Cambiar el PIN',
    'The customer wants to change the card PIN.',
  ],
  [
    'visa_or_mastercard',
    'card_management',
    'Visa or Mastercard',
    'Visa o Mastercard',
    'The customer asks whether the card is Visa or Mastercard or wants the other network.',
  ],
  // card_payments
  [
    'declined_card_payment',
    'card_payments',
    'Declined card payment',
    'Pago con tarjeta rechazado',
    'A card payment was declined.',
  ],
  [
    'pending_card_payment',
    'card_payments',
    'Pending card payment',
    'Pago con tarjeta pendiente',
    'A card payment is still shown as pending.',
  ],
  [
    'reverted_card_payment?',
    'card_payments',
    'Reverted card payment',
    'Pago con tarjeta revertido',
    'A card payment went through and was then reverted.',
  ],
  [
    'card_acceptance',
    'card_payments',
    'Card acceptance',
    'Aceptación de la tarjeta',
    'The customer asks where the card is accepted.',
  ],
  [
    'contactless_not_working',
    'card_payments',
    'Contactless not working',
    'El pago sin contacto no funciona',
    'Contactless payments with the card do not work.',
  ],
  // cash_withdrawals
  [
    'pending_cash_withdrawal',
    'cash_withdrawals',
    'Pending cash withdrawal',
    'Efectivo en cajero pendiente',
    'An ATM cash withdrawal is still shown as pending.',
  ],
  [
    'declined_cash_withdrawal',
    'cash_withdrawals',
    'Declined cash withdrawal',
    'Efectivo en cajero rechazado',
    'An ATM cash withdrawal was declined.',
  ],
  [
    'wrong_amount_of_cash_received',
    'cash_withdrawals',
    'Wrong amount of cash received',
    'Cantidad de efectivo incorrecta',
    'The ATM dispensed a different amount than requested.',
  ],
  [
    'atm_support',
    'cash_withdrawals',
    'ATM support',
    'Cajeros compatibles',
    'The customer asks which ATMs accept the card.',
  ],
  [
    'card_swallowed',
    'cash_withdrawals',
    'Card retained by ATM',
    'Tarjeta retenida por el cajero',
    'An ATM kept the card.',
  ],
  // transfers
  [
    'cancel_transfer',
    'transfers',
    'Cancel a transfer',
    'Cancelar una transferencia',
    'The customer wants to cancel a transfer.',
  ],
  [
    'transfer_not_received_by_recipient',
    'transfers',
    'Transfer not received by recipient',
    'Transferencia no recibida por el destinatario',
    'The recipient has not received a transfer the customer sent.',
  ],
  [
    'declined_transfer',
    'transfers',
    'Declined transfer',
    'Transferencia rechazada',
    'A transfer was declined.',
  ],
  [
    'pending_transfer',
    'transfers',
    'Pending transfer',
    'Transferencia pendiente',
    'A transfer is still shown as pending.',
  ],
  [
    'transfer_timing',
    'transfers',
    'Transfer timing',
    'Plazo de las transferencias',
    'The customer asks how long a transfer takes.',
  ],
  [
    'beneficiary_not_allowed',
    'transfers',
    'Beneficiary not allowed',
    'Beneficiario no permitido',
    'The customer cannot add or pay a beneficiary.',
  ],
  [
    'failed_transfer',
    'transfers',
    'Failed transfer',
    'Transferencia fallida',
    'A transfer failed.',
  ],
  [
    'transfer_into_account',
    'transfers',
    'Transfer into the account',
    'Transferir dinero a la cuenta',
    'The customer asks how to transfer money into the account from another bank.',
  ],
  [
    'receiving_money',
    'transfers',
    'Receiving money',
    'Recibir dinero',
    'The customer asks how to receive money, such as a salary, into the account.',
  ],
  [
    'balance_not_updated_after_bank_transfer',
    'transfers',
    'Balance not updated after bank transfer',
    'Saldo sin actualizar tras una transferencia',
    'An incoming bank transfer is not reflected in the balance.',
  ],
  // top_ups
  [
    'automatic_top_up',
    'top_ups',
    'Automatic top-up',
    'Recarga automática',
    'The customer asks about setting up or using automatic top-ups.',
  ],
  [
    'pending_top_up',
    'top_ups',
    'Pending top-up',
    'Recarga pendiente',
    'A top-up is still shown as pending.',
  ],
  [
    'top_up_limits',
    'top_ups',
    'Top-up limits',
    'Límites de recarga',
    'The customer asks about top-up limits.',
  ],
  [
    'top_up_reverted',
    'top_ups',
    'Top-up reverted',
    'Recarga revertida',
    'A top-up went through and was then reverted or cancelled.',
  ],
  [
    'topping_up_by_card',
    'top_ups',
    'Top up by card',
    'Recargar con tarjeta',
    'The customer asks how to top up with a card.',
  ],
  [
    'verify_top_up',
    'top_ups',
    'Verify a top-up',
    'Verificar una recarga',
    'The customer asks how to verify a top-up or the card used for it.',
  ],
  [
    'top_up_by_cash_or_cheque',
    'top_ups',
    'Top up by cash or cheque',
    'Recargar con efectivo o cheque',
    'The customer asks how to top up with cash or a cheque.',
  ],
  ['top_up_failed', 'top_ups', 'Top-up failed', 'Recarga fallida', 'A top-up failed.'],
  [
    'balance_not_updated_after_cheque_or_cash_deposit',
    'top_ups',
    'Balance not updated after cheque or cash deposit',
    'Saldo sin actualizar tras depositar efectivo o un cheque',
    'A cash or cheque deposit is not reflected in the balance.',
  ],
  [
    'supported_cards_and_currencies',
    'top_ups',
    'Supported cards and currencies',
    'Tarjetas y divisas admitidas',
    'The customer asks which cards and currencies can be used to add money.',
  ],
  // exchange_and_currencies
  [
    'exchange_rate',
    'exchange_and_currencies',
    'Exchange rate',
    'Tipo de cambio',
    'The customer asks which exchange rate is used.',
  ],
  [
    'exchange_via_app',
    'exchange_and_currencies',
    'Exchange currencies in the app',
    'Cambiar divisas en la app',
    'The customer asks how to exchange between currencies in the app.',
  ],
  [
    'fiat_currency_support',
    'exchange_and_currencies',
    'Supported currencies',
    'Divisas disponibles',
    'The customer asks which currencies the account can hold or exchange.',
  ],
  [
    'card_payment_wrong_exchange_rate',
    'exchange_and_currencies',
    'Wrong exchange rate on a card payment',
    'Tipo de cambio incorrecto en un pago con tarjeta',
    'A card payment abroad used an unexpected exchange rate.',
  ],
  [
    'wrong_exchange_rate_for_cash_withdrawal',
    'exchange_and_currencies',
    'Wrong exchange rate on a cash withdrawal',
    'Tipo de cambio incorrecto al sacar efectivo',
    'A cash withdrawal abroad used an unexpected exchange rate.',
  ],
  // account_and_verification
  [
    'age_limit',
    'account_and_verification',
    'Age limit',
    'Edad mínima',
    'The customer asks about the minimum age to open an account.',
  ],
  [
    'edit_personal_details',
    'account_and_verification',
    'Edit personal details',
    'Modificar datos personales',
    'The customer wants to change personal details such as name or address.',
  ],
  [
    'why_verify_identity',
    'account_and_verification',
    'Why verify identity',
    'Por qué verificar la identidad',
    'The customer asks why identity verification is required.',
  ],
  [
    'unable_to_verify_identity',
    'account_and_verification',
    'Unable to verify identity',
    'No se puede verificar la identidad',
    'Identity verification fails or cannot be completed.',
  ],
  [
    'verify_my_identity',
    'account_and_verification',
    'Verify my identity',
    'Verificar mi identidad',
    'The customer asks how to verify their identity.',
  ],
  [
    'verify_source_of_funds',
    'account_and_verification',
    'Verify source of funds',
    'Verificar el origen de los fondos',
    'The customer is asked, or asks how, to prove where their money comes from.',
  ],
  [
    'terminate_account',
    'account_and_verification',
    'Close the account',
    'Cerrar la cuenta',
    'The customer wants to close the account.',
  ],
  [
    'country_support',
    'account_and_verification',
    'Country support',
    'Países disponibles',
    'The customer asks in which countries the service is available.',
  ],
  // security
  [
    'lost_or_stolen_card',
    'security',
    'Lost or stolen card',
    'Tarjeta perdida o robada',
    'The card was lost or stolen.',
  ],
  [
    'compromised_card',
    'security',
    'Compromised card',
    'Tarjeta comprometida',
    'The customer believes the card details have been compromised.',
  ],
  ['pin_blocked', 'security', 'PIN blocked', 'PIN bloqueado', 'The card PIN is blocked.'],
  // fees_and_charges
  [
    'card_payment_fee_charged',
    'fees_and_charges',
    'Card payment fee charged',
    'Comisión cobrada por un pago con tarjeta',
    'A fee was charged on a card payment.',
  ],
  [
    'transfer_fee_charged',
    'fees_and_charges',
    'Transfer fee charged',
    'Comisión cobrada por una transferencia',
    'A fee was charged on a transfer.',
  ],
  [
    'top_up_by_bank_transfer_charge',
    'fees_and_charges',
    'Bank transfer top-up fee',
    'Comisión por recargar con transferencia',
    'The customer asks about or was charged a fee for topping up by bank transfer.',
  ],
  [
    'top_up_by_card_charge',
    'fees_and_charges',
    'Card top-up fee',
    'Comisión por recargar con tarjeta',
    'The customer asks about or was charged a fee for topping up by card.',
  ],
  [
    'cash_withdrawal_charge',
    'fees_and_charges',
    'Cash withdrawal fee',
    'Comisión por sacar efectivo',
    'A fee was charged on an ATM cash withdrawal.',
  ],
  [
    'exchange_charge',
    'fees_and_charges',
    'Exchange fee',
    'Comisión por cambio de divisas',
    'A fee was charged for exchanging currencies.',
  ],
  [
    'extra_charge_on_statement',
    'fees_and_charges',
    'Extra charge on statement',
    'Cargo adicional en el extracto',
    'An unexpected extra charge appears on the statement.',
  ],
  // refunds_and_disputes
  [
    'request_refund',
    'refunds_and_disputes',
    'Request a refund',
    'Solicitar un reembolso',
    'The customer wants a refund for a purchase.',
  ],
  [
    'Refund_not_showing_up',
    'refunds_and_disputes',
    'Refund not showing up',
    'El reembolso no aparece',
    'A refund from a merchant does not appear in the account.',
  ],
  [
    'transaction_charged_twice',
    'refunds_and_disputes',
    'Transaction charged twice',
    'Cargo duplicado',
    'The same transaction was charged twice.',
  ],
  [
    'card_payment_not_recognised',
    'refunds_and_disputes',
    'Card payment not recognised',
    'Pago con tarjeta no reconocido',
    'The customer does not recognise a card payment.',
  ],
  [
    'cash_withdrawal_not_recognised',
    'refunds_and_disputes',
    'Cash withdrawal not recognised',
    'Efectivo en cajero no reconocido',
    'The customer does not recognise an ATM cash withdrawal.',
  ],
  [
    'direct_debit_payment_not_recognised',
    'refunds_and_disputes',
    'Direct debit not recognised',
    'Domiciliación no reconocida',
    'The customer does not recognise a direct debit payment.',
  ],
  // app_and_access
  [
    'passcode_forgotten',
    'app_and_access',
    'Passcode forgotten',
    'Código de acceso olvidado',
    'The customer forgot the app passcode.',
  ],
  [
    'lost_or_stolen_phone',
    'app_and_access',
    'Lost or stolen phone',
    'Teléfono perdido o robado',
    'The phone with the app was lost or stolen.',
  ],
  [
    'apple_pay_or_google_pay',
    'app_and_access',
    'Apple Pay or Google Pay',
    'Apple Pay o Google Pay',
    'The customer asks about using the card with Apple Pay or Google Pay.',
  ],
];

/** All 77 Banking77 intents, grouped by category. */
export const INTENTS: readonly IntentInfo[] = INTENT_ROWS.map(
  ([id, category, name_en, name_es, description]) => ({
    id,
    category,
    name_en,
    name_es,
    description,
  }),
);

/** The 77 intent ids (the exact Banking77 labels). */
export const INTENT_IDS: readonly string[] = INTENTS.map((intent) => intent.id);

/** The 11 category ids. */
export const CATEGORY_IDS: readonly string[] = CATEGORIES.map((category) => category.id);

const intentById = new Map(INTENTS.map((intent) => [intent.id, intent]));
const categoryById = new Map(CATEGORIES.map((category) => [category.id, category]));

/** Looks up an intent by its exact Banking77 label. */
export function getIntent(id: string): IntentInfo | undefined {
  return intentById.get(id);
}

/** Looks up a category by id. */
export function getCategory(id: string): CategoryInfo | undefined {
  return categoryById.get(id);
}

/** The intents of one category, in catalog order; empty for an unknown category. */
export function intentsOfCategory(category: string): readonly IntentInfo[] {
  return INTENTS.filter((intent) => intent.category === category);
}
