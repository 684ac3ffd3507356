import * as fs from 'node:fs';
import { OPENAPI_FILE } from '../../api/server';

/**
 * A small checker of the served OpenAPI document (api/openapi.json) against what the API answers: which documented
 * operation a request is, and whether an answer matches the schema documented for its status. It knows the parts of
 * JSON Schema the document uses (type, required, properties, items, enum, minItems, $ref), which is why it is small.
 */

type Schema = {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  minItems?: number;
};
interface Operation {
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
export interface OpenApi {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

export const openapi = (): OpenApi => JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8')) as OpenApi;

/** Every documented operation as `METHOD /path/{param}`. */
export function documentedRoutes(doc: OpenApi): string[] {
  return Object.entries(doc.paths).flatMap(([route, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${route}`));
}

/** The documented path template a concrete path is (`/productOrder/ORD-1` → `/productOrder/{id}`). */
export function templateOf(doc: OpenApi, concrete: string): string | undefined {
  return Object.keys(doc.paths).find((route) => new RegExp(`^${route.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(concrete));
}

/** What is wrong with `value` against `schema` (empty: it matches). */
export function schemaProblems(doc: OpenApi, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) return schemaProblems(doc, doc.components.schemas[schema.$ref.split('/').pop()!], value, at);
  const problems: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  switch (schema.type) {
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${at}: not an object`];
      const record = value as Record<string, unknown>;
      for (const name of schema.required ?? []) if (!(name in record)) problems.push(`${at}.${name}: required but missing`);
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (name in record) problems.push(...schemaProblems(doc, property, record[name], `${at}.${name}`));
      }
      break;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${at}: not an array`];
      if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${at}: fewer than ${schema.minItems} items`);
      value.forEach((item, i) => problems.push(...(schema.items ? schemaProblems(doc, schema.items, item, `${at}[${i}]`) : [])));
      break;
    case 'string':
      if (typeof value !== 'string') problems.push(`${at}: not a string`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) problems.push(`${at}: not an integer`);
      break;
    case 'number':
      if (typeof value !== 'number') problems.push(`${at}: not a number`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${at}: not a boolean`);
      break;
  }
  return problems;
}

/** Problems of one answer against its operation's documented response (an undocumented status is one). */
export function answerProblems(doc: OpenApi, method: string, concretePath: string, status: number, body: unknown): string[] {
  const template = templateOf(doc, concretePath);
  const operation = template ? doc.paths[template][method.toLowerCase()] : undefined;
  if (!operation) return [`${method} ${concretePath} is not documented`];
  const response = operation.responses[String(status)];
  if (!response) return [`${method} ${template} answered ${status}, which is not documented`];
  const schema = response.content?.['application/json']?.schema;
  return schema ? schemaProblems(doc, schema, body) : [];
}
