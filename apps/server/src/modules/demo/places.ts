/**
 * The demo territory: the region of Ayacucho (ubigeo 05), seven of its provinces and twenty
 * districts that span its three landscapes — the Andean highlands (rural, 2,500–4,200 m),
 * inter-Andean valleys (1,500–2,500 m) and the Amazon lowland of the Apurímac–Ene valley
 * (VRAEM, 150–800 m).
 *
 * Names are real places; codes follow the ubigeo pattern and altitudes and coordinates are
 * close to the district capitals', but they are a demo's approximations, not INEI figures.
 * `weight` is the district's share of households (highland districts are the biggest).
 */

export type Zone = 'highland' | 'valley' | 'lowland';

/**
 * Whether a landscape lies in the Amazon: the lowland districts are the VRAEM's Amazon
 * lowland (yellow-fever vaccination and other Amazon-only rules read territory.amazon).
 */
export function isAmazonZone(zone: Zone): boolean {
  return zone === 'lowland';
}

export interface ProvinceSeed {
  code: string;
  name: string;
  /** District code of the province capital, where provincial offices stand. */
  capital: string;
}

export interface DistrictSeed {
  code: string;
  name: string;
  /** Name of the district's capital town when it differs from the district's. */
  capitalTown?: string;
  zone: Zone;
  altitude: number;
  latitude: number;
  longitude: number;
  weight: number;
}

export const REGION = {
  code: '05',
  name: 'Ayacucho',
  capital: '050101',
  latitude: -13.1588,
  longitude: -74.2236,
};

export const PROVINCES: readonly ProvinceSeed[] = [
  { code: '0501', name: 'Huamanga', capital: '050101' },
  { code: '0502', name: 'Cangallo', capital: '050201' },
  { code: '0504', name: 'Huanta', capital: '050401' },
  { code: '0505', name: 'La Mar', capital: '050501' },
  { code: '0506', name: 'Lucanas', capital: '050601' },
  { code: '0507', name: 'Parinacochas', capital: '050701' },
  { code: '0508', name: 'Páucar del Sara Sara', capital: '050801' },
];

export const DISTRICTS: readonly DistrictSeed[] = [
  {
    code: '050101',
    name: 'Ayacucho',
    zone: 'highland',
    altitude: 2761,
    latitude: -13.1588,
    longitude: -74.2236,
    weight: 6,
  },
  {
    code: '050102',
    name: 'Acocro',
    zone: 'highland',
    altitude: 3250,
    latitude: -13.2192,
    longitude: -74.0431,
    weight: 8,
  },
  {
    code: '050103',
    name: 'Acos Vinchos',
    zone: 'highland',
    altitude: 2900,
    latitude: -13.1142,
    longitude: -74.1022,
    weight: 5,
  },
  {
    code: '050107',
    name: 'Pacaycasa',
    zone: 'valley',
    altitude: 2480,
    latitude: -13.0567,
    longitude: -74.2125,
    weight: 3,
  },
  {
    code: '050114',
    name: 'Vinchos',
    zone: 'highland',
    altitude: 3150,
    latitude: -13.2414,
    longitude: -74.3531,
    weight: 9,
  },
  {
    code: '050201',
    name: 'Cangallo',
    zone: 'highland',
    altitude: 2577,
    latitude: -13.6286,
    longitude: -74.1439,
    weight: 5,
  },
  {
    code: '050401',
    name: 'Huanta',
    zone: 'highland',
    altitude: 2628,
    latitude: -12.9397,
    longitude: -74.2475,
    weight: 7,
  },
  {
    code: '050405',
    name: 'Luricocha',
    zone: 'valley',
    altitude: 2460,
    latitude: -12.9,
    longitude: -74.2722,
    weight: 3,
  },
  {
    code: '050407',
    name: 'Sivia',
    zone: 'lowland',
    altitude: 580,
    latitude: -12.5103,
    longitude: -73.8578,
    weight: 3,
  },
  {
    code: '050408',
    name: 'Llochegua',
    zone: 'lowland',
    altitude: 550,
    latitude: -12.4111,
    longitude: -73.9072,
    weight: 3,
  },
  {
    code: '050409',
    name: 'Canayre',
    zone: 'lowland',
    altitude: 480,
    latitude: -12.28,
    longitude: -73.96,
    weight: 2,
  },
  {
    code: '050410',
    name: 'Uchuraccay',
    capitalTown: 'Huaynacancha',
    zone: 'highland',
    altitude: 3950,
    latitude: -12.765,
    longitude: -74.13,
    weight: 6,
  },
  {
    code: '050501',
    name: 'San Miguel',
    zone: 'highland',
    altitude: 2661,
    latitude: -13.0122,
    longitude: -73.9814,
    weight: 6,
  },
  {
    code: '050503',
    name: 'Ayna',
    capitalTown: 'San Francisco',
    zone: 'lowland',
    altitude: 620,
    latitude: -12.6497,
    longitude: -73.7919,
    weight: 4,
  },
  {
    code: '050505',
    name: 'Chungui',
    zone: 'highland',
    altitude: 3500,
    latitude: -13.2206,
    longitude: -73.6208,
    weight: 6,
  },
  {
    code: '050507',
    name: 'Santa Rosa',
    zone: 'lowland',
    altitude: 640,
    latitude: -12.6861,
    longitude: -73.7319,
    weight: 3,
  },
  {
    code: '050601',
    name: 'Puquio',
    zone: 'highland',
    altitude: 3214,
    latitude: -14.6939,
    longitude: -74.1247,
    weight: 6,
  },
  {
    code: '050611',
    name: 'Otoca',
    zone: 'valley',
    altitude: 2250,
    latitude: -14.4903,
    longitude: -74.69,
    weight: 2,
  },
  {
    code: '050701',
    name: 'Coracora',
    zone: 'highland',
    altitude: 3175,
    latitude: -15.0333,
    longitude: -73.7833,
    weight: 6,
  },
  {
    code: '050801',
    name: 'Pausa',
    zone: 'valley',
    altitude: 2490,
    latitude: -15.2794,
    longitude: -73.3428,
    weight: 3,
  },
];

/** Altitude bounds of each landscape; villages stay inside their district's. */
export const ZONE_ALTITUDE: Record<Zone, { min: number; max: number; spreadDown: number; spreadUp: number }> =
  {
    highland: { min: 2500, max: 4200, spreadDown: 250, spreadUp: 550 },
    valley: { min: 1500, max: 2500, spreadDown: 300, spreadUp: 200 },
    lowland: { min: 150, max: 800, spreadDown: 150, spreadUp: 150 },
  };

/** Names of villages (centros poblados, comunidades, anexos) by landscape. */
export const VILLAGE_NAMES: Record<Zone, readonly string[]> = {
  highland: [
    'Ccollpa',
    'Pampamarca',
    'Huayllay',
    'Chacabamba',
    'Occopampa',
    'Ccochaccasa',
    'Rumichaca',
    'Quinuapata',
    'Llacctahuaman',
    'Huaychao',
    'Cusibamba',
    'Paccha',
    'Ccarhuapampa',
    'Yanacocha',
    'Pucará',
    'Uchuypampa',
    'Chaupimayo',
    'Huallhua',
    'Manallasacc',
    'Ccarhuaccocco',
    'Patahuasi',
    'Sachabamba',
    'Chiquintirca',
    'Allpachaca',
    'Huertahuasi',
    'Rosaspampa',
    'Cangari',
    'Minascucho',
    'Tambobamba',
    'Urpaypampa',
    'Accopampa',
    'Iquicha',
    'Ccano',
    'Uchuraccay Alto',
    'Huaccaña',
    'Putis',
    'Ccaccamarca',
    'Chupas',
    'Totorabamba',
    'Santa Rosa de Huarcaya',
  ],
  valley: [
    'Huayllapampa',
    'Mayupampa',
    'Lloqllapampa',
    'Chacco',
    'Muyurina',
    'Huascahura',
    'Mollepata',
    'Lambrasniyocc',
    'Pantin',
    'Cedrocucho',
    'Suyturumi',
    'Parccoyocc',
    'Viñapata',
    'Huatuscalle',
    'Molinoyocc',
    'Pichiurara',
  ],
  lowland: [
    'Villa Virgen',
    'Unión Mantaro',
    'Puerto Mayo',
    'Palmapampa',
    'Natividad',
    'Nueva Esperanza',
    'Pichiwillca',
    'Alto Sanibeni',
    'Quimbiri Bajo',
    'Villa Kintiarina',
    'Teresa Alto',
    'Selva de Oro',
    'Machente',
    'Boca Mantaro',
    'Valle Esmeralda',
    'Rinconada Baja',
    'San Martín de Porres',
    'Corazón Pampa',
  ],
};
