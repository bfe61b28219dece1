import { z } from 'zod';

/**
 * The one error shape of every answer, MIM's and Elevate's: the sample portal reads
 * `responseJSON["odata.error"]["message"]["value"]`.
 */
export const odataErrorBody = z
  .object({
    'odata.error': z.object({
      code: z.string().meta({ description: 'A stable name for the refusal (BadRequest, NotFound, MfaRequired ...).' }),
      message: z.object({ lang: z.literal('en-US'), value: z.string().meta({ description: 'A sentence a person can act on.' }) }),
    }),
  })
  .meta({ id: 'ODataError' });
export type ODataErrorBody = z.infer<typeof odataErrorBody>;

/** MIM's collection envelope: `odata.metadata` names the entity set, `value` holds the rows. */
export const odataCollection = <T extends z.ZodType>(item: T) => z.object({ 'odata.metadata': z.string(), value: z.array(item) });

/** MIM's single-entity envelope: the entity's properties beside `odata.metadata` (`…#set/@Element`). */
export const odataElement = <T extends z.ZodObject>(item: T) => item.extend({ 'odata.metadata': z.string() });

/** Elevate's own lists: `{ value: [...] }`, the same key MIM's collections use, without the metadata link. */
export const valueList = <T extends z.ZodType>(item: T) => z.object({ value: z.array(item) });
