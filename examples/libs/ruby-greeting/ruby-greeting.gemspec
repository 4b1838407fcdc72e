Gem::Specification.new do |s|
  s.name = 'ruby-greeting'
  s.version = '0.1.0'
  s.summary = "Greetings shared by the workspace's Ruby functions"
  s.authors = ['nx-lambda examples']
  s.files = Dir['lib/**/*.rb']
  s.required_ruby_version = '>= 3.1'
end
