import { resolve } from 'node:path';
import { z } from 'zod';

const Bool = z
  .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['true', '1', 'on', 'yes'].includes(v));

const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  TEJIDO_DATA_DIR: z.string().default('./data'),
  TEJIDO_DB_POOL: z.coerce.number().int().min(1).max(200).default(10),
  TEJIDO_DEMO: Bool.optional(),
  TEJIDO_DEMO_HOUSEHOLDS: z.coerce.number().int().min(1).max(2_000_000).default(2000),
  TEJIDO_DEMO_SEED: z.coerce.number().int().default(2021),
  TEJIDO_DEMO_PASSWORD: z.string().min(10).default('demo-tejido'),
  TEJIDO_SESSION_HOURS: z.coerce
    .number()
    .min(0.1)
    .max(24 * 30)
    .default(12),
  TEJIDO_COOKIE_SECURE: Bool.optional(),
  TEJIDO_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  TEJIDO_LOGIN_LOCK_MINUTES: z.coerce
    .number()
    .min(1)
    .max(24 * 60)
    .default(15),
  TEJIDO_WEB_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  poolSize: number;
  /** Load the demo population when the database is empty: on by default on the embedded database only. */
  demo: boolean;
  demoHouseholds: number;
  demoSeed: number;
  demoPassword: string;
  sessionHours: number;
  cookieSecure: boolean;
  loginMaxFailures: number;
  loginLockMinutes: number;
  webDir: string | undefined;
  logLevel: string;
}

export class ConfigError extends Error {}

/** Read the environment once; fail at start with every wrong variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=`) means unset, as in most shells' and container tools' habits.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.TEJIDO_DATA_DIR),
    poolSize: e.TEJIDO_DB_POOL,
    demo: e.TEJIDO_DEMO ?? !e.DATABASE_URL,
    demoHouseholds: e.TEJIDO_DEMO_HOUSEHOLDS,
    demoSeed: e.TEJIDO_DEMO_SEED,
    demoPassword: e.TEJIDO_DEMO_PASSWORD,
    sessionHours: e.TEJIDO_SESSION_HOURS,
    cookieSecure: e.TEJIDO_COOKIE_SECURE ?? false,
    loginMaxFailures: e.TEJIDO_LOGIN_MAX_FAILURES,
    loginLockMinutes: e.TEJIDO_LOGIN_LOCK_MINUTES,
    webDir: e.TEJIDO_WEB_DIR,
    logLevel: e.LOG_LEVEL,
  };
}
