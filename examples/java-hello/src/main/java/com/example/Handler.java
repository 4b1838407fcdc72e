package com.example;

import com.example.greeting.Greeting;
import com.google.gson.Gson;
import java.util.Map;

/**
 * Lambda handler "com.example.Handler::handleRequest". It takes the event only, so the example needs
 * no aws-lambda-java-core jar (a second parameter must be typed Context for Lambda to call it).
 */
public class Handler {
  private static final Gson GSON = new Gson();

  public String handleRequest(Map<String, Object> event) {
    Object name = event == null ? null : event.get("name");
    return GSON.toJson(Map.of("message", Greeting.hello(name == null ? null : name.toString())));
  }
}
