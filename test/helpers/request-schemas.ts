import assert from 'node:assert/strict';
import type { OpenApiDocument } from './openapi-conformance.js';

/** The keywords of a request schema in the OpenAPI document that the limit tests read. */
export interface FieldSchema {
  type?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  properties?: Record<string, FieldSchema>;
  items?: FieldSchema;
}

interface Operation {
  requestBody?: { content?: Record<string, { schema?: FieldSchema }> };
}

function bodyOf(operation: unknown): FieldSchema | undefined {
  return (operation as Operation).requestBody?.content?.['application/json']?.schema;
}

/**
 * The schema of a request body field, by its path of property names (`[]`
 * steps into an array's items).
 *
 * @example
 * requestField(document, 'post', '/node/status', ['buckets', '[]', 'createdAt']).format // 'date-time'
 */
export function requestField(document: OpenApiDocument, method: string, template: string, path: string[]): FieldSchema {
  let schema = bodyOf(document.paths?.[template]?.[method]);
  assert.ok(schema, `${method.toUpperCase()} ${template} documents a JSON body`);
  for (const step of path) {
    schema = step === '[]' ? schema?.items : schema?.properties?.[step];
    assert.ok(schema, `${method.toUpperCase()} ${template} documents ${path.join('.')}`);
  }
  return schema;
}

/** Every property of every documented request body, nested ones included, with where it is. */
export function requestFields(document: OpenApiDocument): Array<{ where: string; name: string; schema: FieldSchema }> {
  const fields: Array<{ where: string; name: string; schema: FieldSchema }> = [];
  const walk = (schema: FieldSchema, where: string): void => {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      fields.push({ where: `${where}.${name}`, name, schema: property });
      walk(property, `${where}.${name}`);
    }
    if (schema.items) walk(schema.items, `${where}[]`);
  };
  for (const [template, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const body = bodyOf(operation);
      if (body) walk(body, `${method.toUpperCase()} ${template} body`);
    }
  }
  return fields;
}
