import type { z } from 'zod';
import { closestName } from './catalog-index';

/**
 * The field names an object schema accepts at `path`, so an unknown field can be answered with the right
 * spelling (`discont` → did you mean `discount`?). Walks wrappers, unions, arrays and records down the path.
 */
export function allowedKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  const visit = (node: z.core.$ZodType, rest: readonly PropertyKey[]): void => {
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case 'default':
      case 'optional':
      case 'nullable':
      case 'prefault':
      case 'readonly':
        return visit(def.innerType as z.core.$ZodType, rest);
      case 'pipe':
        return visit(def.in as z.core.$ZodType, rest);
      case 'union':
        return (def.options as z.core.$ZodType[]).forEach((option) => visit(option, rest));
      case 'array':
        if (typeof rest[0] === 'number') visit(def.element as z.core.$ZodType, rest.slice(1));
        return;
      case 'record':
        if (rest.length > 0) visit(def.valueType as z.core.$ZodType, rest.slice(1));
        return;
      case 'object': {
        const shape = def.shape as Record<string, z.core.$ZodType>;
        if (rest.length === 0) Object.keys(shape).forEach((key) => keys.add(key));
        else if (typeof rest[0] === 'string' && shape[rest[0]]) visit(shape[rest[0]], rest.slice(1));
        return;
      }
      default:
        return;
    }
  };
  visit(schema, path);
  return [...keys];
}

/** The fix for an unknown field: its closest known spelling, and the fields allowed where it is. */
export function unknownFieldFix(key: string, allowed: readonly string[]): string {
  const close = closestName(key, allowed);
  return `${close ? `did you mean "${close}"? ` : 'remove it; '}allowed fields here: ${allowed.join(', ')}`;
}
