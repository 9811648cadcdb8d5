import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
/** ajv-formats is CommonJS: its function is the module itself or its `default`, by loader. */
const addFormats: FormatsPlugin =
  (formats as unknown as { default?: FormatsPlugin }).default ?? (formats as unknown as FormatsPlugin);

/**
 * Why ajv: it compiles a JSON Schema (2020-12, OpenAPI 3.1's dialect) once into a plain
 * function — validation is then a few property checks, not a walk of the schema per request —
 * it is the validator most of the JSON Schema ecosystem is tested against, and it never fetches
 * a reference (the manifest allows only `#…` ones). Unknown keywords (`example`, vendor `x-…`)
 * are ignored as OpenAPI documents use them; a schema that breaks the meta-schema fails to compile.
 */
function createAjv(coerceTypes: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    validateSchema: true,
    coerceTypes,
    logger: false,
    // A plugin's schemas are compiled from its manifest, and their ids must not meet another's.
    addUsedSchema: false,
  });
  addFormats(ajv);
  return ajv;
}

const instances = new Map<'body' | 'parameters', Ajv2020>();

/**
 * Compiles `schema`: for a JSON body exactly as sent (no coercion), or for query/path
 * parameters, whose values are strings on the wire, coercing a copy to the declared type
 * (`"5"` passes `{ "type": "integer" }`). One ajv per kind, created on first use.
 */
export function compileSchema(
  schema: Record<string, unknown>,
  kind: 'body' | 'parameters',
): ValidateFunction {
  let ajv = instances.get(kind);
  if (!ajv) {
    ajv = createAjv(kind === 'parameters');
    instances.set(kind, ajv);
  }
  try {
    return ajv.compile(schema);
  } finally {
    // The compiled function is all the route keeps: without this ajv's cache would hold every
    // schema of every plugin version ever loaded, for the life of the kernel.
    ajv.removeSchema(schema);
  }
}
