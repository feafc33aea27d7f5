// API shapes come from the shared contract as types only: `import type` keeps zod out of the browser bundle.
import type { z } from 'zod';
import type {
  CustomerRole,
  CustomerStatus,
  PartnerRole,
  Product,
  TokenScope,
} from '../../../contract/common';
import type {
  customerDetail,
  customerListItem,
  customerSubscription,
  kpis,
} from '../../../contract/customers';
import type { startTrialAnswer, trial } from '../../../contract/trials';
import type { orderDetail, orderSetupAnswer } from '../../../contract/orders';
import type { administrators, partnerUser } from '../../../contract/users';
import type { consoleView, inviteAdminAnswer } from '../../../contract/console';
import type { invitationView, sessionAnswer } from '../../../contract/onboarding';
import type { customerPartnerAdmin, launchAnswer } from '../../../contract/assignments';

export type { CustomerRole, CustomerStatus, PartnerRole, Product, TokenScope };

export type Role = PartnerRole | CustomerRole;
export type ListResponse<T> = { items: T[]; total: number };

/** GET /me and the sign-in answer; the web app only deals with people, so `user` is required here. */
export type Session = z.infer<typeof sessionAnswer>;
export type Me = Omit<Session, 'user'> & { user: NonNullable<Session['user']> & { role: Role } };

export type CustomerListItem = z.infer<typeof customerListItem>;
export type ManagedBy = CustomerListItem['managedBy'][number];
export type Kpis = z.infer<typeof kpis>;
export type KpiName = keyof Kpis;
export type CustomerDetails = z.infer<typeof customerDetail>;
export type CustomerSubscription = z.infer<typeof customerSubscription>;
export type LicenseBreakdown = CustomerSubscription['licenses'][number];
export type Invoice = CustomerSubscription['invoices'][number];
export type OrderHistoryEntry = CustomerSubscription['orders'][number];
export type SubscriptionStatus = CustomerSubscription['status'];
export type CustomerAdmin = CustomerDetails['admins'][number];
export type ExternalAdmin = CustomerDetails['externalAdmins'][number];
export type PartnerAdminEntry = z.infer<typeof customerPartnerAdmin>;

export type Trial = z.infer<typeof trial>;
export type InvitationLink = NonNullable<z.infer<typeof startTrialAnswer>['invitation']>;
export type StartTrialAnswer = z.infer<typeof startTrialAnswer>;

export type OrderWithSuggestions = z.infer<typeof orderDetail>;
export type OrderSetupAnswer = z.infer<typeof orderSetupAnswer>;

export type PartnerUser = z.infer<typeof partnerUser>;
export type Administrators = z.infer<typeof administrators>;

export type ApiToken = {
  id: string;
  name: string;
  scopes: TokenScope[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type Invitation = z.infer<typeof invitationView>;
export type ConsoleData = z.infer<typeof consoleView>;
export type ConsoleSubscription = ConsoleData['subscriptions'][number];
export type InviteAdminAnswer = z.infer<typeof inviteAdminAnswer>;
export type LaunchAnswer = z.infer<typeof launchAnswer>;
