import ms from 'ms';
import { z } from 'zod';

const Invoice = z.object({ amount: z.number().nonnegative(), due: z.string().default('30d') });

/** Prices an invoice; zod and ms come from the shared node layer. */
export const handler = async (event: unknown) => {
  const invoice = Invoice.parse(event ?? {});
  return { statusCode: 200, body: JSON.stringify({ amount: invoice.amount, dueInMs: ms(invoice.due) }) };
};
