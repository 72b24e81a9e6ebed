import * as z from 'zod/mini';
import { en } from 'zod/v4/locales';

/**
 * Every frame schema is written with `zod/mini` (imported as `import * as z`), whose functions tree-shake, so
 * that the browser client bundles only the checks the frames use (about a tenth of zod
 * classic). It is the same zod core as `zod`: schemas validate, infer types and convert to
 * JSON Schema exactly as classic ones do, and classic schemas (the channels') may embed them.
 * Mini ships no messages of its own; the English ones are set here, as classic does on import,
 * so that an INVALID_MESSAGE error reads the same in Node and in browsers.
 */
z.config(en());

/** `schema` with a description (for docs/protocol.schema.json; classic's `.meta()`). */
export function described<T extends z.ZodMiniType>(schema: T, description: string): T {
  return schema.check(z.meta({ description })) as T;
}
