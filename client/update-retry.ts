/**
 * The server answers an update with FAILED_PRECONDITION "unexpected workflow task failure" when the
 * workflow task that would carry it failed for a passing reason (seen under load, once in several hundred
 * runs). Nothing was applied, so sending it again is safe: updates are validated and applied once.
 */
export async function withTransientUpdateRetry<T>(send: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= attempts || !isTransientUpdateFailure(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

function isTransientUpdateFailure(error: unknown): boolean {
  const cause = (error as { cause?: { code?: number; details?: string } })?.cause;
  return cause?.code === 9 && /workflow task failure/.test(cause.details ?? '');
}
