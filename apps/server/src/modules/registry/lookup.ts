/**
 * Finding registry persons for record linkage (imports, duplicate search). These reads are
 * Tejido's own, on behalf of an import the caller has been allowed to run: they return only
 * what linkage needs, and nothing of it reaches a person without the scoped queries.
 */
import { isCalendarDate } from '@tejido/core';
import type { Database, DB } from '@tejido/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Actor } from '../access/actor';
import { recordAudit } from '../audit/service';
import { syncTracking } from '../tracking/service';
import { recordChanges } from './history';

export interface LinkablePerson {
  id: string;
  householdId: string;
  documentType: 'DNI' | 'CUI' | 'CE' | null;
  documentNumber: string | null;
  givenNames: string;
  firstSurname: string;
  secondSurname: string | null;
  sex: 'female' | 'male';
  birthDate: string;
  /** The household's village if known, else its district. */
  territoryCode: string;
}

const COLUMNS = sql`p.id, p.household_id, p.document_type, p.document_number, p.given_names, p.first_surname,
  p.second_surname, p.sex, p.birth_date, coalesce(h.village_code, h.territory_code) AS territory_code`;

interface Row {
  id: string;
  household_id: string;
  document_type: 'DNI' | 'CUI' | 'CE' | null;
  document_number: string | null;
  given_names: string;
  first_surname: string;
  second_surname: string | null;
  sex: 'female' | 'male';
  birth_date: string;
  territory_code: string;
}

const toLinkable = (r: Row): LinkablePerson => ({
  id: r.id,
  householdId: r.household_id,
  documentType: r.document_type,
  documentNumber: r.document_number,
  givenNames: r.given_names,
  firstSurname: r.first_surname,
  secondSurname: r.second_surname,
  sex: r.sex,
  birthDate: r.birth_date,
  territoryCode: r.territory_code,
});

/** Persons by identity number (DNI and CUI share one number; a CE is its own). */
export async function personsByDocument(
  db: Kysely<DB> | Transaction<DB>,
  numbers: readonly string[],
): Promise<Map<string, LinkablePerson[]>> {
  const found = new Map<string, LinkablePerson[]>();
  if (numbers.length === 0) return found;
  const rows = await sql<Row>`
    SELECT ${COLUMNS} FROM person p JOIN household h ON h.id = p.household_id
     WHERE p.document_number = ANY(${[...new Set(numbers)]}::text[])`.execute(db);
  for (const r of rows.rows) {
    const list = found.get(r.document_number!) ?? [];
    list.push(toLinkable(r));
    found.set(r.document_number!, list);
  }
  return found;
}

/** Persons by id. */
export async function personsById(
  db: Kysely<DB> | Transaction<DB>,
  ids: readonly string[],
): Promise<Map<string, LinkablePerson>> {
  const found = new Map<string, LinkablePerson>();
  if (ids.length === 0) return found;
  const rows = await sql<Row>`
    SELECT ${COLUMNS} FROM person p JOIN household h ON h.id = p.household_id
     WHERE p.id = ANY(${[...new Set(ids)]}::uuid[])`.execute(db);
  for (const r of rows.rows) found.set(r.id, toLinkable(r));
  return found;
}

/**
 * Every active person born in a span of dates, as linkage sees them, streamed (COPY) in batches:
 * one pass over the registry, for building a linkage index of a million persons.
 */
export async function* linkCandidatesBornBetween(
  database: Database,
  from: string,
  to: string,
): AsyncGenerator<Array<Omit<LinkablePerson, 'householdId' | 'documentType'>>> {
  if (!isCalendarDate(from) || !isCalendarDate(to)) throw new RangeError(`not a date span: ${from}..${to}`);
  const unescapeCopy = (v: string) =>
    v === '\\N' ? null : v.replace(/\\(.)/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c));
  for await (const lines of database.copyOutLines(
    `SELECT p.id, p.given_names, p.first_surname, p.second_surname, p.sex, p.birth_date,
            coalesce(h.village_code, h.territory_code), p.document_number
       FROM person p JOIN household h ON h.id = p.household_id
      WHERE p.birth_date BETWEEN '${from}' AND '${to}' AND p.status = 'active'`,
  )) {
    yield lines.map((line) => {
      const [id, given, first, second, sex, birth, territory, document] = line.split('\t') as string[];
      return {
        id: id!,
        givenNames: unescapeCopy(given!) ?? '',
        firstSurname: unescapeCopy(first!) ?? '',
        secondSurname: unescapeCopy(second!),
        sex: sex as 'female' | 'male',
        birthDate: birth!,
        territoryCode: territory!,
        documentNumber: unescapeCopy(document!),
      };
    });
  }
}

/** The children of these women's households born within a few days of a date (births linkage). */
export async function newbornsOfMothers(
  db: Kysely<DB> | Transaction<DB>,
  motherDocuments: readonly string[],
): Promise<Map<string, LinkablePerson[]>> {
  const found = new Map<string, LinkablePerson[]>();
  if (motherDocuments.length === 0) return found;
  const rows = await sql<Row & { mother_document: string }>`
    SELECT ${COLUMNS}, m.document_number AS mother_document
      FROM person m
      JOIN person p ON p.household_id = m.household_id AND p.id <> m.id AND p.relationship IN ('child', 'grandchild')
      JOIN household h ON h.id = p.household_id
     WHERE m.document_number = ANY(${[...new Set(motherDocuments)]}::text[]) AND m.sex = 'female'
       AND p.birth_date >= current_date - 400`.execute(db);
  for (const r of rows.rows) {
    const list = found.get(r.mother_document) ?? [];
    list.push(toLinkable(r));
    found.set(r.mother_document, list);
  }
  return found;
}

/**
 * Give a person the identity number an identity system issued (a newborn's CUI), recorded in the
 * person's history and the audit trail like any registry change. Does nothing if the person
 * already has a document or the number belongs to someone else (returns false).
 */
export async function assignIssuedDocument(
  trx: Transaction<DB>,
  actor: Actor,
  personId: string,
  document: { type: 'CUI' | 'DNI'; number: string; checkDigit?: string | undefined },
): Promise<boolean> {
  const before = await trx
    .selectFrom('person')
    .selectAll()
    .where('id', '=', personId)
    .forUpdate()
    .executeTakeFirst();
  if (!before || before.document_number !== null) return false;
  const taken = await trx
    .selectFrom('person')
    .select('id')
    .where('document_number', '=', document.number)
    .executeTakeFirst();
  if (taken) return false;
  const changes = {
    document_type: document.type,
    document_number: document.number,
    document_check_digit: document.checkDigit ?? null,
  };
  const version = before.version + 1;
  await recordChanges(
    trx,
    actor,
    { entity: 'person', entityId: personId, householdId: before.household_id, version },
    before as unknown as Record<string, unknown>,
    changes,
  );
  await trx
    .updateTable('person')
    .set({ ...changes, version, updated_at: new Date() })
    .where('id', '=', personId)
    .execute();
  await syncTracking(trx, before.household_id);
  await recordAudit(trx, actor, [
    {
      action: 'person.document_issued',
      entity: 'person',
      entityId: personId,
      householdId: before.household_id,
      detail: { type: document.type },
    },
  ]);
  return true;
}

/**
 * Every person with an identity number, held compactly in memory (about 80 bytes a person), for
 * large imports: a file of a million rows looks up its numbers here instead of in a million index
 * probes or a table scan per batch. Built in one pass over the registry.
 */
export class DocumentIndex {
  private readonly numeric = new Map<number, number>();
  private readonly other = new Map<string, number>();
  /** Numbers held by two persons (a DNI and a CUI of the same number): all their rows. */
  private readonly shared = new Map<string, number[]>();
  private ids = Buffer.alloc(0);
  private households = Buffer.alloc(0);
  private birthDays = new Int32Array(0);
  private sexes = new Uint8Array(0);
  private types = new Uint8Array(0);
  private numbers: string[] = [];
  private territories: string[] = [];
  private size = 0;

  /** One streamed pass over the registry (COPY), about 2 s a million persons on a server. */
  static async load(database: Database): Promise<DocumentIndex> {
    const index = new DocumentIndex();
    const interned = new Map<string, string>();
    for await (const lines of database.copyOutLines(
      `SELECT p.id, p.household_id, p.document_type, p.document_number, p.sex, p.birth_date,
              coalesce(h.village_code, h.territory_code)
         FROM person p JOIN household h ON h.id = p.household_id
        WHERE p.document_number IS NOT NULL`,
    )) {
      for (const line of lines) {
        const [id, household, type, number, sex, birth, code] = line.split('\t') as [
          string,
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        let territory = interned.get(code);
        if (territory === undefined) {
          territory = code;
          interned.set(code, code);
        }
        index.add(id, household, type, number, sex, birth, territory);
      }
    }
    return index;
  }

  private add(
    id: string,
    household: string,
    type: string,
    number: string,
    sex: string,
    birth: string,
    territory: string,
  ): void {
    if (this.size === this.sexes.length) this.grow(Math.max(1024, this.size * 2));
    const i = this.size++;
    writeUuid(this.ids, i, id);
    writeUuid(this.households, i, household);
    this.birthDays[i] = Date.parse(birth) / 86_400_000;
    this.sexes[i] = sex === 'female' ? 1 : 2;
    this.types[i] = type === 'DNI' ? 1 : type === 'CUI' ? 2 : 3;
    this.numbers[i] = number;
    this.territories[i] = territory;
    const key = number.length === 8 && type !== 'CE' ? Number(number) : undefined;
    const known = key === undefined ? this.other.get(number) : this.numeric.get(key);
    if (known === undefined) {
      if (key === undefined) this.other.set(number, i);
      else this.numeric.set(key, i);
    } else {
      this.shared.set(number, [...(this.shared.get(number) ?? [known]), i]);
    }
  }

  private grow(capacity: number): void {
    const ids = Buffer.alloc(capacity * 16);
    this.ids.copy(ids);
    this.ids = ids;
    const households = Buffer.alloc(capacity * 16);
    this.households.copy(households);
    this.households = households;
    const birthDays = new Int32Array(capacity);
    birthDays.set(this.birthDays);
    this.birthDays = birthDays;
    const sexes = new Uint8Array(capacity);
    sexes.set(this.sexes);
    this.sexes = sexes;
    const types = new Uint8Array(capacity);
    types.set(this.types);
    this.types = types;
  }

  /** The persons holding a number, as personsByDocument gives them (without names). */
  get(number: string): LinkablePerson[] {
    const rows = this.shared.get(number);
    if (rows) return rows.map((i) => this.person(i));
    const numeric = /^\d{8}$/.test(number);
    const i = numeric ? this.numeric.get(Number(number)) : this.other.get(number);
    // A CE of eight digits shares no key with a DNI: it is looked up among the others too.
    if (i === undefined && numeric) {
      const other = this.other.get(number);
      return other === undefined ? [] : [this.person(other)];
    }
    return i === undefined ? [] : [this.person(i)];
  }

  private person(i: number): LinkablePerson {
    return {
      id: uuidText(this.ids, i),
      householdId: uuidText(this.households, i),
      documentType: this.types[i] === 1 ? 'DNI' : this.types[i] === 2 ? 'CUI' : 'CE',
      documentNumber: this.numbers[i]!,
      givenNames: '',
      firstSurname: '',
      secondSurname: null,
      sex: this.sexes[i] === 1 ? 'female' : 'male',
      birthDate: new Date(this.birthDays[i]! * 86_400_000).toISOString().slice(0, 10),
      territoryCode: this.territories[i]!,
    };
  }
}

/** A UUID's 16 bytes into a buffer at slot i (hex pairs, dashes skipped). */
function writeUuid(buffer: Buffer, i: number, uuid: string): void {
  buffer.write(uuid.slice(0, 8), i * 16, 'hex');
  buffer.write(uuid.slice(9, 13), i * 16 + 4, 'hex');
  buffer.write(uuid.slice(14, 18), i * 16 + 6, 'hex');
  buffer.write(uuid.slice(19, 23), i * 16 + 8, 'hex');
  buffer.write(uuid.slice(24, 36), i * 16 + 10, 'hex');
}

function uuidText(buffer: Buffer, i: number): string {
  const hex = buffer.toString('hex', i * 16, i * 16 + 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
