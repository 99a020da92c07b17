/**
 * How the API gives the policies' reasons (`reasons` of decisions, `details.reasons` of a 403): the
 * engine picks them by the caller's Accept-Language (the auth guard reads it into the principal).
 * Swagger descriptions share this wording.
 */
export const REASONS_LANGUAGE =
  "In the language of the request's Accept-Language header: cs, pl or en (English for any other or none); a rule without a reason in that language gives its English @reason";
