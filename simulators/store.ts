import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

/**
 * One JSON document on disk, written atomically: the new content goes to a temporary file in the same
 * directory, is flushed, and then renamed over the old one. A crash leaves either the old document or
 * the new one, never half of each — which is what lets billing promise "never twice" across restarts.
 *
 * Writes are synchronous on purpose: a reply is sent only after its effect is on disk, and two
 * requests can never interleave their writes of the same file.
 */
export class JsonFile<T> {
  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  /** The stored document, or `undefined` when there is none yet. A damaged file is an error, never "empty". */
  read(): T | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(`${this.file} is not valid JSON (${(error as Error).message}); fix or remove it`);
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${this.file} is not a simulator data file: ${issue?.path.join('.') || '(root)'}: ${issue?.message}; fix or remove it`,
      );
    }
    return parsed.data;
  }

  write(value: T): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    const fd = fs.openSync(temporary, 'w');
    try {
      fs.writeFileSync(fd, `${JSON.stringify(value, null, 2)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, this.file);
  }
}
