module RubyGreeting
  def self.for(name)
    "Hello, #{name || 'world'}, from Ruby on Lambda"
  end
end
