/**
 * The situations the local provider writes scenarios about: for each series type, a few bilingual
 * descriptions with the parameters that make the rendered series match them. `{place}` is a city in Spain or
 * Mexico, `{level}` the drawn level in the type's unit.
 */
import type { AnomalyType, TrendType } from '@genesis/schema/timeseries';

export interface Template {
  en: string;
  es: string;
  /** Only for series starting in these months (1-12), e.g. a heatwave in summer. */
  months?: readonly number[];
  /** Level range (per hour for extensive types); default the type's typical range. */
  level?: readonly [number, number];
  noise?: readonly [number, number];
  trend?: { type: TrendType; strength: readonly [number, number] };
  weekend?: readonly [number, number];
  cloudiness?: readonly [number, number];
  volatility?: readonly [number, number];
  /** Seasonal strengths to use instead of the drawn ones. */
  daily?: readonly [number, number];
  anomaly?: {
    type: AnomalyType;
    magnitude?: readonly [number, number];
    /** Duration in hours (turned into points at the slot's frequency). */
    hours?: readonly [number, number];
  };
  regime?: { factor?: readonly [number, number]; volatility?: readonly [number, number] };
}

const SUMMER = [6, 7, 8, 9];
const WINTER = [11, 12, 1, 2, 3];

export const PLACES: readonly { en: string; es: string }[] = [
  { en: 'Madrid', es: 'Madrid' },
  { en: 'Barcelona', es: 'Barcelona' },
  { en: 'Valencia', es: 'Valencia' },
  { en: 'Seville', es: 'Sevilla' },
  { en: 'Bilbao', es: 'Bilbao' },
  { en: 'Zaragoza', es: 'Zaragoza' },
  { en: 'Málaga', es: 'Málaga' },
  { en: 'Mexico City', es: 'Ciudad de México' },
  { en: 'Guadalajara', es: 'Guadalajara' },
  { en: 'Monterrey', es: 'Monterrey' },
  { en: 'Puebla', es: 'Puebla' },
  { en: 'Querétaro', es: 'Querétaro' },
  { en: 'Mérida', es: 'Mérida' },
];

export const TEMPLATES: Readonly<Record<string, readonly Template[]>> = {
  residential_consumption: [
    {
      en: 'Residential load in a {place} flat during a heatwave, air conditioning on every evening',
      es: 'Consumo de un piso en {place} durante una ola de calor, con el aire acondicionado encendido cada tarde',
      months: SUMMER,
      level: [0.5, 0.9],
      noise: [0.3, 0.5],
    },
    {
      en: 'Electricity use of a family home in {place} in winter, with electric heating',
      es: 'Consumo eléctrico de una vivienda familiar en {place} en invierno, con calefacción eléctrica',
      months: WINTER,
      level: [0.6, 1.1],
    },
    {
      en: 'A small apartment in {place} shared by two students, irregular hours',
      es: 'Un apartamento pequeño en {place} compartido por dos estudiantes, con horarios irregulares',
      level: [0.2, 0.4],
      noise: [0.4, 0.6],
    },
    {
      en: 'A household in {place} that installed a heat pump, consumption rising over the period',
      es: 'Un hogar de {place} que instaló una bomba de calor; el consumo sube a lo largo del periodo',
      trend: { type: 'linear', strength: [0.1, 0.3] },
    },
    {
      en: "A retired couple's home in {place} with a steady daily routine",
      es: 'La vivienda de una pareja jubilada en {place}, con una rutina diaria estable',
      level: [0.3, 0.5],
      noise: [0.15, 0.3],
    },
    {
      en: 'A {place} home whose smart meter briefly stops reporting',
      es: 'Una vivienda de {place} cuyo contador inteligente deja de enviar datos un rato',
      anomaly: { type: 'dropout', hours: [2, 6] },
    },
  ],
  commercial_consumption: [
    {
      en: 'An office building in {place}, closed at weekends',
      es: 'Un edificio de oficinas en {place}, cerrado los fines de semana',
      weekend: [0.3, 0.5],
    },
    {
      en: 'A supermarket in {place} open every day, refrigeration running day and night',
      es: 'Un supermercado en {place} abierto todos los días, con la refrigeración en marcha día y noche',
      level: [60, 150],
      weekend: [0.95, 1.1],
      daily: [0.3, 0.5],
      noise: [0.08, 0.2],
    },
    {
      en: 'A shopping-centre store in {place} during the sales, busiest at weekends',
      es: 'Una tienda de un centro comercial de {place} en rebajas, con más actividad el fin de semana',
      weekend: [1.1, 1.3],
      trend: { type: 'logistic', strength: [0.1, 0.25] },
    },
    {
      en: 'A hotel in {place} during the summer holidays',
      es: 'Un hotel en {place} en vacaciones de verano',
      months: SUMMER,
      level: [80, 200],
      weekend: [1, 1.1],
    },
    {
      en: 'A coworking space in {place} whose occupancy grows after it opens',
      es: 'Un espacio de coworking en {place} cuya ocupación crece tras su apertura',
      weekend: [0.3, 0.5],
      trend: { type: 'logistic', strength: [0.2, 0.5] },
    },
    {
      en: 'A restaurant in {place} where a faulty fridge compressor raises consumption',
      es: 'Un restaurante en {place} donde un compresor averiado dispara el consumo',
      level: [10, 30],
      weekend: [1.1, 1.3],
      anomaly: { type: 'level_shift', magnitude: [0.2, 0.4] },
    },
  ],
  industrial_load: [
    {
      en: 'A two-shift car-parts factory near {place}',
      es: 'Una fábrica de componentes de automoción con dos turnos cerca de {place}',
    },
    {
      en: 'A cement plant near {place} with a scheduled maintenance stop',
      es: 'Una cementera cerca de {place} con una parada de mantenimiento programada',
      level: [10, 40],
      anomaly: { type: 'dropout', hours: [8, 24] },
    },
    {
      en: 'A food-processing plant in {place} starting up a new production line',
      es: 'Una planta de alimentación en {place} que pone en marcha una nueva línea de producción',
      trend: { type: 'piecewise', strength: [0.15, 0.4] },
    },
    {
      en: 'A steel mill near {place} whose arc furnaces switch on and off',
      es: 'Una acería cerca de {place} con hornos de arco que se encienden y se apagan',
      level: [20, 80],
      noise: [0.5, 0.8],
    },
    {
      en: 'A data centre in {place} running around the clock',
      es: 'Un centro de datos en {place} que funciona las 24 horas',
      daily: [0.05, 0.2],
      weekend: [0.95, 1],
      noise: [0.05, 0.15],
    },
  ],
  grid_demand: [
    {
      en: 'Peninsular Spanish grid demand during a summer heatwave',
      es: 'Demanda de la red peninsular española durante una ola de calor',
      months: SUMMER,
      level: [28000, 36000],
    },
    {
      en: 'Demand on the regional grid around {place} in a cold winter spell',
      es: 'Demanda de la red regional de {place} durante una ola de frío',
      months: WINTER,
      level: [1500, 6000],
    },
    {
      en: 'Mexican national grid demand through a holiday period',
      es: 'Demanda del sistema eléctrico nacional de México durante un periodo vacacional',
      level: [35000, 45000],
    },
    {
      en: 'Regional demand around {place} with more and more electric-vehicle charging',
      es: 'Demanda regional en torno a {place} con cada vez más recarga de vehículos eléctricos',
      level: [1500, 6000],
      trend: { type: 'linear', strength: [0.03, 0.1] },
    },
  ],
  solar_generation: [
    {
      en: 'A {level} MW photovoltaic plant near {place} on mostly clear days',
      es: 'Una planta fotovoltaica de {level} MW cerca de {place}, con días mayormente despejados',
      cloudiness: [0.1, 0.25],
    },
    {
      en: 'A {level} MW solar farm near {place} through a week of passing storms',
      es: 'Un parque solar de {level} MW cerca de {place} durante una semana de tormentas',
      cloudiness: [0.5, 0.8],
      noise: [0.4, 0.7],
    },
    {
      en: 'Rooftop solar on an industrial park in {place}',
      es: 'Autoconsumo solar en las cubiertas de un polígono industrial de {place}',
      level: [1, 5],
    },
    {
      en: 'A {level} MW solar plant near {place} losing output as dust builds up on its panels',
      es: 'Una planta solar de {level} MW cerca de {place} que pierde producción por el polvo en los paneles',
      anomaly: { type: 'drift', magnitude: [-0.25, -0.1] },
    },
  ],
  wind_generation: [
    {
      en: 'A {level} MW wind farm on the hills near {place}',
      es: 'Un parque eólico de {level} MW en las colinas cerca de {place}',
    },
    {
      en: 'A {level} MW wind farm in the Tehuantepec isthmus with strong, persistent winds',
      es: 'Un parque eólico de {level} MW en el istmo de Tehuantepec, con vientos fuertes y persistentes',
      level: [100, 300],
    },
    {
      en: 'A {level} MW wind farm in winter storms near {place}',
      es: 'Un parque eólico de {level} MW con temporales de invierno cerca de {place}',
      months: WINTER,
      noise: [0.4, 0.7],
    },
    {
      en: 'A {level} MW wind farm near {place} where several turbines go offline',
      es: 'Un parque eólico de {level} MW cerca de {place} en el que varias turbinas quedan fuera de servicio',
      anomaly: { type: 'level_shift', magnitude: [-0.35, -0.15] },
    },
  ],
  gas_consumption: [
    {
      en: 'Natural gas used by an apartment block in {place} through the heating season',
      es: 'Gas natural consumido por un bloque de viviendas en {place} durante la temporada de calefacción',
      months: WINTER,
      weekend: [1, 1.1],
    },
    {
      en: 'Gas use of a hospital in {place}',
      es: 'Consumo de gas de un hospital en {place}',
      level: [20, 60],
      weekend: [0.95, 1],
    },
    {
      en: 'Gas consumption of a school in {place}, closed at weekends',
      es: 'Consumo de gas de un colegio en {place}, cerrado los fines de semana',
      weekend: [0.2, 0.4],
    },
    {
      en: 'A bakery in {place} with gas ovens and a new gas meter that drifts',
      es: 'Una panadería en {place} con hornos de gas y un contador nuevo que deriva',
      level: [2, 6],
      anomaly: { type: 'drift', magnitude: [0.1, 0.25] },
    },
  ],
  heating_demand: [
    {
      en: 'Heat demand of a district heating network in {place} during a cold snap',
      es: 'Demanda de calor de una red de calefacción urbana en {place} durante una ola de frío',
      months: WINTER,
      level: [1000, 5000],
    },
    {
      en: 'Heating demand of an office building in {place}',
      es: 'Demanda de calefacción de un edificio de oficinas en {place}',
      weekend: [0.4, 0.6],
    },
    {
      en: 'Heat demand of a block of flats in {place} after insulation works',
      es: 'Demanda de calor de un bloque de viviendas en {place} tras obras de aislamiento',
      trend: { type: 'linear', strength: [-0.3, -0.1] },
    },
    {
      en: 'Heating of a sports centre in {place} with a boiler breakdown',
      es: 'Calefacción de un polideportivo en {place} con una avería de la caldera',
      anomaly: { type: 'dropout', hours: [6, 24] },
    },
  ],
  temperature: [
    {
      en: 'Air temperature in {place} during a heatwave',
      es: 'Temperatura del aire en {place} durante una ola de calor',
      months: SUMMER,
      level: [28, 34],
      trend: { type: 'logistic', strength: [0.1, 0.4] },
    },
    {
      en: 'Winter temperatures at a weather station near {place} as a cold front arrives',
      es: 'Temperaturas invernales en una estación meteorológica cerca de {place} con la llegada de un frente frío',
      months: WINTER,
      level: [2, 9],
      trend: { type: 'piecewise', strength: [-0.6, -0.2] },
    },
    {
      en: 'Temperature from a rooftop sensor in {place} with occasional glitches',
      es: 'Temperatura de un sensor en una azotea de {place} con fallos ocasionales',
      anomaly: { type: 'spike', magnitude: [0.8, 2] },
    },
    {
      en: 'Air temperature in {place}',
      es: 'Temperatura del aire en {place}',
    },
  ],
  pressure: [
    {
      en: 'Barometric pressure in {place} as a deep low passes',
      es: 'Presión atmosférica en {place} al paso de una borrasca profunda',
      anomaly: { type: 'dip', magnitude: [1, 2], hours: [12, 36] },
    },
    {
      en: 'Sea-level pressure at {place} under a stable anticyclone',
      es: 'Presión a nivel del mar en {place} bajo un anticiclón estable',
      level: [1020, 1030],
      noise: [0.05, 0.2],
    },
    {
      en: 'A pressure sensor in {place} with a slow calibration drift',
      es: 'Un sensor de presión en {place} con una deriva lenta de calibración',
      anomaly: { type: 'drift', magnitude: [-0.6, 0.6] },
    },
    {
      en: 'Pressure at a coastal station near {place} in a windy autumn',
      es: 'Presión en una estación costera cerca de {place} en un otoño ventoso',
      level: [1000, 1012],
      noise: [0.4, 0.7],
    },
  ],
  humidity: [
    {
      en: 'Relative humidity in {place} during a dry summer',
      es: 'Humedad relativa en {place} durante un verano seco',
      months: SUMMER,
      level: [25, 40],
    },
    {
      en: 'Humidity on muggy days in a coastal city ({place})',
      es: 'Humedad en días bochornosos en una ciudad costera ({place})',
      level: [70, 85],
    },
    {
      en: 'A humidity sensor in a greenhouse near {place}',
      es: 'Un sensor de humedad en un invernadero cerca de {place}',
      level: [60, 80],
      anomaly: { type: 'dropout', hours: [2, 8] },
    },
    {
      en: 'Winter humidity in {place} with morning fog',
      es: 'Humedad invernal en {place} con niebla por las mañanas',
      months: WINTER,
      level: [75, 90],
    },
  ],
  air_quality: [
    {
      en: 'Air quality index next to a busy avenue in {place}',
      es: 'Índice de calidad del aire junto a una avenida con mucho tráfico en {place}',
      level: [60, 110],
    },
    {
      en: 'Air quality in {place} during a stagnant high-pressure episode',
      es: 'Calidad del aire en {place} durante un episodio de estancamiento anticiclónico',
      level: [80, 130],
      trend: { type: 'logistic', strength: [0.2, 0.5] },
    },
    {
      en: 'Air quality in a park in {place} on a calm week',
      es: 'Calidad del aire en un parque de {place} en una semana tranquila',
      level: [20, 45],
    },
    {
      en: 'Air quality in {place} when smoke from a wildfire arrives',
      es: 'Calidad del aire en {place} con la llegada del humo de un incendio forestal',
      anomaly: { type: 'spike', magnitude: [1.5, 3], hours: [12, 48] },
    },
  ],
  stock_price: [
    {
      en: 'Shares of a mid-sized Spanish bank listed in Madrid',
      es: 'Acciones de un banco español mediano que cotiza en Madrid',
      level: [3, 12],
      volatility: [0.2, 0.35],
    },
    {
      en: 'A Mexican retailer after strong quarterly results',
      es: 'Una cadena comercial mexicana tras unos buenos resultados trimestrales',
      level: [40, 80],
      volatility: [0.2, 0.35],
      trend: { type: 'linear', strength: [0.05, 0.2] },
    },
    {
      en: 'A technology growth stock in a volatile market',
      es: 'Una acción tecnológica de crecimiento en un mercado volátil',
      level: [50, 300],
      volatility: [0.4, 0.7],
    },
    {
      en: 'A defensive utility stock in a calm market',
      es: 'Una acción defensiva de una eléctrica en un mercado tranquilo',
      level: [20, 60],
      volatility: [0.12, 0.2],
    },
    {
      en: 'A stock that gaps down after a profit warning',
      es: 'Una acción que cae con fuerza tras un aviso de menores beneficios',
      volatility: [0.25, 0.45],
      anomaly: { type: 'level_shift', magnitude: [-0.3, -0.12] },
      regime: { volatility: [1.3, 2] },
    },
  ],
  crypto_price: [
    {
      en: 'Bitcoin in a bull run',
      es: 'Bitcoin en plena racha alcista',
      level: [30000, 70000],
      volatility: [0.5, 0.8],
      trend: { type: 'exponential', strength: [0.1, 0.5] },
    },
    {
      en: 'A mid-cap altcoin after a listing on a large exchange',
      es: 'Una altcoin mediana tras su salida en un gran exchange',
      level: [0.5, 5],
      volatility: [0.9, 1.4],
      anomaly: { type: 'spike', magnitude: [0.2, 0.5] },
    },
    {
      en: 'Ether through a sideways month',
      es: 'Ether durante un mes lateral',
      level: [1500, 3500],
      volatility: [0.45, 0.7],
    },
    {
      en: 'A small token that crashes after a security breach',
      es: 'Un token pequeño que se desploma tras un fallo de seguridad',
      level: [0.05, 2],
      volatility: [1, 1.5],
      anomaly: { type: 'level_shift', magnitude: [-0.6, -0.3] },
      regime: { volatility: [1.5, 2.5] },
    },
  ],
  exchange_rate: [
    {
      en: 'EUR/USD in a quiet summer',
      es: 'EUR/USD en un verano tranquilo',
      months: SUMMER,
      volatility: [0.04, 0.07],
    },
    {
      en: 'EUR/USD around a central-bank rate decision',
      es: 'EUR/USD en torno a una decisión de tipos del banco central',
      volatility: [0.06, 0.09],
      regime: { volatility: [1.5, 2] },
    },
    {
      en: 'EUR/USD drifting lower as the dollar strengthens',
      es: 'EUR/USD a la baja mientras el dólar se fortalece',
      volatility: [0.06, 0.09],
      trend: { type: 'linear', strength: [-0.08, -0.03] },
    },
    {
      en: 'EUR/USD in a volatile election period',
      es: 'EUR/USD en un periodo electoral volátil',
      volatility: [0.09, 0.13],
    },
  ],
  trading_volume: [
    {
      en: 'Trading volume of a large-cap stock on the Madrid exchange',
      es: 'Volumen de negociación de un valor de gran capitalización en la bolsa de Madrid',
      level: [5e6, 2e7],
    },
    {
      en: 'Volume of a small-cap stock with bursts of interest',
      es: 'Volumen de un valor de pequeña capitalización con arrebatos de interés',
      level: [5e4, 3e5],
      noise: [0.4, 0.7],
      anomaly: { type: 'spike', magnitude: [2, 5] },
    },
    {
      en: 'Volume of a Mexican stock around an index rebalancing',
      es: 'Volumen de una acción mexicana en torno a un rebalanceo del índice',
      level: [5e5, 3e6],
      anomaly: { type: 'spike', magnitude: [1.5, 3] },
    },
    {
      en: 'Volume of a retail-favourite stock as social-media interest grows',
      es: 'Volumen de una acción favorita de pequeños inversores a medida que crece el interés en redes sociales',
      level: [1e6, 5e6],
      trend: { type: 'logistic', strength: [0.3, 0.8] },
    },
  ],
};
