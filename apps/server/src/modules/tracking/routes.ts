import { todayInPeru } from '@tejido/core';
import type { DB } from '@tejido/db';
import {
  EvidenceCreate,
  EvidenceRecorded,
  GrowthCurveQuery,
  GrowthCurves,
  GrowthIndicatorParam,
  IdParams,
  PathwaySummary,
  PersonTracking,
  RosterExportQuery,
  type RosterFilters,
  RosterPage,
  RosterQuery,
  type RosterRow,
  TrackingQuery,
  TrackingRun,
} from '@tejido/schemas';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { responses } from '../../http/responses';
import { csvField } from '../demo/csv';
import {
  getTracking,
  growthCurves,
  pathwaySummaries,
  recordEvidence,
  roster,
  rosterRows,
  trackingRun,
} from './service';
import { writeXlsx, type XlsxCell } from './xlsx';

export const trackingRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = () => app.database.db;

  app.get(
    '/rosters',
    {
      schema: {
        tags: ['tracking'],
        summary: 'A roster of tracked children and pregnant women in your scope, most urgent first',
        querystring: RosterQuery,
        response: responses({ 200: RosterPage }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return roster(db(), request.actor, request.query);
    },
  );

  app.get(
    '/rosters/export',
    {
      schema: {
        tags: ['tracking'],
        summary: 'The whole roster for the filters as CSV or XLSX (at most 100,000 rows)',
        querystring: RosterExportQuery,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: responses({ 200: z.any().describe('The file') }),
      },
    },
    async (request, reply) => {
      const { format, lang, ...filters } = request.query;
      const es = lang === 'es-PE';
      const rows: RosterRow[] = [];
      const iterator = rosterRows(db(), request.actor, filters);
      let next = await iterator.next();
      while (!next.done) {
        rows.push(next.value);
        next = await iterator.next();
      }
      const asOf = next.value.asOf;
      const columns = exportColumns(es);
      const values = rows.map((r) => exportValues(r, es));
      const title = await exportTitle(db(), es, asOf, filters);
      const name = `${es ? 'padron' : 'roster'}-${asOf}`;
      reply.header('cache-control', 'no-store');
      if (format === 'xlsx') {
        const bytes = writeXlsx([
          { name: es ? 'Padrón' : 'Roster', title, columns, rows: values as XlsxCell[][] },
        ]);
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="${name}.xlsx"`)
          .send(Buffer.from(bytes));
      }
      // A BOM so that spreadsheet programs read the accents as UTF-8.
      const lines = [columns.map((c) => csvText(c.header)).join(',')];
      for (const v of values) lines.push(v.map((x) => csvText(x)).join(','));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(`\ufeff${lines.join('\r\n')}\r\n`);
    },
  );

  app.get(
    '/tracking/run',
    {
      schema: {
        tags: ['tracking'],
        summary: 'The date statuses were last recomputed for, and how many persons are tracked',
        response: responses({ 200: TrackingRun }),
      },
    },
    async () => trackingRun(db()),
  );

  app.get(
    '/pathways',
    {
      schema: {
        tags: ['tracking'],
        summary: 'The care pathways in force (child and pregnancy) with their items',
        response: responses({ 200: z.array(PathwaySummary) }),
      },
    },
    async () => pathwaySummaries(todayInPeru()),
  );

  app.get(
    '/growth-standards/:indicator',
    {
      schema: {
        tags: ['tracking'],
        summary: 'WHO Child Growth Standards curves at −3…+3 SD, for charts',
        params: GrowthIndicatorParam,
        querystring: GrowthCurveQuery,
        response: responses({ 200: GrowthCurves }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=86400');
      return growthCurves(request.params.indicator, request.query.sex);
    },
  );

  app.get(
    '/persons/:id/tracking',
    {
      schema: {
        tags: ['tracking'],
        summary: "A person's care pathway, risks, growth and hemoglobin, as of today or a past date",
        params: IdParams,
        querystring: TrackingQuery,
        response: responses({ 200: PersonTracking }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return getTracking(db(), request.actor, request.params.id, request.query.asOf);
    },
  );

  app.post(
    '/persons/:id/evidence',
    {
      schema: {
        tags: ['tracking'],
        summary:
          'Record a checkup, vaccine dose, hemoglobin, measurement, supplement, document or prenatal care',
        params: IdParams,
        body: EvidenceCreate,
        response: responses({ 200: EvidenceRecorded, 201: EvidenceRecorded }),
      },
    },
    async (request, reply) => {
      const { recorded, created } = await recordEvidence(
        db(),
        request.actor,
        request.params.id,
        request.body,
      );
      return reply.code(created ? 201 : 200).send(recorded);
    },
  );
};

const LIGHT = {
  es: { red: 'Rojo', amber: 'Ámbar', green: 'Verde' },
  en: { red: 'Red', amber: 'Amber', green: 'Green' },
};

function exportColumns(es: boolean) {
  const h = (a: string, b: string, width: number) => ({ header: es ? a : b, width });
  return [
    h('Semáforo', 'Light', 9),
    h('Apellido paterno', 'First surname', 16),
    h('Apellido materno', 'Second surname', 16),
    h('Nombres', 'Given names', 20),
    h('DNI/CUI', 'Identity number', 11),
    h('Sexo', 'Sex', 6),
    h('Seguimiento', 'Tracked as', 10),
    h('Fecha de nacimiento / FUR', 'Birth date / LMP', 14),
    h('Edad (meses)', 'Age (months)', 8),
    h('Semanas de gestación', 'Gestational weeks', 8),
    h('Hogar', 'Household', 14),
    h('Centro poblado', 'Village', 18),
    h('Distrito (ubigeo)', 'District code', 10),
    h('Vencidos', 'Overdue items', 30),
    h('Motivos', 'Reasons', 60),
  ];
}

function exportValues(r: RosterRow, es: boolean): XlsxCell[] {
  return [
    LIGHT[es ? 'es' : 'en'][r.light],
    r.firstSurname,
    r.secondSurname,
    r.givenNames,
    r.documentNumber,
    r.sex === 'female' ? 'F' : 'M',
    r.subject === 'child' ? (es ? 'Niño/a' : 'Child') : es ? 'Gestante' : 'Pregnancy',
    { date: r.anchorDate },
    r.ageMonths,
    r.gestationalWeeks,
    r.householdCode,
    r.villageName,
    r.territoryCode,
    r.overdueItems.join(', '),
    r.reasons.map((x) => (es ? x.text_es : x.text_en)).join('; '),
  ];
}

const FILTER_WORDS = {
  es: {
    territory: 'Territorio',
    facility: 'Establecimiento',
    fieldWorker: 'Gestor',
    light: 'Semáforo',
    subject: 'Seguimiento',
    overdueItem: 'Vencido',
    ageBand: 'Edad (meses)',
    risk: 'Riesgo',
    child: 'Niñas y niños',
    pregnancy: 'Gestantes',
  },
  en: {
    territory: 'Territory',
    facility: 'Health facility',
    fieldWorker: 'Field worker',
    light: 'Light',
    subject: 'Tracked as',
    overdueItem: 'Overdue',
    ageBand: 'Age (months)',
    risk: 'Risk',
    child: 'Children',
    pregnancy: 'Pregnancies',
  },
} as const;

/** The file's title: the date and the filters in words, with names instead of codes and ids. */
async function exportTitle(
  db: Kysely<DB>,
  es: boolean,
  asOf: string,
  filters: RosterFilters,
): Promise<string> {
  const words = FILTER_WORDS[es ? 'es' : 'en'];
  const [y, m, d] = asOf.split('-');
  const parts: string[] = [];
  if (filters.territory) {
    const t = await db
      .selectFrom('territory')
      .select('name')
      .where('code', '=', filters.territory)
      .executeTakeFirst();
    parts.push(`${words.territory}: ${t ? `${t.name} (${filters.territory})` : filters.territory}`);
  }
  if (filters.facility) {
    const i = await db
      .selectFrom('institution')
      .select('name')
      .where('id', '=', filters.facility)
      .executeTakeFirst();
    parts.push(`${words.facility}: ${i?.name ?? filters.facility}`);
  }
  if (filters.fieldWorker) {
    const u = await db
      .selectFrom('app_user')
      .select('display_name')
      .where('id', '=', filters.fieldWorker)
      .executeTakeFirst();
    parts.push(`${words.fieldWorker}: ${u?.display_name ?? filters.fieldWorker}`);
  }
  if (filters.light) parts.push(`${words.light}: ${LIGHT[es ? 'es' : 'en'][filters.light]}`);
  if (filters.subject) parts.push(`${words.subject}: ${words[filters.subject]}`);
  if (filters.ageBand) parts.push(`${words.ageBand}: ${filters.ageBand}`);
  if (filters.overdueItem) parts.push(`${words.overdueItem}: ${filters.overdueItem}`);
  if (filters.risk) parts.push(`${words.risk}: ${filters.risk}`);
  const date = `${d}/${m}/${y}`;
  return `${es ? 'Padrón nominal al' : 'Roster as of'} ${date}${parts.length > 0 ? ` — ${parts.join('; ')}` : ''}`;
}

/** A CSV field; text that a spreadsheet would run as a formula gets a leading apostrophe. */
function csvText(v: XlsxCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const [y, m, d] = v.date.split('-');
    return `${d}/${m}/${y}`;
  }
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(v)) return csvField(`'${v}`);
  return csvField(v);
}
