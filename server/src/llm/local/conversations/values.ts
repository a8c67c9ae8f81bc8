/**
 * Slot values for the phrase tables: amounts, currencies, merchants, places, times, documents, and, for
 * Spanish, the words that depend on the market (Mexico or Spain) and on the register (tú or usted to the
 * customer; ustedes or, rarely, vosotros to the bank).
 */

import type { Random } from '@genesis/schema/random';
import type { ValueSource } from './template.ts';

/** The Spanish market a conversation is set in. */
export type Market = 'MX' | 'ES';

/** How the voices address each other in a conversation. */
export interface Voice {
  language: 'en' | 'es';
  /** Spanish only; English conversations use 'ES' as a placeholder and never read it. */
  market: Market;
  /** The agent to the customer (Spanish): informal tú or formal usted. */
  agentTu: boolean;
  /** The customer to the bank (Spanish): vosotros (Spain only, rare) or ustedes. */
  customerVosotros: boolean;
}

type Generator = (rng: Random, source: ConversationValues) => string;

/** An integer that looks like a price someone paid: round-ish, sometimes with cents. */
function price(rng: Random, min: number, max: number, cents: boolean): number {
  const whole = rng.int(min, max);
  const rounded = rng.chance(0.4) ? Math.max(min, Math.round(whole / 5) * 5) : whole;
  return cents && rng.chance(0.35) ? rounded + rng.int(1, 99) / 100 : rounded;
}

function enMoney(amount: number, currency: string, rng: Random): string {
  const text = Number.isInteger(amount)
    ? amount.toLocaleString('en-GB')
    : amount.toLocaleString('en-GB', { minimumFractionDigits: 2 });
  const symbol: Record<string, string> = { GBP: '£', EUR: '€', USD: '$' };
  const word: Record<string, string> = { GBP: 'pounds', EUR: 'euros', USD: 'dollars' };
  const style = rng.int(0, 9);
  if (style < 6) return `${symbol[currency]}${text}`;
  if (style < 9) return `${text} ${word[currency]}`;
  return `${text} ${currency}`;
}

function esMoney(amount: number, market: Market, rng: Random): string {
  if (market === 'MX') {
    const text = Number.isInteger(amount)
      ? amount.toLocaleString('en-US')
      : amount.toLocaleString('en-US', { minimumFractionDigits: 2 });
    const style = rng.int(0, 9);
    if (style < 5) return `$${text}`;
    if (style < 8) return `${text} pesos`;
    return `$${text} MXN`;
  }
  const text = Number.isInteger(amount)
    ? amount.toLocaleString('es-ES')
    : amount.toLocaleString('es-ES', { minimumFractionDigits: 2 });
  const style = rng.int(0, 9);
  if (style < 6) return `${text} €`;
  if (style < 9) return `${text} euros`;
  return `${text} EUR`;
}

/** Amount ranges per kind; Mexican pesos are about 20 to the euro, so their ranges are wider. */
const RANGES: Record<string, [number, number, boolean]> = {
  amount: [12, 480, true],
  big_amount: [500, 5000, false],
  small_fee: [1, 5, false],
  fee: [1, 25, true],
};

function moneyGenerator(kind: string): Generator {
  const [min, max, cents] = RANGES[kind]!;
  return (rng, source) => {
    const voice = source.voice;
    if (voice.language === 'en') {
      return enMoney(price(rng, min, max, cents), source.value('currency_code'), rng);
    }
    const factor = voice.market === 'MX' ? 20 : 1;
    return esMoney(
      price(rng, min * factor, max * factor, cents && factor === 1),
      voice.market,
      rng,
    );
  };
}

function cashGenerators(): Record<string, Generator> {
  const asked: Generator = (rng, source) => {
    const n = rng.pick([40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400]);
    source.remember('cash_number', String(n));
    return formatCash(n, rng, source);
  };
  const got: Generator = (rng, source) => {
    source.value('cash_asked');
    const n = Number(source.value('cash_number'));
    const less = Math.max(10, n - rng.pick([10, 20, 20, 40, 50]) * (n > 100 ? 2 : 1));
    return formatCash(less >= n ? n / 2 : less, rng, source);
  };
  return { cash_asked: asked, cash_got: got, cash_number: () => '100' };
}

function formatCash(n: number, rng: Random, source: ConversationValues): string {
  const voice = source.voice;
  if (voice.language === 'en') return enMoney(n, source.value('currency_code'), rng);
  return esMoney(voice.market === 'MX' ? n * 10 : n, voice.market, rng);
}

function list(items: readonly string[]): Generator {
  return (rng) => rng.pick(items);
}

/** Per market: [Mexico, Spain]. */
function byMarket(mx: readonly string[], es: readonly string[]): Generator {
  return (rng, source) => rng.pick(source.voice.market === 'MX' ? mx : es);
}

/** Agent to customer: [tú, usted]. */
function agentForm(tu: string, usted: string): Generator {
  return (_, source) => (source.voice.agentTu ? tu : usted);
}

/** Customer to the bank: [ustedes, vosotros]. */
function bankForm(ustedes: string, vosotros: string): Generator {
  return (_, source) => (source.voice.customerVosotros ? vosotros : ustedes);
}

const EN: Record<string, Generator> = {
  currency_code: (rng) => rng.weighted(['GBP', 'EUR', 'USD'], [5, 3, 2]),
  amount: moneyGenerator('amount'),
  amount2: moneyGenerator('amount'),
  big_amount: moneyGenerator('big_amount'),
  small_fee: moneyGenerator('small_fee'),
  fee: moneyGenerator('fee'),
  ...cashGenerators(),
  merchant: list([
    'Amazon',
    'Tesco',
    'eBay',
    'Uber',
    'Netflix',
    'Spotify',
    'Zara',
    'IKEA',
    'Ryanair',
    'Booking.com',
    'a petrol station',
    'a restaurant',
    'the supermarket',
    'a coffee shop',
    'an online shop',
    'a hotel',
    'Sainsbury’s',
    'Argos',
    'Deliveroo',
    'Apple',
  ]),
  place: list([
    'a shop',
    'the supermarket',
    'a restaurant',
    'the petrol station',
    'a cafe',
    'the pharmacy',
    'a bar',
    'the train station',
    'an online store',
  ]),
  country: list([
    'Spain',
    'France',
    'Germany',
    'Italy',
    'Portugal',
    'the US',
    'Mexico',
    'China',
    'Japan',
    'Thailand',
    'Turkey',
    'Poland',
    'Canada',
    'Australia',
    'Greece',
    'the Netherlands',
  ]),
  home_country: list(['the UK', 'Ireland', 'France', 'Spain', 'Germany', 'the US']),
  fx_from: list(['GBP', 'EUR', 'USD', 'pounds', 'euros', 'dollars']),
  fx_to: list(['USD', 'EUR', 'JPY', 'AUD', 'CHF', 'PLN', 'MXN', 'yen', 'Swiss francs', 'dollars']),
  ago: list([
    'yesterday',
    'this morning',
    'two days ago',
    '3 days ago',
    'last week',
    'a week ago',
    'on Monday',
    'last Friday',
    'a few days ago',
    'earlier today',
    'over a week ago',
    '10 days ago',
    'last night',
  ]),
  long_ago: list([
    'two weeks ago',
    '10 days ago',
    'over a week ago',
    'three weeks ago',
    'a month ago',
    'more than two weeks ago',
    'last month',
    '12 days ago',
  ]),
  wait: list([
    'a week',
    'two weeks',
    '10 days',
    'three days',
    'ages',
    'over a week',
    '5 days',
    'two days',
  ]),
  hours: list([
    'an hour',
    'two hours',
    '30 minutes',
    'half an hour',
    'all morning',
    'since yesterday',
    'a few hours',
    '45 minutes',
  ]),
  person: list([
    'my friend',
    'my landlord',
    'my sister',
    'my brother',
    'my mum',
    'my dad',
    'a colleague',
    'my husband',
    'my wife',
    'my flatmate',
    'a supplier',
    'my son',
    'my girlfriend',
    'my boyfriend',
  ]),
  atm_place: list([
    'at the train station',
    'near my hotel',
    'in the city centre',
    'at the airport',
    'outside the supermarket',
    'on the high street',
    'at the mall',
    'near my office',
    'abroad',
    'in town',
  ]),
  doc: list(['passport', 'driving licence', 'ID card', 'residence permit', 'national ID']),
  ext_card: list([
    'my US credit card',
    'a European debit card',
    'my American Express',
    'a card from another bank',
    'an international card',
    'my UK debit card',
    'a Visa credit card',
    'a Mastercard from my old bank',
  ]),
  family: list([
    'my son',
    'my daughter',
    'my kids',
    'my teenager',
    'my 16 year old',
    'my child',
    'my 12 year old daughter',
    'my nephew',
  ]),
  card: list(['card', 'card', 'card', 'debit card', 'bank card', 'Visa card', 'Mastercard']),
  device: list(['phone', 'phone', 'mobile', 'iPhone', 'Android phone', 'smartphone']),
  wallet: list(['Apple Pay', 'Google Pay', 'Apple Pay', 'Google Pay', 'my Apple Watch']),
  n_times: list(['twice', 'two times', 'three times', 'several times', 'a few times', '4 times']),
  ticket: (rng) => `${rng.pick(['GL', 'CS', 'TK'])}-${rng.int(100000, 999999)}`,
  screen: list([
    'the Cards tab',
    'Settings',
    'the home screen',
    'the Payments section',
    'my profile',
    'the card menu',
  ]),
  name: list(['Alex', 'Sam', 'Jordan', 'Chris', 'Taylor', 'Morgan', 'Jamie', 'Robin']),
};

const ES: Record<string, Generator> = {
  amount: moneyGenerator('amount'),
  amount2: moneyGenerator('amount'),
  big_amount: moneyGenerator('big_amount'),
  small_fee: moneyGenerator('small_fee'),
  fee: moneyGenerator('fee'),
  ...cashGenerators(),
  moneda: byMarket(['pesos', 'MXN'], ['euros', 'EUR']),
  merchant: byMarket(
    [
      'Amazon',
      'Mercado Libre',
      'OXXO',
      'Walmart',
      'Liverpool',
      'Soriana',
      'Uber',
      'Rappi',
      'Netflix',
      'Spotify',
      'Coppel',
      'Didi',
      'una gasolinera',
      'un restaurante',
      'el súper',
    ],
    [
      'Amazon',
      'Mercadona',
      'El Corte Inglés',
      'Zara',
      'Carrefour',
      'Glovo',
      'Netflix',
      'Spotify',
      'Cabify',
      'Renfe',
      'Wallapop',
      'una gasolinera',
      'un restaurante',
      'el supermercado',
      'Lidl',
    ],
  ),
  place: byMarket(
    ['una tienda', 'el súper', 'un restaurante', 'la farmacia', 'el OXXO', 'una gasolinera'],
    ['una tienda', 'el supermercado', 'un bar', 'la farmacia', 'un restaurante', 'una gasolinera'],
  ),
  country: list([
    'Estados Unidos',
    'Francia',
    'Alemania',
    'Italia',
    'Portugal',
    'Japón',
    'Canadá',
    'Colombia',
    'Argentina',
    'Reino Unido',
    'China',
    'Perú',
  ]),
  city: byMarket(
    ['la CDMX', 'Guadalajara', 'Monterrey', 'Puebla', 'Querétaro', 'Mérida', 'Cancún'],
    ['Madrid', 'Barcelona', 'Valencia', 'Sevilla', 'Bilbao', 'Málaga', 'Zaragoza'],
  ),
  fx_from: byMarket(['pesos', 'MXN'], ['euros', 'EUR']),
  fx_to: byMarket(
    ['dólares', 'USD', 'euros', 'libras', 'yenes', 'dólares canadienses'],
    ['dólares', 'USD', 'libras', 'francos suizos', 'yenes', 'pesos mexicanos'],
  ),
  ago: byMarket(
    ['ayer', 'hoy en la mañana', 'hace dos días', 'hace 3 días', 'la semana pasada', 'el lunes'],
    ['ayer', 'esta mañana', 'hace dos días', 'hace 3 días', 'la semana pasada', 'el lunes'],
  ),
  long_ago: list([
    'hace dos semanas',
    'hace 10 días',
    'hace más de una semana',
    'hace tres semanas',
    'hace un mes',
    'el mes pasado',
  ]),
  wait: list(['una semana', 'dos semanas', '10 días', 'tres días', 'varios días', '5 días']),
  hours: list([
    'una hora',
    'dos horas',
    'media hora',
    'toda la mañana',
    'desde ayer',
    '45 minutos',
  ]),
  person: byMarket(
    ['mi amigo', 'mi hermana', 'mi mamá', 'mi papá', 'mi casero', 'un proveedor', 'mi esposa'],
    ['mi amigo', 'mi hermana', 'mi madre', 'mi padre', 'mi casero', 'un proveedor', 'mi pareja'],
  ),
  atm_place: byMarket(
    ['en un OXXO', 'en el centro', 'en el aeropuerto', 'en la plaza', 'cerca de mi casa'],
    [
      'en la estación',
      'en el centro',
      'en el aeropuerto',
      'en el centro comercial',
      'en mi barrio',
    ],
  ),
  doc: byMarket(
    ['INE', 'pasaporte', 'credencial para votar', 'licencia de conducir'],
    ['DNI', 'pasaporte', 'NIE', 'carné de conducir'],
  ),
  ext_card: byMarket(
    [
      'una tarjeta de crédito de otro banco',
      'mi tarjeta de débito de BBVA',
      'una American Express',
    ],
    ['una tarjeta de otro banco', 'mi tarjeta de débito de CaixaBank', 'una American Express'],
  ),
  family: byMarket(
    ['mi hijo', 'mi hija', 'mis hijos', 'mi hijo de 15 años'],
    ['mi hijo', 'mi hija', 'mis hijos', 'mi hija de 16 años'],
  ),
  pais: byMarket(['México'], ['España']),
  n_veces: list(['dos veces', 'tres veces', 'varias veces', 'un par de veces']),
  name: list(['Ana', 'Luis', 'Carmen', 'Diego', 'Lucía', 'Javier', 'Sofía', 'Pablo']),
  celular: byMarket(['celular', 'celular', 'teléfono'], ['móvil', 'móvil', 'teléfono']),
  checar: byMarket(['checar', 'revisar'], ['comprobar', 'mirar', 'revisar']),
  transferencia: byMarket(
    ['transferencia', 'transferencia SPEI', 'SPEI'],
    ['transferencia', 'transferencia SEPA', 'transferencia'],
  ),
  p2p: byMarket(['SPEI', 'una transferencia SPEI', 'transferencia'], ['Bizum', 'un Bizum']),
  clabe: byMarket(['CLABE', 'cuenta CLABE'], ['IBAN', 'número de cuenta']),
  deposito: byMarket(
    ['en un OXXO', 'en una tienda de conveniencia', 'en ventanilla'],
    ['en un cajero', 'en la oficina'],
  ),
  cheque: byMarket(['cheque'], ['cheque', 'talón']),
  plata: byMarket(['lana', 'dinero'], ['pasta', 'dinero']),
  ticket: (rng) => `${rng.pick(['GL', 'CS', 'TK'])}-${rng.int(100000, 999999)}`,
  // Agent to customer.
  tu: agentForm('tu', 'su'),
  tus: agentForm('tus', 'sus'),
  te: agentForm('te', 'le'),
  ti: agentForm('ti', 'usted'),
  puedes: agentForm('puedes', 'puede'),
  tienes: agentForm('tienes', 'tiene'),
  has: agentForm('has', 'ha'),
  estas: agentForm('estás', 'está'),
  quieres: agentForm('quieres', 'quiere'),
  necesitas: agentForm('necesitas', 'necesita'),
  recibiras: agentForm('recibirás', 'recibirá'),
  veras: agentForm('verás', 'verá'),
  podras: agentForm('podrás', 'podrá'),
  revisa: agentForm('revisa', 'revise'),
  intenta: agentForm('intenta', 'intente'),
  entra: agentForm('entra', 'entre'),
  confirma: agentForm('confírmame', 'confírmeme'),
  dime: agentForm('dime', 'dígame'),
  indica: agentForm('indícame', 'indíqueme'),
  disculpa: agentForm('disculpa', 'disculpe'),
  espera: agentForm('espera', 'espere'),
  ve: agentForm('ve', 'vaya'),
  sigue: agentForm('sigue', 'siga'),
  activa: agentForm('activa', 'active'),
  pide: agentForm('pide', 'pida'),
  hiciste: agentForm('hiciste', 'hizo'),
  escribes: agentForm('escribes', 'escribe'),
  pediste: agentForm('pediste', 'pidió'),
  usaste: agentForm('usaste', 'usó'),
  usas: agentForm('usas', 'usa'),
  guarda: agentForm('guarda', 'guarde'),
  dejame: agentForm('déjame', 'permítame'),
  // Customer to the bank.
  pueden: bankForm('pueden', 'podéis'),
  ustedes: bankForm('ustedes', 'vosotros'),
  les: bankForm('les', 'os'),
  han: bankForm('han', 'habéis'),
  tienen: bankForm('tienen', 'tenéis'),
  cobran: bankForm('cobran', 'cobráis'),
  aceptan: bankForm('aceptan', 'aceptáis'),
  mandaron: bankForm('mandaron', 'mandasteis'),
  sus: bankForm('sus', 'vuestros'),
  su: bankForm('su', 'vuestra'),
};

/**
 * The values of one conversation: each name is drawn once and then reused, so details stay consistent
 * across turns. Names not in the tables are a bug in a phrase table and throw.
 */
export class ConversationValues implements ValueSource {
  readonly #memo = new Map<string, string>();
  readonly #table: Record<string, Generator>;

  constructor(
    readonly voice: Voice,
    readonly rng: Random,
  ) {
    this.#table = voice.language === 'en' ? EN : ES;
  }

  value(name: string): string {
    const known = this.#memo.get(name);
    if (known !== undefined) return known;
    const generator = this.#table[name];
    if (!generator)
      throw new RangeError(`no value named '${name}' for language ${this.voice.language}`);
    const drawn = generator(this.rng, this);
    // A generator may have remembered its own value already (cash pairs); keep the first.
    if (!this.#memo.has(name)) this.#memo.set(name, drawn);
    return this.#memo.get(name)!;
  }

  /** Stores a value a generator derived, for a dependent value to read. */
  remember(name: string, text: string): void {
    this.#memo.set(name, text);
  }
}

/** Names every template may use, per language: the tests check the tables against these. */
export function valueNames(language: 'en' | 'es'): ReadonlySet<string> {
  return new Set(Object.keys(language === 'en' ? EN : ES));
}
