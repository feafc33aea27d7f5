import type { Role } from './types';

export function isPartnerRole(role: Role): boolean {
  return role.startsWith('partner_');
}

export function isFullAdmin(role: Role): boolean {
  return role === 'partner_full_admin';
}

/** SPEC §6: start/edit/cancel trials and set up orders. The server narrows partner admins to their own customers. */
export function canManageCustomers(role: Role): boolean {
  return role === 'partner_full_admin' || role === 'partner_admin';
}

export function canAssignPartnerAdmins(role: Role): boolean {
  return isFullAdmin(role);
}

export function canExportCsv(role: Role): boolean {
  return isPartnerRole(role);
}

const knownRoles: readonly Role[] = [
  'partner_full_admin',
  'partner_admin',
  'partner_readonly_admin',
  'customer_full_admin',
  'customer_readonly_admin',
];

export function isKnownRole(role: string | null | undefined): role is Role {
  return typeof role === 'string' && (knownRoles as readonly string[]).includes(role);
}
