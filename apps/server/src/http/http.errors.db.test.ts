import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEngine } from '@tejido/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app';
import { createFixture, type Fixture } from '../testing/fixture';

describe(`HTTP errors are problem documents, on ${testEngine}`, () => {
  let f: Fixture;
  let cookie: string;
  beforeAll(async () => {
    f = await createFixture();
    cookie = await f.login('coord_region');
  });
  afterAll(async () => {
    await f?.close();
  });

  const expectProblem = (
    res: { statusCode: number; headers: Record<string, unknown>; json: () => Record<string, unknown> },
    status: number,
    code: string,
  ) => {
    expect(res.statusCode).toBe(status);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status, code, type: `urn:tejido:error:${code}` });
  };

  it('answers an unknown route with 404', async () => {
    expectProblem(
      await f.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: { cookie } }),
      404,
      'ROUTE_NOT_FOUND',
    );
    expectProblem(
      await f.app.inject({ method: 'DELETE', url: '/api/v1/households', headers: { cookie } }),
      404,
      'ROUTE_NOT_FOUND',
    );
  });

  it('answers malformed JSON with 400', async () => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: { cookie, 'content-type': 'application/json' },
      payload: '{"territoryCode": ',
    });
    expectProblem(res, 400, 'MALFORMED_JSON');
  });

  it('answers a body over 1 MiB with 413', async () => {
    const res = await f.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: { cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({ address: 'x'.repeat(1_100_000) }),
    });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a content type other than JSON with 415', async () => {
    const text = await f.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: { cookie, 'content-type': 'text/plain' },
      payload: 'hola',
    });
    expectProblem(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const form = await f.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=a&password=b',
    });
    expectProblem(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('names every invalid field of a body, a query and a path', async () => {
    const body = await f.app.inject({
      method: 'POST',
      url: '/api/v1/households',
      headers: { cookie },
      payload: { territoryCode: '12', latitude: 200, members: [{ sex: 'x' }] },
    });
    expectProblem(body, 400, 'VALIDATION_FAILED');
    const fields = (body.json().errors as Array<{ field: string }>).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['latitude', 'members.0.sex', 'members.0.birthDate']));
    const query = await f.app.inject({
      method: 'GET',
      url: '/api/v1/households?limit=5000',
      headers: { cookie },
    });
    expectProblem(query, 400, 'VALIDATION_FAILED');
    expect(query.json().errors[0].field).toBe('limit');
    const path = await f.app.inject({
      method: 'GET',
      url: '/api/v1/households/not-a-uuid',
      headers: { cookie },
    });
    expectProblem(path, 400, 'VALIDATION_FAILED');
    expect(path.json().errors[0].field).toBe('id');
    const cursor = await f.app.inject({
      method: 'GET',
      url: '/api/v1/households?cursor=%%%',
      headers: { cookie },
    });
    expect(cursor.statusCode).toBe(400);
  });

  it('asks for a sign-in before anything personal', async () => {
    expectProblem(await f.app.inject({ method: 'GET', url: '/api/v1/households' }), 401, 'NOT_AUTHENTICATED');
  });

  it('serves the web app: hashed assets cached for good, client routes get the page, missing files 404', async () => {
    const web = mkdtempSync(join(tmpdir(), 'tejido-web-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Tejido</title>');
    const app = await buildApp({
      database: f.database,
      logger: false,
      config: {
        env: 'test',
        sessionHours: 1,
        loginMaxFailures: 3,
        loginLockMinutes: 1,
        cookieSecure: false,
        webDir: web,
        logLevel: 'silent',
      },
    });
    try {
      // A file built after the server started is served too.
      writeFileSync(join(web, 'assets', 'app-abc123.js'), 'console.log(1)');
      const asset = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      const route = await app.inject({ method: 'GET', url: '/hogares/123' });
      expect(route.statusCode).toBe(200);
      expect(route.headers['content-type']).toContain('text/html');
      expect(route.headers['cache-control']).toBe('no-cache');
      expect((await app.inject({ method: 'GET', url: '/assets/missing-1.js' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/favicon.ico' })).statusCode).toBe(404);
    } finally {
      await app.close();
      rmSync(web, { recursive: true, force: true });
    }
  });

  it('serves /health and the OpenAPI 3.1 document', async () => {
    const health = await f.app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toMatchObject({ status: 'ok', database: testEngine });
    const spec = (await f.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/households',
        '/api/v1/households/{id}',
        '/api/v1/auth/login',
        '/api/v1/audit',
      ]),
    );
    const docs = await f.app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(docs.statusCode);
  });
});
