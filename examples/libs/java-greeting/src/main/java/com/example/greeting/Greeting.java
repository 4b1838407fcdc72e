package com.example.greeting;

/** Shared by the Java functions of the workspace; packed into each as lib/java-greeting-1.0.0.jar. */
public final class Greeting {
  private Greeting() {}

  public static String hello(String name) {
    return "Hello, " + (name == null || name.isEmpty() ? "world" : name) + "!";
  }
}
