import type { Loaded } from './api';
import { Refusal } from './desk-parts';

/**
 * What a view shows of a fetch (api.ts useJson / useLive) that has no answer yet or was refused: the refusal as the
 * server words it, else "Loading…" until the first answer. Once there is data it shows only a later refusal (the data
 * stays on screen, as it was). The one place for the pattern every page repeated; the view draws `of.data` itself.
 */
export function LoadStatus({ of, loading = 'Loading…', refusalTestId = 'load-refusal' }: { of: Pick<Loaded<unknown>, 'data' | 'error'>; loading?: string; refusalTestId?: string }) {
  if (of.error) return <Refusal message={of.error.message} testId={refusalTestId} />;
  return of.data === undefined ? <p className="loading">{loading}</p> : null;
}
