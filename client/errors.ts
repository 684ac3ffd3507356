import type { Problem } from '../domain/problems';

export type OrdoErrorCode = 'invalid' | 'already-exists' | 'not-found' | 'unavailable' | 'refused' | 'timeout' | 'change-order-required';

/** A refused or failed request, with a message that says why and what to do. The CLI exits 1 on these. */
export class OrdoError extends Error {
  override readonly name = 'OrdoError';
  constructor(
    readonly code: OrdoErrorCode,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}
