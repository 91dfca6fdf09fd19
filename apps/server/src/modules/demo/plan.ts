/**
 * The small, fixed-size part of the demo: territory, institutions, programmes and staff
 * accounts, plus how many households each district, village and field worker gets.
 * Everything is computed up front (a few thousand objects even for a national-size load)
 * so the household stream can be regenerated identically for each table.
 */

import { type Moment, momentMs } from './calendar';
import { FEMALE_ADULT, MALE_ADULT, SURNAMES } from './names';
import {
  DISTRICTS,
  type DistrictSeed,
  isAmazonZone,
  PROVINCES,
  type ProvinceSeed,
  REGION,
  VILLAGE_NAMES,
  ZONE_ALTITUDE,
  type Zone,
} from './places';
import { apportion, cumulative, deterministicUuidv7, IdKind, pickWeighted, Rng } from './random';

/** PRNG streams: each part of the demo draws from its own, so changing one leaves the others alone. */
export const Stream = {
  territory: 1,
  institution: 2,
  user: 3,
  household: 4,
  documents: 5,
  /** Evidence of a child (index: person serial), of a pregnancy (pregnancy serial), of a household. */
  childEvidence: 6,
  pregnancyEvidence: 7,
  householdEvidence: 8,
  /** Salts of the evidence ids. */
  evidence: 9,
} as const;

/** Territory does not depend on the seed: the same places in every demo, so docs can name them. */
const TERRITORY_SEED = 0x7e71d0;

export interface TerritoryRow {
  code: string;
  name: string;
  level: 'region' | 'province' | 'district' | 'village';
  parentCode: string | null;
  altitude: number | null;
  rural: boolean;
  latitude: number;
  longitude: number;
  /** In the Amazon: set on the districts of the Amazon lowland and their villages. */
  amazon: boolean;
}

export interface InstitutionRow {
  id: string;
  code: string;
  name: string;
  kind:
    | 'health_facility'
    | 'identity_office'
    | 'womens_emergency_centre'
    | 'school'
    | 'employment_office'
    | 'municipal_social_office'
    | 'child_protection_office';
  territoryCode: string;
  address: string;
  phone: string | null;
  created: Moment;
}

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role:
    | 'field_worker'
    | 'coordinator'
    | 'institution_agent'
    | 'case_worker'
    | 'data_steward'
    | 'programme_admin'
    | 'auditor';
  scopeKind: 'national' | 'territory' | 'institution' | 'assigned' | 'none';
  scopeTerritoryCode: string | null;
  scopeInstitutionId: string | null;
  /** Human-readable scope for the summary. */
  scopeLabel: string;
  created: Moment;
}

export interface VillagePlan {
  code: string;
  name: string;
  altitude: number;
  latitude: number;
  longitude: number;
  rural: boolean;
  /** Whether this is the district's capital town. */
  capital: boolean;
  facility: InstitutionRow;
  households: number;
}

export interface FieldWorkerPlan {
  user: UserRow;
  households: number;
}

export interface DistrictPlan {
  seed: DistrictSeed;
  province: ProvinceSeed;
  zone: Zone;
  villages: VillagePlan[];
  facilities: InstitutionRow[];
  households: number;
  fieldWorkers: FieldWorkerPlan[];
}

export interface DemoPlan {
  seed: number;
  asOfDay: number;
  territory: TerritoryRow[];
  districts: DistrictPlan[];
  institutions: InstitutionRow[];
  users: UserRow[];
  /** The short list of accounts to show on the sign-in page and in the summary. */
  demoAccounts: UserRow[];
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Region, provinces, districts and villages, parents before children (COPY order). */
function planTerritory(): {
  rows: TerritoryRow[];
  villages: Map<string, Omit<VillagePlan, 'facility' | 'households'>[]>;
} {
  const rng = new Rng(TERRITORY_SEED, Stream.territory);
  const rows: TerritoryRow[] = [
    {
      code: REGION.code,
      name: REGION.name,
      level: 'region',
      parentCode: null,
      altitude: 2761,
      rural: false,
      latitude: REGION.latitude,
      longitude: REGION.longitude,
      amazon: false,
    },
  ];
  const villagesByDistrict = new Map<string, Omit<VillagePlan, 'facility' | 'households'>[]>();
  for (const province of PROVINCES) {
    const capital = DISTRICTS.find((d) => d.code === province.capital)!;
    rows.push({
      code: province.code,
      name: province.name,
      level: 'province',
      parentCode: REGION.code,
      altitude: capital.altitude,
      rural: false,
      latitude: capital.latitude,
      longitude: capital.longitude,
      amazon: false,
    });
    for (const d of DISTRICTS.filter((x) => x.code.startsWith(province.code))) {
      const isProvinceCapital = d.code === province.capital;
      const amazon = isAmazonZone(d.zone);
      rows.push({
        code: d.code,
        name: d.name,
        level: 'district',
        parentCode: province.code,
        altitude: d.altitude,
        rural: !isProvinceCapital,
        latitude: d.latitude,
        longitude: d.longitude,
        amazon,
      });
      const bounds = ZONE_ALTITUDE[d.zone];
      const count = Math.min(15, Math.max(5, 4 + d.weight + rng.int(-1, 3)));
      const names = [...VILLAGE_NAMES[d.zone]];
      const villages: Omit<VillagePlan, 'facility' | 'households'>[] = [];
      let number = 1;
      for (let v = 0; v < count; v++) {
        let name: string;
        let altitude = d.altitude;
        let latitude = d.latitude;
        let longitude = d.longitude;
        if (v === 0) {
          name = d.capitalTown ?? d.name;
        } else {
          const at = rng.int(0, names.length - 1);
          name = names.splice(at, 1)[0]!;
          altitude = Math.round(d.altitude + rng.between(-bounds.spreadDown, bounds.spreadUp));
          // Keep inside the landscape's band without piling villages up on its edges.
          if (altitude > bounds.max) altitude = bounds.max - rng.int(0, 120);
          if (altitude < bounds.min) altitude = bounds.min + rng.int(0, 60);
          const spread = d.zone === 'lowland' ? 0.16 : 0.11;
          latitude = round6(d.latitude + rng.between(-spread, spread));
          longitude = round6(d.longitude + rng.between(-spread, spread));
          number += rng.int(1, 6);
        }
        const code = `${d.code}${String(number).padStart(4, '0')}`;
        const village = {
          code,
          name,
          altitude,
          latitude,
          longitude,
          rural: !(v === 0 && isProvinceCapital),
          capital: v === 0,
        };
        villages.push(village);
        rows.push({
          code,
          name,
          level: 'village',
          parentCode: d.code,
          altitude,
          rural: village.rural,
          latitude,
          longitude,
          amazon,
        });
      }
      villagesByDistrict.set(d.code, villages);
    }
  }
  return { rows, villages: villagesByDistrict };
}

/**
 * Households per field worker in one district: caseloads between 80 and 150, as even as
 * possible; when that cannot be (fewer than 160 households), the last worker takes the rest.
 */
export function splitCaseloads(households: number): number[] {
  if (households <= 0) return [];
  if (households <= 150) return [households];
  let k = Math.max(1, Math.round(households / 115));
  if (households / k > 150) k = Math.ceil(households / 150);
  if (households / k < 80) k = Math.max(1, Math.floor(households / 80));
  if (households / k > 150) {
    // Between 151 and 159 households: 80 for the first, the rest for the last.
    return [80, households - 80];
  }
  const base = Math.floor(households / k);
  const extra = households % k;
  return Array.from({ length: k }, (_, i) => base + (i < extra ? 1 : 0));
}

const SURNAME_ITEMS = SURNAMES.map(([s]) => s);
const SURNAME_WEIGHTS = cumulative(SURNAMES.map(([, w]) => w));

function staffName(rng: Rng): string {
  const female = rng.chance(0.6);
  const given = female ? rng.pick(FEMALE_ADULT) : rng.pick(MALE_ADULT);
  const a = pickWeighted(rng, SURNAME_ITEMS, SURNAME_WEIGHTS);
  const b = pickWeighted(rng, SURNAME_ITEMS, SURNAME_WEIGHTS);
  return `${given} ${a} ${b}`;
}

function phoneLandline(rng: Rng): string {
  return `066-${rng.int(310000, 329999)}`;
}

function phoneMobile(rng: Rng): string {
  return `9${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
}

/** A working-hours moment between `minDaysAgo` and `maxDaysAgo` days before asOf. */
export function pastMoment(rng: Rng, asOfDay: number, minDaysAgo: number, maxDaysAgo: number): Moment {
  return { day: asOfDay - rng.int(minDaysAgo, maxDaysAgo), second: rng.int(7 * 3600, 18 * 3600) };
}

export function planDemo(households: number, seed: number, asOfDay: number): DemoPlan {
  const territory = planTerritory();
  const irng = new Rng(seed, Stream.institution);
  const salt = new Rng(seed, Stream.institution, 1).next();
  const institutions: InstitutionRow[] = [];
  const newInstitution = (row: Omit<InstitutionRow, 'id' | 'created'>): InstitutionRow => {
    const created = pastMoment(irng, asOfDay, 400, 1800);
    const inst: InstitutionRow = {
      ...row,
      id: deterministicUuidv7(momentMs(created), IdKind.institution, institutions.length, salt),
      created,
    };
    institutions.push(inst);
    return inst;
  };

  // Health facilities and schools, district by district.
  const householdsPerDistrict = apportion(
    households,
    DISTRICTS.map((d) => d.weight),
  );
  const districts: DistrictPlan[] = [];
  let renipress = 3187;
  let schoolNumber = 38_120;
  let initialNumber = 402;
  let modular = 204_517;
  DISTRICTS.forEach((d, di) => {
    const province = PROVINCES.find((p) => d.code.startsWith(p.code))!;
    const villages = territory.villages.get(d.code)!;
    const facilities: InstitutionRow[] = [];
    const facilityVillage: number[] = [];
    villages.forEach((v, vi) => {
      if (vi !== 0 && vi % 4 !== 3) return;
      const big = vi === 0 && (d.weight >= 5 || d.code === province.capital);
      renipress += irng.int(3, 41);
      facilities.push(
        newInstitution({
          code: String(renipress).padStart(8, '0'),
          name: `${big ? 'Centro de Salud' : 'Puesto de Salud'} ${v.name}`,
          kind: 'health_facility',
          territoryCode: v.code,
          address: v.capital
            ? `${irng.pick(['Jr. Salud', 'Av. Principal', 'Jr. Libertad'])} s/n, ${v.name}`
            : `${v.name} s/n`,
          phone: big ? phoneLandline(irng) : phoneMobile(irng),
        }),
      );
      facilityVillage.push(vi);
    });
    if (di % 2 === 0) {
      const capital = villages[0]!;
      schoolNumber += irng.int(2, 60);
      modular += irng.int(1000, 90_000);
      newInstitution({
        code: String(modular).padStart(7, '0'),
        name: `I.E. N° ${schoolNumber} ${capital.name}`,
        kind: 'school',
        territoryCode: capital.code,
        address: `Jr. Educación s/n, ${capital.name}`,
        phone: phoneMobile(irng),
      });
      initialNumber += irng.int(1, 40);
      modular += irng.int(1000, 90_000);
      newInstitution({
        code: String(modular).padStart(7, '0'),
        name: `I.E.I. N° ${initialNumber} ${capital.name}`,
        kind: 'school',
        territoryCode: capital.code,
        address: `Plaza principal s/n, ${capital.name}`,
        phone: null,
      });
    }
    // Each village is attended at its nearest facility.
    const villageWeights = villages.map((v) => (v.capital ? (v.rural ? 2.5 : 5) : irng.between(0.5, 1.5)));
    const perVillage = apportion(householdsPerDistrict[di]!, villageWeights);
    const planned: VillagePlan[] = villages.map((v, vi) => {
      let best = 0;
      let bestDistance = Number.POSITIVE_INFINITY;
      facilityVillage.forEach((fvi, fi) => {
        const f = villages[fvi]!;
        const dist = (f.latitude - v.latitude) ** 2 + (f.longitude - v.longitude) ** 2;
        if (dist < bestDistance) {
          bestDistance = dist;
          best = fi;
        }
      });
      return { ...v, facility: facilities[best]!, households: perVillage[vi]! };
    });
    districts.push({
      seed: d,
      province,
      zone: d.zone,
      villages: planned,
      facilities,
      households: householdsPerDistrict[di]!,
      fieldWorkers: [],
    });
  });

  // Provincial offices, in each province capital.
  for (const p of PROVINCES) {
    const capital = DISTRICTS.find((d) => d.code === p.capital)!;
    const town = capital.capitalTown ?? capital.name;
    newInstitution({
      code: `RENIEC-${p.code}`,
      name: `Agencia RENIEC ${town}`,
      kind: 'identity_office',
      territoryCode: p.capital,
      address: `Jr. ${irng.pick(['Lima', 'Grau', 'Bolívar', 'Callao'])} ${irng.int(100, 699)}, ${town}`,
      phone: phoneLandline(irng),
    });
    newInstitution({
      code: `CEM-${p.code}`,
      name: `Centro Emergencia Mujer ${town}`,
      kind: 'womens_emergency_centre',
      territoryCode: p.capital,
      address: `Jr. ${irng.pick(['Ayacucho', 'Sucre', 'Libertad'])} ${irng.int(100, 699)}, ${town}`,
      phone: phoneLandline(irng),
    });
    newInstitution({
      code: `GDS-${p.code}`,
      name: `Gerencia de Desarrollo Social - Municipalidad Provincial de ${p.name}`,
      kind: 'municipal_social_office',
      territoryCode: p.capital,
      address: `Plaza de Armas s/n, ${town}`,
      phone: phoneLandline(irng),
    });
    newInstitution({
      code: `DEMUNA-${p.code}`,
      name: `DEMUNA - Municipalidad Provincial de ${p.name}`,
      kind: 'child_protection_office',
      territoryCode: p.capital,
      address: `Plaza de Armas s/n, ${town}`,
      phone: phoneLandline(irng),
    });
  }
  const capitalProvince = PROVINCES.find((p) => p.capital === REGION.capital)!;
  newInstitution({
    code: `OMIL-${capitalProvince.code}`,
    name: `OMIL - Municipalidad Provincial de ${capitalProvince.name}`,
    kind: 'employment_office',
    territoryCode: REGION.capital,
    address: 'Jr. 28 de Julio 262, Ayacucho',
    phone: phoneLandline(irng),
  });

  // Accounts: field workers district by district, then one account per role.
  const urng = new Rng(seed, Stream.user);
  const userSalt = new Rng(seed, Stream.user, 1).next();
  const users: UserRow[] = [];
  const newUser = (row: Omit<UserRow, 'id' | 'created'>): UserRow => {
    const created = pastMoment(urng, asOfDay, 30, 900);
    const user: UserRow = {
      ...row,
      id: deterministicUuidv7(momentMs(created), IdKind.user, users.length, userSalt),
      created,
    };
    users.push(user);
    return user;
  };
  for (const d of districts) {
    for (const caseload of splitCaseloads(d.households)) {
      const n = users.length + 1;
      const user = newUser({
        username: n === 1 ? 'gestor' : `gestor.${n}`,
        displayName: staffName(urng),
        role: 'field_worker',
        scopeKind: 'assigned',
        scopeTerritoryCode: null,
        scopeInstitutionId: null,
        scopeLabel: `assigned: ${caseload} households in ${d.seed.name} (${d.seed.code})`,
      });
      d.fieldWorkers.push({ user, households: caseload });
    }
  }
  const first = districts[0]!;
  const firstFacility = first.facilities[0]!;
  const regionCapitalProvince = PROVINCES[0]!;
  const demoAccounts: UserRow[] = [];
  const firstWorker = first.fieldWorkers[0]?.user;
  if (firstWorker) demoAccounts.push(firstWorker);
  const roleAccounts: Omit<UserRow, 'id' | 'created'>[] = [
    {
      username: 'coordinador',
      displayName: 'Edith Palomino Cárdenas',
      role: 'coordinator',
      scopeKind: 'territory',
      scopeTerritoryCode: REGION.code,
      scopeInstitutionId: null,
      scopeLabel: `territory ${REGION.code} (${REGION.name}, region)`,
    },
    {
      username: 'coordinador.distrito',
      displayName: 'Wilber Huamaní Janampa',
      role: 'coordinator',
      scopeKind: 'territory',
      scopeTerritoryCode: first.seed.code,
      scopeInstitutionId: null,
      scopeLabel: `territory ${first.seed.code} (${first.seed.name}, district)`,
    },
    {
      username: 'ipress',
      displayName: 'Maribel Ccahuana Rojas',
      role: 'institution_agent',
      scopeKind: 'institution',
      scopeTerritoryCode: null,
      scopeInstitutionId: firstFacility.id,
      scopeLabel: `institution ${firstFacility.name} (${firstFacility.code})`,
    },
    {
      username: 'ventanilla',
      displayName: 'Lourdes Tenorio Ayala',
      role: 'case_worker',
      scopeKind: 'territory',
      scopeTerritoryCode: regionCapitalProvince.code,
      scopeInstitutionId: null,
      scopeLabel: `territory ${regionCapitalProvince.code} (${regionCapitalProvince.name}, province)`,
    },
    {
      username: 'datos',
      displayName: 'Richard Pariona Medina',
      role: 'data_steward',
      scopeKind: 'national',
      scopeTerritoryCode: null,
      scopeInstitutionId: null,
      scopeLabel: 'national',
    },
    {
      username: 'admin',
      displayName: 'Soledad Gutiérrez Prado',
      role: 'programme_admin',
      scopeKind: 'national',
      scopeTerritoryCode: null,
      scopeInstitutionId: null,
      scopeLabel: 'national',
    },
    {
      username: 'auditor',
      displayName: 'Julio César Ramos Oré',
      role: 'auditor',
      scopeKind: 'none',
      scopeTerritoryCode: null,
      scopeInstitutionId: null,
      scopeLabel: 'none',
    },
  ];
  for (const account of roleAccounts) demoAccounts.push(newUser(account));

  return { seed, asOfDay, territory: territory.rows, districts, institutions, users, demoAccounts };
}
