import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/workspace';
import { invokeFunction, InvokeRequest } from './invoke-function';
import { zipTree } from './test-support/zip-tree';

const GEMSPEC = `Gem::Specification.new do |s|
  s.name = "greeter"
  s.version = "1.0.0"
  s.summary = "layer test gem"
  s.authors = ["nx-lambda"]
  s.files = ["lib/greeter.rb"]
  s.require_paths = ["lib"]
end
`;

describe('invokeFunction: ruby', () => {
  let fn: string;
  let layer: string;
  const run = (over: Partial<InvokeRequest> & Pick<InvokeRequest, 'handler'>) =>
    invokeFunction({ family: 'ruby', runtime: 'ruby3.3', timeoutMs: 5000, initTimeoutMs: 60_000, zipPath: fn, layerZips: [layer], ...over });

  beforeAll(async () => {
    const dir = await tempDir('invoke-ruby');
    fn = await zipTree(path.join(dir, 'function.zip'), {
      'function.rb': `require 'greeter'

def handler(event:, context:)
  puts "handling #{context.aws_request_id}"
  { echo: event, greeting: Greeter.greet(event['name']), fn: context.function_name, remaining: context.get_remaining_time_in_millis > 0 }
end

def fail(event:, context:)
  raise ArgumentError, 'bad input: name missing'
end

def spin(event:, context:)
  loop { sleep 0.05 }
end

module Shop
  class Orders
    def self.process(event:, context:)
      { order: event['id'] }
    end
  end
end
`,
      'broken.rb': "raise 'cannot connect to the database at init'\n",
    });
    layer = await zipTree(path.join(dir, 'layer.zip'), {
      'ruby/gems/3.3.0/gems/greeter-1.0.0/lib/greeter.rb': "module Greeter\n  def self.greet(name) = \"hello #{name} from the layer\"\nend\n",
      'ruby/gems/3.3.0/specifications/greeter-1.0.0.gemspec': GEMSPEC,
    });
  });

  it('echoes the event and reads a gem from its layer', async () => {
    const r = await run({ handler: 'function.handler', event: { name: 'ada' }, functionName: 'echo-fn' });
    expect(r.error).toBeUndefined();
    expect(r.response).toEqual({ echo: { name: 'ada' }, greeting: 'hello ada from the layer', fn: 'echo-fn', remaining: true });
    expect(r.logs).toContain(`handling ${r.requestId}`);
  });

  it('calls a class method named file.Module::Class.method', async () => {
    const r = await run({ handler: 'function.Shop::Orders.process', event: { id: 42 } });
    expect(r.response).toEqual({ order: 42 });
  });

  it('returns an exception raised by the handler in Lambda\'s shape', async () => {
    const r = await run({ handler: 'function.fail' });
    expect(r.error).toMatchObject({ errorType: 'ArgumentError', errorMessage: 'bad input: name missing' });
    expect(r.error?.stackTrace?.join('\n')).toContain('function.rb');
  });

  it('stops a handler that runs past its timeout', async () => {
    const r = await run({ handler: 'function.spin', timeoutMs: 1000 });
    expect(r.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
  });

  it('reports an exception while loading the file as an init error', async () => {
    const r = await run({ handler: 'broken.handler' });
    expect(r.initError).toMatchObject({ errorType: 'Init<RuntimeError>', errorMessage: 'cannot connect to the database at init' });
  });
});
