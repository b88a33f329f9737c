import { z } from 'zod';
import { Types } from '../db/mongoose.js';
import { notFound } from '../errors.js';

/**
 * 24-hex ids; anything else names nothing (404), and never reaches a query. Capitals are accepted
 * and written as ObjectIds print them, so an id compared as a string (a tree's keys, an owner
 * check) names the same document as the query does.
 */
const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

export const isObjectId = (id: string) => OBJECT_ID.test(id) && Types.ObjectId.isValid(id);

/** An id checked once, where the request comes in; services take this type and do not check again. */
export type ObjectIdString = string & z.$brand<'ObjectId'>;

/**
 * A path parameter that must be an ObjectId. One that is not names nothing, so the route answers
 * 404 `<what> not found` (route.ts turns a failed path parameter into 404), exactly as for an id
 * that names no resource or another user's.
 */
export const objectIdParam = (what: string) =>
  z
    .string()
    // A pattern, not a refine: the description then publishes it (every 24-hex string is a
    // valid ObjectId, so this is all of isObjectId).
    .regex(OBJECT_ID, `${what} not found`)
    .toLowerCase()
    .brand<'ObjectId'>();

/**
 * An id in a query parameter or a body field: malformed, it is a 400 on that field saying what an
 * id looks like (an id that is well formed but names nothing of the user's is a 404 further on).
 */
export const objectIdField = (what: string) =>
  z
    .string()
    .regex(OBJECT_ID, `Not a ${what.toLowerCase()} id (24 hexadecimal characters)`)
    .toLowerCase()
    .brand<'ObjectId'>();

/** The same check for an id that arrives elsewhere (a body field): 404 when it cannot name anything. */
export function parseObjectId(id: string, what: string): ObjectIdString {
  if (!isObjectId(id)) throw notFound(what);
  return id.toLowerCase() as ObjectIdString;
}
