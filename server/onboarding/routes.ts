import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { acceptInvitationBody, invitationView, sessionAnswer } from '../../contract/onboarding';
import { setSessionCookie } from '../auth/routes';
import { describeCaller, resolveSession, startSession, type AuthDeps } from '../auth/service';
import { httpError, invalid } from '../http/errors';
import { acceptAdminInvitation, describeAdminInvitation } from '../console/service';
import { acceptInvitation, describeInvitation } from './service';

/** Signs in the person who just accepted an invitation, the way sign-in does: session cookie and who they are. */
export async function signInAfterInvitation(
  deps: AuthDeps,
  input: {
    request: FastifyRequest;
    reply: FastifyReply;
    user: {
      partnerId: string;
      userId: string;
      orgId: string;
      email: string;
      orgKind: 'partner' | 'customer';
    };
  },
) {
  const { sessionSecret } = await startSession(deps, input.user);
  setSessionCookie(input.request, input.reply, sessionSecret, deps.config.SESSION_MAX_HOURS * 3600);
  const caller = await resolveSession(deps, sessionSecret);
  if (!caller) throw httpError(500, 'internal_error', 'The new session could not be read back.');
  return describeCaller(deps, caller);
}

// One invitation link for both kinds (SPEC §3 partner, §8 customer administrator); the token tells which.
export async function onboardingRoutes(app: FastifyInstance, deps: AuthDeps) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const params = z.object({ token: z.string().max(200) });

  api.get(
    '/invitations/:token',
    {
      config: { access: 'public' },
      schema: {
        tags: ['onboarding'],
        summary: 'What an invitation offers: the plan and terms, or the organization to join',
        params,
        response: { 200: invitationView },
      },
    },
    async (request) => {
      const customerAdmin = await describeAdminInvitation(deps, request.params.token);
      if (customerAdmin) return customerAdmin;
      return { ...(await describeInvitation(deps.db, request.params.token)), organization: null };
    },
  );

  api.post(
    '/invitations/:token/accept',
    {
      config: { access: 'public' },
      schema: {
        tags: ['onboarding'],
        summary:
          '"Get started": accept the terms, create the partner organization (or join a customer organization), sign in',
        params,
        body: acceptInvitationBody,
        response: { 200: sessionAnswer },
      },
    },
    async (request, reply) => {
      const { token } = request.params;
      const body = request.body;
      const customerAdmin = await acceptAdminInvitation(deps, {
        token,
        name: body.name,
        password: body.password,
      });
      if (customerAdmin) return signInAfterInvitation(deps, { request, reply, user: customerAdmin });
      if (body.organizationName === undefined || body.country === undefined) {
        // Only a partner invitation gets here: it has been found, so its missing fields are worth naming.
        await describeInvitation(deps.db, token);
        const missing = (['organizationName', 'country'] as const).filter(
          (field) => body[field] === undefined,
        );
        throw invalid(
          `A new partner organization needs ${missing.join(' and ')}.`,
          missing.map((path) => ({ path, message: 'is required' })),
        );
      }
      const created = await acceptInvitation(deps.db, {
        token,
        name: body.name,
        password: body.password,
        organizationName: body.organizationName,
        country: body.country,
        acceptTerms: body.acceptTerms === true,
      });
      return signInAfterInvitation(deps, {
        request,
        reply,
        user: {
          partnerId: created.partnerId,
          userId: created.userId,
          orgId: created.partnerId,
          email: created.email,
          orgKind: 'partner',
        },
      });
    },
  );
}
