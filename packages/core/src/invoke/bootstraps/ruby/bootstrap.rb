# nx-lambda local bootstrap for Lambda's Ruby runtimes.
# Handler strings as Lambda reads them: "file.method" (a top-level method of file.rb) or
# "file.Module::Class.method" (a class or module method); the file is required from
# LAMBDA_TASK_ROOT and the method called with keyword arguments event: and context:.
require 'json'
require 'net/http'

API_HOST, API_PORT = ENV.fetch('AWS_LAMBDA_RUNTIME_API').split(':')
BASE = '/2018-06-01/runtime'
$stdout.sync = true
$stderr.sync = true

def runtime_post(path, body, error_type = nil)
  headers = { 'Content-Type' => 'application/json' }
  headers['Lambda-Runtime-Function-Error-Type'] = error_type if error_type
  Net::HTTP.start(API_HOST, API_PORT.to_i) { |http| http.post(BASE + path, body, headers) }
end

def error_body(err, type = nil, message = nil)
  { errorMessage: message || err.message, errorType: type || err.class.name, stackTrace: err.backtrace || [] }
end

class InitFailure < StandardError
  attr_reader :body
  def initialize(body)
    super(body[:errorMessage])
    @body = body
  end
end

class LambdaContext
  attr_reader :aws_request_id, :invoked_function_arn, :function_name, :function_version,
              :memory_limit_in_mb, :log_group_name, :log_stream_name

  def initialize(headers)
    @aws_request_id = headers['lambda-runtime-aws-request-id']
    @invoked_function_arn = headers['lambda-runtime-invoked-function-arn']
    @deadline_ms = headers['lambda-runtime-deadline-ms'].to_i
    @function_name = ENV['AWS_LAMBDA_FUNCTION_NAME']
    @function_version = ENV['AWS_LAMBDA_FUNCTION_VERSION']
    @memory_limit_in_mb = ENV['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']
    @log_group_name = ENV['AWS_LAMBDA_LOG_GROUP_NAME']
    @log_stream_name = ENV['AWS_LAMBDA_LOG_STREAM_NAME']
  end

  def get_remaining_time_in_millis
    [@deadline_ms - (Time.now.to_f * 1000).to_i, 0].max
  end
end

def load_handler(handler)
  file, method_path = handler.split('.', 2)
  unless file && method_path && !method_path.empty?
    raise InitFailure, { errorMessage: "Bad handler #{handler}, must be FILE.METHOD or FILE.CLASS.METHOD", errorType: 'Init<ArgumentError>', stackTrace: [] }
  end
  begin
    require File.join(ENV.fetch('LAMBDA_TASK_ROOT'), file)
  rescue LoadError => e
    raise InitFailure, error_body(e, 'Init<LoadError>')
  rescue SyntaxError => e
    raise InitFailure, error_body(e, 'Init<SyntaxError>')
  rescue StandardError, ScriptError => e
    raise InitFailure, error_body(e, "Init<#{e.class.name}>")
  end
  owner_name, _, method_name = method_path.rpartition('.')
  owner = owner_name.empty? ? Object.new : Object.const_get(owner_name)
  unless owner.respond_to?(method_name, true)
    raise InitFailure, { errorMessage: "Handler '#{method_name}' missing on #{owner_name.empty? ? file : owner_name}", errorType: 'Init<NameError>', stackTrace: [] }
  end
  ->(event, context) { owner.send(method_name, event: event, context: context) }
rescue NameError => e
  raise InitFailure, error_body(e, 'Init<NameError>')
end

begin
  handler = load_handler(ENV.fetch('_HANDLER', ''))
rescue InitFailure => f
  warn "#{f.body[:errorType]}: #{f.body[:errorMessage]}"
  runtime_post('/init/error', JSON.generate(f.body), f.body[:errorType])
  exit 1
end

loop do
  res = Net::HTTP.start(API_HOST, API_PORT.to_i, read_timeout: nil) { |http| http.get("#{BASE}/invocation/next") }
  request_id = res['lambda-runtime-aws-request-id']
  begin
    event = JSON.parse(res.body)
    result = handler.call(event, LambdaContext.new(res))
    runtime_post("/invocation/#{request_id}/response", JSON.generate(result))
  rescue StandardError, ScriptError => e
    body = error_body(e)
    warn "Error raised from handler method: #{JSON.generate(body)}"
    runtime_post("/invocation/#{request_id}/error", JSON.generate(body), body[:errorType])
  end
end
