import type { ResolveFalloutRequest } from '../workflows/messages';

/** What an operator may do with a step in fallout. Kept apart so the CLI can check words without loading Temporal. */
export type FalloutAction = ResolveFalloutRequest['action'];
export const FALLOUT_ACTIONS: readonly FalloutAction[] = ['retry', 'complete', 'skip'];
