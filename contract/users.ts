import { z } from 'zod';
import { email, listOf, page, pageSize, partnerRoles } from './common';

// SPEC §6: the partner organization's users and their administrator roles.
const name = z.string().trim().min(1).max(200);

export const partnerUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(partnerRoles),
  active: z.boolean(),
  createdAt: z.string(),
  lastSignInAt: z.string().nullable(),
  /** Customers the user manages: the assigned ones for a partner administrator, all of them for the others. */
  customerCount: z.number().int(),
});
export type PartnerUser = z.infer<typeof partnerUser>;
export const partnerUserList = listOf(partnerUser);

export const userListQuery = z.object({ page, pageSize });

export const createUserBody = z.object({
  email,
  name,
  role: z.enum(partnerRoles),
  password: z.string().min(1).max(1024),
});

export const updateUserBody = z
  .object({ role: z.enum(partnerRoles).optional(), active: z.boolean().optional(), name: name.optional() })
  .refine((body) => body.role !== undefined || body.active !== undefined || body.name !== undefined, {
    message: 'change at least one of role, active, name',
  });

export const administrators = z.object({
  allCustomers: z.array(partnerUser),
  partnerAdmins: z.array(partnerUser),
});
