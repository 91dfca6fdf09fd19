import { IdParams, SpdciMember, SpdciSyncSearchRequest, SpdciSyncSearchResponse } from '@tejido/schemas';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { responses } from '../../http/responses';
import { FHIR_CONTENT_TYPE, FhirBundleSchema, personFhirBundle } from './fhir-export';
import { getMemberSummary, MAX_PAGE_SIZE, syncSearch, TEJIDO_REG_TYPE } from './spdci';

const SEARCH_DESCRIPTION = `
The synchronous search of the Digital Convergence Initiative's registry standard (SPDCI v1.0.0,
\`registry_core_api\` and \`social_api\`): the message \`{ header, message: { transaction_id,
search_request: [...] } }\`, answered with \`{ header, message: { transaction_id, correlation_id,
search_response: [...] } }\`. Each search request is answered on its own: \`succ\` with a page of
records, or \`rjct\` with the standard's reason code (\`rjct.search_criteria.invalid\`,
\`rjct.sort.invalid\`, \`rjct.pagination.invalid\`, \`rjct.reference_id.duplicate\`) and a message.
A malformed message (a missing field, a wrong type, \`header.total_count\` not matching) is refused
whole with a 400 problem document naming the field.

**Supported**
- \`query_type: idtype-value\` with \`type\` DNI, CUI, UIN (RENIEC's 8-digit number: DNI and CUI
  share it, so any of the three finds either document) or CE (foreigners' card).
- \`query_type: predicate\`: expression1 [and expression2], every item joined by *and*, over
  \`given_name\` and \`surname\` (eq: every word present, accents and case ignored), \`birth_date\`
  (eq, gt, ge, lt, le; YYYY-MM-DD), \`sex\` (eq: female or male), \`ubigeo\` (eq: the household lies in
  that region, province, district or village) and \`programme_identifier\` (eq: an active enrolment,
  e.g. JUNTOS). Sex and programme alone are refused as too broad.
- \`sort\` by \`birth_date\`, \`given_name\`, \`surname\` (default surname, given_name; the person id
  breaks ties, so pages are stable); \`pagination\` with \`page_size\` up to ${MAX_PAGE_SIZE}
  (default 20), pages from 1, records up to 10,000 deep.
- \`reg_type\`, when given, must be \`${TEJIDO_REG_TYPE}\`; records are \`spdci:Member\` (the person,
  their household as \`group\` with its programme enrolments and, for a child under 36 months or
  a pregnant woman, \`care_status\`: traffic light, overdue and due items, risks, reasons).
  \`response_entity: Group\` is refused.
- \`consent\` and \`authorize\` are accepted; their \`purpose\` (text, code) is kept in the audit trail.

**Not supported**: the asynchronous search and its callbacks (\`/registry/search\`,
\`/registry/on-search\`), subscribe/notify/unsubscribe, transaction status, \`query_type:
expression\` (answered \`rjct\`), the operator \`in\` and the conditions \`or\` and \`not\`, encrypted
messages (\`header.is_msg_encrypted\` must be false) and message signatures: \`signature\` is
accepted but not verified, and answers carry none. The caller is authenticated by its bearer
token (or session), and sees only the households of its scope: a person outside it is absent,
from the records and from every count.

Every search request is audited: who, the sender and transaction, the query, the purpose, and
the persons returned.`;

/** Interoperability with other institutions' systems: SPDCI registry search and FHIR export. */
export const interopRoutes: FastifyPluginAsyncZod = async (app) => {
  const db = () => app.database.db;

  app.post(
    '/registry/sync/search',
    {
      schema: {
        tags: ['interop'],
        summary: 'Search the registry in the shape of the SPDCI standard (synchronous search)',
        description: SEARCH_DESCRIPTION,
        body: SpdciSyncSearchRequest,
        response: responses({ 200: SpdciSyncSearchResponse }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return syncSearch(db(), request.actor, request.body);
    },
  );

  app.get(
    '/persons/:id/summary',
    {
      schema: {
        tags: ['interop'],
        summary: 'A person as an SPDCI Member record: identity, household, programmes and care status',
        params: IdParams,
        response: responses({ 200: SpdciMember }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return getMemberSummary(db(), request.actor, request.params.id);
    },
  );

  app.get(
    '/persons/:id/fhir',
    {
      schema: {
        tags: ['interop'],
        summary: "A person's care status as a FHIR R4 Bundle (application/fhir+json)",
        description:
          'A Bundle of type collection: the Patient (DNI, CUI or CE identifier; both surnames, the second ' +
          'marked with humanname-mothers-family), an Immunization per vaccine dose (Tejido code and CVX), ' +
          'Observations for hemoglobin (LOINC 718-7, g/dL), weight (29463-7, kg) and length/height ' +
          '(8302-2, cm), and for a tracked child or pregnant woman a CarePlan with every pathway item ' +
          '(done, due, overdue, upcoming, missed) and the traffic light, with a Flag when it is amber or ' +
          'red. A person who is not tracked gets the Patient and the evidence recorded. 404 outside your ' +
          'scope; errors are problem documents, not OperationOutcome.',
        params: IdParams,
        produces: [FHIR_CONTENT_TYPE],
        response: responses({ 200: FhirBundleSchema }),
      },
    },
    async (request, reply) => {
      const bundle = await personFhirBundle(db(), request.actor, request.params.id);
      return reply
        .header('cache-control', 'no-store')
        .type(`${FHIR_CONTENT_TYPE}; charset=utf-8`)
        .send(bundle);
    },
  );
};
