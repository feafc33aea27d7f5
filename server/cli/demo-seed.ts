import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { DB } from '../db/schema';
import { createPartner } from '../partners/service';
import { hashPassword } from '../auth/credentials';
import { loadDemoPortfolio } from './demo-load';

export const demoPassword = 'PartnerHub-demo-2026';
export const demoUsers = [
  { email: 'admin@demo.partnerhub.example', name: 'Dana Full', role: 'partner_full_admin' },
  { email: 'sales@demo.partnerhub.example', name: 'Sam Sales', role: 'partner_admin' },
  { email: 'viewer@demo.partnerhub.example', name: 'Vera Viewer', role: 'partner_readonly_admin' },
] as const;

/**
 * On a database without any partner: a demo partner with a full, a partner and a read-only administrator
 * (the partner administrator assigned a handful of customers) and the demo portfolio. Otherwise nothing.
 */
export async function seedDemo(db: Kysely<DB>, options: { customers: number; log: FastifyBaseLogger }) {
  const anyPartner = await db
    .selectFrom('organizations')
    .select('id')
    .where('kind', '=', 'partner')
    .limit(1)
    .executeTakeFirst();
  if (anyPartner) return null;
  const operator = { type: 'operator' as const, id: null, label: 'demo' };
  const [full, ...others] = demoUsers;
  const { partnerId } = await createPartner(db, {
    name: 'Nordlys Partner AB',
    country: 'SE',
    adminEmail: full.email,
    adminName: full.name,
    password: demoPassword,
    actor: operator,
    acceptTerms: true,
  });
  const passwordHash = await hashPassword(demoPassword);
  const userIds = new Map<string, string>();
  for (const user of others) {
    const id = randomUUID();
    userIds.set(user.role, id);
    await db
      .insertInto('users')
      .values({
        partner_id: partnerId,
        id,
        org_id: partnerId,
        email: user.email,
        display_name: user.name,
        password_hash: passwordHash,
        role: user.role,
      })
      .execute();
  }
  options.log.info({ customers: options.customers }, 'loading the demo portfolio');
  const counts = await loadDemoPortfolio(db, { partnerId, customers: options.customers, actor: operator });
  // The partner administrator manages every tenth customer, so their narrower view is visible at once.
  const salesId = userIds.get('partner_admin');
  if (salesId) {
    const customers = await db
      .selectFrom('organizations')
      .select('id')
      .where('partner_id', '=', partnerId)
      .where('kind', '=', 'customer')
      .orderBy('external_id')
      .execute();
    const assigned = customers.filter((_, index) => index % 10 === 0);
    if (assigned.length) {
      await db
        .insertInto('customer_assignments')
        .values(
          assigned.map((c, index) => ({
            partner_id: partnerId,
            user_id: salesId,
            customer_id: c.id,
            source: index % 2 ? ('assigned' as const) : ('provisioned' as const),
          })),
        )
        .execute();
    }
  }
  return { partnerId, counts, users: demoUsers.map((user) => ({ ...user, password: demoPassword })) };
}
