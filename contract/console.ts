import { z } from 'zod';
import { customerRoles, email, products, subscriptionKinds, subscriptionStatuses } from './common';
import { consoleAccess } from './assignments';
import { invitationLink } from './trials';

// SPEC §8: the customer console.
const name = z.string().trim().min(1).max(200);

export const consoleView = z.object({
  organization: z.object({ id: z.string(), name: z.string(), country: z.string(), createdAt: z.string() }),
  access: consoleAccess,
  admins: z.array(
    z.object({
      email: z.string(),
      name: z.string(),
      role: z.string().nullable(),
      lastSignInAt: z.string().nullable(),
    }),
  ),
  externalAdmins: z.array(z.object({ email: z.string(), name: z.string(), addedAt: z.string() })),
  subscriptions: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(subscriptionKinds),
      status: z.enum(subscriptionStatuses),
      startDate: z.string(),
      endDate: z.string(),
      products: z.array(
        z.object({
          product: z.enum(products),
          purchased: z.number().int(),
          assigned: z.number().int(),
          used: z.number().int(),
          available: z.number().int(),
        }),
      ),
    }),
  ),
});

export const inviteAdminBody = z.object({
  email,
  name,
  role: z.enum(customerRoles).default('customer_full_admin'),
});
export const inviteAdminAnswer = z.object({
  email: z.string(),
  name: z.string(),
  role: z.enum(customerRoles),
  invitation: invitationLink,
});

export const externalAdminBody = z.object({ email, name });
export const externalAdminAnswer = z.object({ email: z.string(), name: z.string(), addedAt: z.string() });

export const acceptAdminInvitationBody = z.object({ name, password: z.string().min(1).max(1024) });
