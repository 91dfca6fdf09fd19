import { testEngine } from '@tejido/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieOf, createFixture, type Fixture, PASSWORD } from '../../testing/fixture';

describe(`sign-in on ${testEngine}`, () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await createFixture();
  });
  afterAll(async () => {
    await f?.close();
  });
  const login = (username: string, password: string) =>
    f.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  it('signs in with an HttpOnly SameSite cookie and answers who is signed in', async () => {
    const res = await login('Coord_North', PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      username: 'coord_north',
      role: 'coordinator',
      scope: { kind: 'territory', territoryCode: '0501' },
      scopeLabel: 'Provincia Norte',
    });
    const cookie = res.cookies.find((c) => c.name === 'tejido_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const stored = await f.database.db.selectFrom('user_session').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(cookie.value);
    const me = await f.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: cookieOf(res) },
    });
    expect(me.json().username).toBe('coord_north');
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const unknown = await login('nadie', 'whatever-password');
    const wrong = await login('admin', 'wrong-password');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect({ ...unknown.json(), instance: 0 }).toEqual({ ...wrong.json(), instance: 0 });
  });

  it('locks an account after repeated failures, even against the right password', async () => {
    for (let i = 0; i < 3; i++) expect((await login('worker3', 'bad-password')).statusCode).toBe(401);
    const locked = await login('worker3', PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect(locked.json().code).toBe('ACCOUNT_LOCKED');
    expect(new Date(locked.json().lockedUntil).getTime()).toBeGreaterThan(Date.now());
    const actions = await f.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', f.ids.users.worker3)
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'login.failed',
      'login.failed',
      'login.lockout',
      'login.locked',
    ]);
  });

  it('ends the session on logout', async () => {
    const cookie = cookieOf(await login('steward', PASSWORD));
    expect(
      (await f.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode,
    ).toBe(200);
    expect(
      (await f.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } })).statusCode,
    ).toBe(204);
    const after = await f.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('NOT_AUTHENTICATED');
  });

  it('refuses an expired session and a forged cookie', async () => {
    const cookie = cookieOf(await login('admin', PASSWORD));
    await f.database.db
      .updateTable('user_session')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    expect(
      (await f.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode,
    ).toBe(401);
    expect(
      (
        await f.app.inject({
          method: 'GET',
          url: '/api/v1/auth/me',
          headers: { cookie: 'tejido_session=forged' },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('refuses a cookie-authenticated change sent from another site', async () => {
    const cookie = cookieOf(await login('coord_region', PASSWORD));
    const res = await f.app.inject({
      method: 'PATCH',
      url: `/api/v1/households/${f.ids.households.hA1}`,
      headers: { cookie, origin: 'https://evil.example', host: 'localhost:8080' },
      payload: { version: 1, address: 'x' },
    });
    expect(res.statusCode).toBe(403);
  });
});
