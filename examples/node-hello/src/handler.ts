import { greet } from '@nx-lambda-examples/node-greeting';

interface HelloEvent {
  name?: string;
}

/** Lambda handler: in the zip this is `index.handler` (see dist/examples/node-hello/manifest.json notes.lambdaHandler). */
export const handler = async (event: HelloEvent) => ({
  statusCode: 200,
  body: JSON.stringify({ message: greet(event.name ?? 'world') }),
});
