# Static handler check: ruby handler-check.rb FILE TARGET   (TARGET: "handler" or "App::Handler.process")
# Compiles FILE without running it (what `ruby -c` does), then walks its Ripper tree for the method
# Lambda will call with (event:, context:). Prints JSON; user code is never executed.
require 'json'
require 'ripper'

file, target = ARGV
source = File.read(file)
begin
  RubyVM::InstructionSequence.compile(source, file)
rescue SyntaxError => e
  puts JSON.generate(syntaxError: e.message)
  exit 0
end

def const_name(node)
  case node && node[0]
  when :const_ref, :var_ref, :top_const_ref then node[1][1]
  when :const_path_ref then "#{const_name(node[1])}::#{node[2][1]}"
  end
end

def self_ref?(node)
  node.is_a?(Array) && node[0] == :var_ref && node[1][0] == :@kw && node[1][1] == 'self'
end

def ident?(node, name)
  node.is_a?(Array) && node[0] == :@ident && node[1] == name
end

# Collects "Scope#method" (instance) and "Scope.method" (singleton) definitions; "" is top level.
class DefCollector
  attr_reader :defs, :module_function_scopes

  def initialize
    @defs = {}
    @module_function_scopes = []
  end

  def walk(node, scope = '', singleton = false)
    return unless node.is_a?(Array)
    return node.each { |child| walk(child, scope, singleton) } unless node[0].is_a?(Symbol)

    case node[0]
    when :class, :module
      name = const_name(node[1])
      inner = scope.empty? || node[1][0] == :top_const_ref ? name : "#{scope}::#{name}"
      walk(node.last, inner, false)
    when :sclass
      walk(node[2], scope, true) if self_ref?(node[1])
    when :def
      @defs["#{scope}#{singleton ? '.' : '#'}#{node[1][1]}"] = node[2]
    when :defs
      owner = self_ref?(node[1]) ? scope : const_name(node[1])
      @defs["#{owner}.#{node[3][1]}"] = node[4]
    when :vcall, :var_ref
      @module_function_scopes << scope if ident?(node[1], 'module_function')
      node.each { |child| walk(child, scope, singleton) }
    when :command
      args = node[2].is_a?(Array) && node[2][0] == :args_add_block ? node[2][1] : []
      @module_function_scopes << scope if ident?(node[1], 'extend') && args.is_a?(Array) && self_ref?(args[0])
      @module_function_scopes << scope if ident?(node[1], 'module_function') && args.nil?
      node.each { |child| walk(child, scope, singleton) }
    else
      node.each { |child| walk(child, scope, singleton) }
    end
  end
end

# Lambda calls the handler as `handler(event: e, context: c)`: say why a signature cannot take that.
def params_problem(params)
  params = params[1] if params.is_a?(Array) && params[0] == :paren
  return nil unless params.is_a?(Array) && params[0] == :params

  _, req, opt, rest, post, kw, kwrest = params
  return nil if kwrest.is_a?(Array)
  if kw.is_a?(Array) && !kw.empty?
    names = kw.map { |(label, _)| label[1].delete_suffix(':') }
    missing = %w[event context] - names
    return "does not accept the keyword#{missing.size > 1 ? 's' : ''} #{missing.map { |m| "#{m}:" }.join(' and ')}" unless missing.empty?
    return nil
  end
  positional = (req || []).size + (post || []).size
  return nil if positional == 1 || (positional.zero? && (opt.is_a?(Array) && !opt.empty? || rest.is_a?(Array)))
  positional.zero? ? 'takes no arguments' : "takes #{positional} positional arguments"
end

collector = DefCollector.new
collector.walk(Ripper.sexp(source))
owner, _, method = target.rpartition('.')
keys = owner.empty? ? ["##{method}"] : ["#{owner}.#{method}"]
keys << "#{owner}##{method}" if !owner.empty? && collector.module_function_scopes.include?(owner)
found = keys.find { |k| collector.defs.key?(k) }
puts JSON.generate(
  found: !found.nil?,
  paramsProblem: found && params_problem(collector.defs[found]),
  defined: collector.defs.keys.sort
)
