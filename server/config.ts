import { z } from 'zod';

const flag = z.enum(['0', '1']).transform((value) => value === '1');
const days = z.coerce.number().int().min(0).max(3650);

// SPEC §11 names these variables; automation relies on them.
const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DEMO: flag.default(true),
  DEMO_CUSTOMERS: z.coerce.number().int().min(0).max(100_000).default(300),
  SUSPEND_AFTER_DAYS: days.default(30),
  EXPIRING_SOON_DAYS: days.default(30),
  NO_ACTIVITY_DAYS: days.default(30),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(8 * 60),
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(7 * 24),
  TRUST_PROXY: flag.default(false),
  WEB_AUTOBUILD: flag.default(true),
  MAX_BODY_MB: z.coerce.number().min(1).max(1024).default(100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof environment>;

/** The thresholds the status rules of SPEC §4.1 depend on. */
export type StatusThresholds = Pick<Config, 'SUSPEND_AFTER_DAYS' | 'EXPIRING_SOON_DAYS' | 'NO_ACTIVITY_DAYS'>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // `DATABASE_URL=` in a shell or .env file means "not set", not "an empty URL".
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environment.safeParse(set);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}
