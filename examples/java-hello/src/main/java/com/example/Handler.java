package com.example;

import com.example.greeting.Greeting;
import com.google.gson.Gson;
import java.util.Map;

/**
 * Lambda handler "com.example.Handler::handleRequest". The second parameter is Lambda's Context;
 * it is typed Object so the example needs no aws-lambda-java-core jar.
 */
public class Handler {
  private static final Gson GSON = new Gson();

  public String handleRequest(Map<String, Object> event, Object context) {
    Object name = event == null ? null : event.get("name");
    return GSON.toJson(Map.of("message", Greeting.hello(name == null ? null : name.toString())));
  }
}
