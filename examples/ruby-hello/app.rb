require 'ruby-greeting'

def handler(event:, context:)
  { message: RubyGreeting.for(event['name']) }
end
