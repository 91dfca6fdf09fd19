import {
  ChangePage,
  Enrolment,
  EnrolmentCreate,
  EnrolmentUpdate,
  Household,
  HouseholdCreate,
  HouseholdPage,
  HouseholdSearchQuery,
  HouseholdUpdate,
  IdParams,
  Institution,
  InstitutionKind,
  PageQuery,
  Person,
  PersonCreate,
  PersonUpdate,
  Pregnancy,
  PregnancyCreate,
  PregnancyUpdate,
  Programme,
  Territory,
  TerritoryCode,
} from '@tejido/schemas';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CommandHeaders, IDEMPOTENCY_HEADER, responses } from '../../http/responses';
import {
  createHousehold,
  getHousehold,
  householdHistory,
  searchHouseholds,
  updateHousehold,
} from './households';
import {
  addEnrolment,
  addMember,
  addPregnancy,
  getPerson,
  updateEnrolment,
  updatePerson,
  updatePregnancy,
} from './persons';
import { listInstitutions, listProgrammes, listTerritories } from './reference';

export const registryRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = () => app.database.db;

  app.get(
    '/territories',
    {
      schema: {
        tags: ['reference'],
        summary: 'Territories: the regions, or the children of a territory',
        querystring: z.object({ parent: TerritoryCode.optional() }),
        response: responses({ 200: z.array(Territory) }),
      },
    },
    async (request) => listTerritories(db(), request.actor, request.query.parent),
  );

  app.get(
    '/institutions',
    {
      schema: {
        tags: ['reference'],
        summary: 'Institutions, by territory and kind',
        querystring: z.object({ territory: TerritoryCode.optional(), kind: InstitutionKind.optional() }),
        response: responses({ 200: z.array(Institution) }),
      },
    },
    async (request) => listInstitutions(db(), request.query),
  );

  app.get(
    '/programmes',
    {
      schema: {
        tags: ['reference'],
        summary: 'Social programmes',
        response: responses({ 200: z.array(Programme) }),
      },
    },
    async () => listProgrammes(db()),
  );

  app.get(
    '/households',
    {
      schema: {
        tags: ['registry'],
        summary:
          'Search households in your scope by identity number, household code, name, territory or programme',
        querystring: HouseholdSearchQuery,
        response: responses({ 200: HouseholdPage }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return searchHouseholds(db(), request.actor, request.query);
    },
  );

  app.post(
    '/households',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a household with its members and enrolments',
        headers: CommandHeaders,
        body: HouseholdCreate,
        response: responses({ 200: Household, 201: Household }),
      },
    },
    async (request, reply) => {
      const { household, replayed } = await createHousehold(
        db(),
        request.actor,
        request.body,
        request.headers[IDEMPOTENCY_HEADER],
      );
      return reply
        .code(replayed ? 200 : 201)
        .header('location', `/api/v1/households/${household.id}`)
        .send(household);
    },
  );

  app.get(
    '/households/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'A household with its members',
        params: IdParams,
        response: responses({ 200: Household }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return getHousehold(db(), request.actor, request.params.id);
    },
  );

  app.patch(
    '/households/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'Change a household (send the version you read)',
        params: IdParams,
        body: HouseholdUpdate,
        response: responses({ 200: Household }),
      },
    },
    async (request) => updateHousehold(db(), request.actor, request.params.id, request.body),
  );

  app.get(
    '/households/:id/history',
    {
      schema: {
        tags: ['registry'],
        summary: 'Field-level change history of a household and its members',
        params: IdParams,
        querystring: PageQuery,
        response: responses({ 200: ChangePage }),
      },
    },
    async (request) => householdHistory(db(), request.actor, request.params.id, request.query),
  );

  app.post(
    '/households/:id/members',
    {
      schema: {
        tags: ['registry'],
        summary: 'Add a member to a household',
        params: IdParams,
        headers: CommandHeaders,
        body: PersonCreate,
        response: responses({ 200: Person, 201: Person }),
      },
    },
    async (request, reply) => {
      const { person, replayed } = await addMember(
        db(),
        request.actor,
        request.params.id,
        request.body,
        request.headers[IDEMPOTENCY_HEADER],
      );
      return reply.code(replayed ? 200 : 201).send(person);
    },
  );

  app.post(
    '/households/:id/enrolments',
    {
      schema: {
        tags: ['registry'],
        summary: 'Enrol a household in a programme',
        params: IdParams,
        headers: CommandHeaders,
        body: EnrolmentCreate,
        response: responses({ 200: Enrolment, 201: Enrolment }),
      },
    },
    async (request, reply) => {
      const { enrolment, replayed } = await addEnrolment(
        db(),
        request.actor,
        request.params.id,
        request.body,
        request.headers[IDEMPOTENCY_HEADER],
      );
      return reply.code(replayed ? 200 : 201).send(enrolment);
    },
  );

  app.patch(
    '/enrolments/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'Suspend, end or reactivate an enrolment',
        params: IdParams,
        body: EnrolmentUpdate,
        response: responses({ 200: Enrolment }),
      },
    },
    async (request) => updateEnrolment(db(), request.actor, request.params.id, request.body),
  );

  app.get(
    '/persons/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'A person',
        params: IdParams,
        response: responses({ 200: Person }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return getPerson(db(), request.actor, request.params.id);
    },
  );

  app.patch(
    '/persons/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'Change a person (send the version you read)',
        params: IdParams,
        body: PersonUpdate,
        response: responses({ 200: Person }),
      },
    },
    async (request) => updatePerson(db(), request.actor, request.params.id, request.body),
  );

  app.post(
    '/persons/:id/pregnancies',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a pregnancy',
        params: IdParams,
        headers: CommandHeaders,
        body: PregnancyCreate,
        response: responses({ 200: Pregnancy, 201: Pregnancy }),
      },
    },
    async (request, reply) => {
      const { pregnancy, replayed } = await addPregnancy(
        db(),
        request.actor,
        request.params.id,
        request.body,
        request.headers[IDEMPOTENCY_HEADER],
      );
      return reply.code(replayed ? 200 : 201).send(pregnancy);
    },
  );

  app.patch(
    '/pregnancies/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'Correct the dates of a pregnancy or close it',
        params: IdParams,
        body: PregnancyUpdate,
        response: responses({ 200: Pregnancy }),
      },
    },
    async (request) => updatePregnancy(db(), request.actor, request.params.id, request.body),
  );
};
