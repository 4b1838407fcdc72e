# Lists the gems the bundle installs for production (BUNDLE_WITHOUT honoured) as JSON on stdout.
# Runs with the same BUNDLE_* environment as `bundle install`; reads, never writes.
require 'bundler'
require 'json'
require 'rbconfig'

def source_kind(source)
  return 'git' if source.is_a?(Bundler::Source::Git)
  return 'path' if source.is_a?(Bundler::Source::Path)
  'rubygems'
end

specs = Bundler.definition.requested_specs.reject { |s| s.name == 'bundler' }
out = specs.sort_by(&:full_name).map do |s|
  kind = source_kind(s.source)
  entry = {
    name: s.name, version: s.version.to_s, platform: s.platform.to_s, fullName: s.full_name, source: kind,
    dir: s.full_gem_path, extensions: s.extensions, requirePaths: s.require_paths
  }
  if kind == 'rubygems'
    entry[:specFile] = s.loaded_from
  else
    spec = s.respond_to?(:to_spec) ? s.to_spec : s
    # Path as the Gemfile and Gemfile.lock spell it (relative to the Gemfile's folder).
    entry[:remote] = s.source.path.to_s if kind == 'path'
    entry[:files] = spec.files.select { |f| File.file?(File.join(s.full_gem_path, f)) }
    entry[:gemspec] = spec.to_ruby
  end
  entry
end

puts JSON.generate(
  ruby: RUBY_VERSION, abi: RbConfig::CONFIG['ruby_version'], platform: Gem::Platform.local.to_s,
  bundler: Bundler::VERSION, specs: out
)
