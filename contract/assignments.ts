import { z } from 'zod';
import { partnerRoles } from './common';

// SPEC §2, §5, §6: which partner administrators manage which customers, and launching a customer's console.
export const assignmentsBody = z.object({
  action: z.enum(['assign', 'unassign']),
  userIds: z.array(z.uuid()).min(1).max(100),
  customerIds: z.array(z.uuid()).min(1).max(1000),
});
export const assignmentsAnswer = z.object({ changed: z.number().int() });

export const customerPartnerAdmin = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(partnerRoles),
  source: z.enum(['provisioned', 'assigned']).nullable(),
  allCustomers: z.boolean(),
});
export const customerPartnerAdmins = z.object({ items: z.array(customerPartnerAdmin) });

export const addPartnerAdminBody = z.object({ userId: z.uuid() });
export const addPartnerAdminAnswer = z.object({
  userId: z.string(),
  customerId: z.string(),
  source: z.enum(['provisioned', 'assigned']),
});

export const consoleAccess = z.enum(['full', 'read-only']);
export type ConsoleAccess = z.infer<typeof consoleAccess>;
export const launchAnswer = z.object({ url: z.string(), access: consoleAccess });
