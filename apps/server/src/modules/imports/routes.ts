import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline as pipe } from 'node:stream/promises';
import { ConfigFileError } from '@tejido/core';
import {
  DomainError,
  DuplicateDecision,
  DuplicatePairView,
  ImportBatchView,
  ImportIssueView,
  ImportKind,
  LinkDecision,
  LinkRevert,
  LinkReviewView,
} from '@tejido/schemas';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { responses } from '../../http/responses';
import { assertCan } from '../access/permissions';
import { CsvSyntaxError } from './csv';
import { decideDuplicate, listDuplicates, revertMerge } from './dedupe';
import { ImportFileError } from './files';
import { ImportBusyError, type ImportProgress, runImport } from './pipeline';
import { decideReview, getReview, listReviews, revertLink } from './review';
import { batchIssues, getBatch, listBatches, rejectsCsv } from './service';

/** An uploaded file of up to 2 GiB, streamed to disk (never held in memory). */
const UPLOAD_LIMIT = 2 * 1024 ** 3;

const UPLOAD_TYPES = [
  'application/octet-stream',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/fhir+json',
  'application/fhir+ndjson',
  'application/x-ndjson',
  'application/ndjson',
];

const ImportProgressView = z.object({
  phase: z.enum(['reading', 'linking', 'statuses']),
  done: z.number(),
  total: z.number(),
});
const BatchWithProgress = ImportBatchView.extend({ progress: ImportProgressView.nullable() });

/** Progress of the imports this process is running, by batch. */
const progress = new Map<string, ImportProgress>();

/** A refused file or mapping as a problem naming what is at fault. */
function refusal(error: unknown): unknown {
  if (error instanceof ImportFileError) return DomainError.field(error.field, error.message);
  if (error instanceof CsvSyntaxError) return DomainError.field('file', error.message);
  if (error instanceof ConfigFileError) return DomainError.field('mapping', error.message);
  if (error instanceof ImportBusyError) return new DomainError('CONFLICT', error.message);
  return error;
}

export const importRoutes: FastifyPluginAsyncZod<{ databaseUrl?: string | undefined }> = async (
  app,
  options,
) => {
  const db = () => app.database.db;

  // Files arrive as raw bodies and are streamed to disk by the route.
  for (const type of UPLOAD_TYPES) {
    if (type === 'application/octet-stream') continue;
    app.addContentTypeParser(type, (_request, payload, done) => done(null, payload));
  }
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.post(
    '/imports',
    {
      bodyLimit: UPLOAD_LIMIT,
      schema: {
        tags: ['imports'],
        summary:
          'Import a file (health CSV/XLSX, FHIR Bundle or NDJSON, births, school): answered when it is accepted',
        description:
          'The body is the file itself. It is checked (format, encoding, delimiter, required columns) before ' +
          'anything is written: a file that cannot be imported as its kind is answered 400 with the reason. ' +
          'Then the import runs in the background; follow it with GET /imports/{id}. The same file again is ' +
          'answered with its earlier batch and stores nothing new; an interrupted import is completed.',
        querystring: z.strictObject({
          kind: ImportKind,
          fileName: z.string().trim().min(1).max(300),
        }),
        response: responses({ 202: BatchWithProgress, 200: BatchWithProgress }),
      },
    },
    async (request, reply) => {
      assertCan(request.actor, 'imports.run');
      const dir = await mkdtemp(join(tmpdir(), 'tejido-import-'));
      const path = join(dir, 'upload');
      try {
        await pipe(request.body as Readable, createWriteStream(path));
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
      let batchId: string | undefined;
      let repeat = false;
      // Answered once the file is accepted (its batch exists) or refused; the import goes on meanwhile.
      const accepted = new Promise<string>((resolve, reject) => {
        runImport(app.database, {
          kind: request.query.kind,
          path,
          fileName: request.query.fileName,
          actor: request.actor,
          databaseUrl: options.databaseUrl,
          onBatch: (id, again) => {
            batchId = id;
            repeat = again;
            resolve(id);
          },
          onProgress: (p) => {
            if (batchId) progress.set(batchId, p);
          },
        })
          .catch((error: unknown) => {
            if (batchId) request.log.error({ err: error, batch: batchId }, 'import failed');
            else reject(refusal(error));
          })
          .finally(() => {
            if (batchId) progress.delete(batchId);
            void rm(dir, { recursive: true, force: true });
          });
      });
      const id = await accepted;
      const batch = await getBatch(db(), request.actor, id);
      // 200: this file was imported before and nothing new was stored; 202: the import goes on.
      return reply.code(repeat ? 200 : 202).send({ ...batch, progress: progress.get(id) ?? null });
    },
  );

  app.get(
    '/imports',
    {
      schema: {
        tags: ['imports'],
        summary: 'The latest imports, newest first',
        response: responses({ 200: z.array(BatchWithProgress) }),
      },
    },
    async (request) =>
      (await listBatches(db(), request.actor)).map((b) => ({ ...b, progress: progress.get(b.id) ?? null })),
  );

  app.get(
    '/imports/:id',
    {
      schema: {
        tags: ['imports'],
        summary: 'One import: its counts and, while it runs, its progress',
        params: z.object({ id: z.uuid() }),
        response: responses({ 200: BatchWithProgress }),
      },
    },
    async (request) => {
      const batch = await getBatch(db(), request.actor, request.params.id);
      return { ...batch, progress: progress.get(batch.id) ?? null };
    },
  );

  app.get(
    '/imports/:id/issues',
    {
      schema: {
        tags: ['imports'],
        summary: 'The rejected rows of an import with their line, field and reason, in line order',
        params: z.object({ id: z.uuid() }),
        querystring: z.strictObject({
          afterLine: z.coerce.number().int().min(0).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: responses({ 200: z.array(ImportIssueView) }),
      },
    },
    async (request) => batchIssues(db(), request.actor, request.params.id, request.query),
  );

  app.get(
    '/imports/:id/rejects.csv',
    {
      schema: {
        tags: ['imports'],
        summary:
          'The rejects file: every rejected row with its reason, then the rows held for review or unmatched',
        params: z.object({ id: z.uuid() }),
        produces: ['text/csv'],
        response: responses({ 200: z.any().describe('CSV, UTF-8 with BOM') }),
      },
    },
    async (request, reply) => {
      const batch = await getBatch(db(), request.actor, request.params.id);
      const lines: string[] = [];
      for await (const piece of rejectsCsv(db(), request.actor, batch.id)) lines.push(piece);
      const base = batch.fileName.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_');
      return reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${base}-rechazos.csv"`)
        .send(lines.join(''));
    },
  );

  const ReviewQuery = z.strictObject({
    status: z.enum(['review', 'unmatched', 'linked', 'dismissed']).default('review'),
    batchId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
  });

  app.get(
    '/link-reviews',
    {
      schema: {
        tags: ['linkage'],
        summary: "The data steward's queue: imported records held for review (probable matches) or unmatched",
        querystring: ReviewQuery,
        response: responses({ 200: z.object({ total: z.number(), items: z.array(LinkReviewView) }) }),
      },
    },
    async (request) => listReviews(db(), request.actor, request.query),
  );

  app.get(
    '/link-reviews/:id',
    {
      schema: {
        tags: ['linkage'],
        summary: 'A held record beside its candidates, with the reasons for each score',
        params: z.object({ id: z.uuid() }),
        response: responses({ 200: LinkReviewView }),
      },
    },
    async (request) => getReview(db(), request.actor, request.params.id),
  );

  app.post(
    '/link-reviews/:id/decision',
    {
      schema: {
        tags: ['linkage'],
        summary: 'Link the record to a person (what it says is stored for them) or dismiss it',
        params: z.object({ id: z.uuid() }),
        body: LinkDecision,
        response: responses({ 200: LinkReviewView }),
      },
    },
    async (request) => decideReview(db(), request.actor, request.params.id, request.body),
  );

  app.post(
    '/record-links/:id/revert',
    {
      schema: {
        tags: ['linkage'],
        summary: 'Undo a link: the evidence it stored is retracted and the record goes back to review',
        params: z.object({ id: z.uuid() }),
        body: LinkRevert,
        response: responses({ 200: LinkReviewView }),
      },
    },
    async (request) => revertLink(db(), request.actor, request.params.id, request.body.reason),
  );

  app.get(
    '/duplicates',
    {
      schema: {
        tags: ['linkage'],
        summary:
          'Likely duplicate persons found by `tejido dedupe`, the strongest first, both persons side by side',
        querystring: z.strictObject({
          status: z.enum(['open', 'same_person', 'distinct']).default('open'),
          limit: z.coerce.number().int().min(1).max(100).default(20),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: responses({ 200: z.array(DuplicatePairView) }),
      },
    },
    async (request) => listDuplicates(db(), request.actor, request.query),
  );

  app.post(
    '/duplicates/:id/decision',
    {
      schema: {
        tags: ['linkage'],
        summary:
          'Two distinct persons, or the same one: then the duplicate is merged into the other (reversibly)',
        params: z.object({ id: z.uuid() }),
        body: DuplicateDecision,
        response: responses({ 200: DuplicatePairView }),
      },
    },
    async (request) => decideDuplicate(db(), request.actor, request.params.id, request.body),
  );

  app.post(
    '/duplicates/:id/revert',
    {
      schema: {
        tags: ['linkage'],
        summary: 'Undo a merge: the copied evidence is retracted and the merged person restored',
        params: z.object({ id: z.uuid() }),
        body: LinkRevert,
        response: responses({ 200: DuplicatePairView }),
      },
    },
    async (request) => revertMerge(db(), request.actor, request.params.id, request.body.reason),
  );
};
