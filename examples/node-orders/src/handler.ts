import { greet } from '@nx-lambda-examples/node-greeting';
import ms from 'ms';
import { z } from 'zod';

const Order = z.object({ id: z.string(), items: z.array(z.string()).default([]), ttl: z.string().default('1h') });

/** Validates an order; zod and ms are shared with node-billing, so they live in a layer. */
export const handler = async (event: unknown) => {
  const order = Order.parse(event ?? {});
  return { statusCode: 200, body: JSON.stringify({ message: greet(order.id), items: order.items.length, ttlMs: ms(order.ttl) }) };
};
