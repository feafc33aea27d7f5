import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { DB } from '../db/schema';
import type { PartnerCaller } from '../auth/caller';
import { todayUtc } from '../dates';
import { portfolioVersions } from '../portfolio/queries';

// The customer list, KPIs and analytics are functions of the partner's facts, its people (who sees and who
// administers which customer), the day and the request. Every statement that changes facts or people moves a
// version in its own transaction (migrations 004, 005), so an answer kept under the versions read before it was
// computed is never older than what its reader could see: nothing expires, nothing is invalidated, and several
// server processes stay correct. `Cache-Control: no-cache` computes the answer afresh. Acknowledged usage
// batches still in the partner's usage log move the facts version when appended and are folded in after the
// versions are read and before the answer is computed, so an answer never misses one its versions include.

export type AnswerMemo = {
  /** The answer to `request` as JSON text: the one computed at the current versions, or `compute`'s. */
  json: (params: {
    request: FastifyRequest;
    caller: PartnerCaller;
    schema: z.ZodType;
    compute: () => Promise<unknown>;
  }) => Promise<string>;
};

/** Keys and JSON text together: room for about a thousand customer-list pages or a hundred analytics overviews. */
const defaultMaxChars = 32 * 1024 * 1024;

export function createAnswerMemo({
  db,
  settleUsage,
  maxChars = defaultMaxChars,
}: {
  db: Kysely<DB>;
  settleUsage: (partnerId: string) => Promise<void>;
  maxChars?: number;
}): AnswerMemo {
  // Least recently used first: a Map iterates in insertion order and a hit is re-inserted.
  const answers = new Map<string, string>();
  const computing = new Map<string, Promise<string>>();
  let chars = 0;

  const forget = (key: string) => {
    const text = answers.get(key);
    if (text === undefined) return;
    answers.delete(key);
    chars -= key.length + text.length;
  };
  const keep = (key: string, text: string) => {
    forget(key);
    answers.set(key, text);
    chars += key.length + text.length;
    for (const oldest of answers.keys()) {
      if (chars <= maxChars) break;
      forget(oldest);
    }
  };

  return {
    async json({ request, caller, schema, compute }) {
      const versions = await portfolioVersions(db, caller.partnerId);
      const viewer = caller.kind === 'user' ? `${caller.userId} ${caller.role}` : 'token';
      const key = [
        caller.partnerId,
        versions.facts,
        versions.people,
        todayUtc(),
        viewer,
        request.method,
        request.url,
      ].join('\n');
      const fresh = /\bno-cache\b/i.test(request.headers['cache-control'] ?? '');
      const kept = fresh ? undefined : answers.get(key);
      if (kept !== undefined) {
        keep(key, kept);
        return kept;
      }
      const pending = fresh ? undefined : computing.get(key);
      if (pending) return pending;
      // The route's own response serializer: the answer is checked against its schema once, when computed.
      const serialize = serializerCompiler({
        schema,
        method: request.method,
        url: request.url,
        httpStatus: '200',
      });
      const text = settleUsage(caller.partnerId)
        .then(compute)
        .then((answer) => serialize(answer));
      computing.set(key, text);
      try {
        const answer = await text;
        keep(key, answer);
        return answer;
      } finally {
        if (computing.get(key) === text) computing.delete(key);
      }
    },
  };
}

/** Sends an answer's JSON text as it is: Fastify runs no serializer on a string sent as JSON. */
export function sendJson(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(text);
}
