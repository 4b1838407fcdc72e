// nx-lambda local bootstrap for Lambda's Java runtimes (compiled once per machine with
// `javac --release 11`; no dependencies, so it runs beside any function's classpath).
//
// Handler strings: "pkg.Class::method", or "pkg.Class" for handleRequest (RequestHandler,
// RequestStreamHandler). Supported signatures, as Lambda's runtime offers them:
//   (InputStream, OutputStream[, Context])                  raw bytes in and out
//   (T[, Context]) or ()                                    T = String, Map, List, Object,
//                                                           Integer/Long/Double/Boolean or a POJO
//                                                           (no-arg constructor; setters or fields)
// Return values are serialised to JSON (String, numbers, booleans, Map, List, arrays, POJOs via
// getters). Context is any interface (aws-lambda-java-core's Context when the function ships it),
// implemented with a java.lang.reflect.Proxy; LambdaLogger likewise prints to stdout.
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class NxLambdaBootstrap {
  private static final String API = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private NxLambdaBootstrap() {}

  public static void main(String[] args) throws Exception {
    Object target;
    Method method;
    try {
      String handler = System.getenv("_HANDLER");
      String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
      String methodName = handler.contains("::") ? handler.substring(handler.indexOf("::") + 2) : "handleRequest";
      Class<?> cls = Class.forName(className, true, NxLambdaBootstrap.class.getClassLoader());
      method = pickMethod(cls, methodName);
      method.setAccessible(true);
      if (Modifier.isStatic(method.getModifiers())) {
        target = null;
      } else {
        Constructor<?> ctor = cls.getDeclaredConstructor();
        ctor.setAccessible(true);
        target = ctor.newInstance();
      }
    } catch (Throwable t) {
      Throwable cause = unwrap(t);
      System.err.println("Init error: " + cause);
      post("/init/error", errorJson(cause), cause.getClass().getName());
      System.exit(1);
      return;
    }
    for (;;) {
      HttpResponse<byte[]> next = HTTP.send(HttpRequest.newBuilder(URI.create(API + "/invocation/next")).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      String requestId = next.headers().firstValue("Lambda-Runtime-Aws-Request-Id").orElse("");
      try {
        byte[] out = invoke(target, method, next.body(), next.headers().map());
        post("/invocation/" + requestId + "/response", out, null);
      } catch (Throwable t) {
        Throwable cause = unwrap(t);
        cause.printStackTrace();
        post("/invocation/" + requestId + "/error", errorJson(cause), cause.getClass().getName());
      }
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof InvocationTargetException && t.getCause() != null ? t.getCause() : t;
  }

  /** The named method with the most parameters, ignoring bridge methods (as Lambda does). */
  private static Method pickMethod(Class<?> cls, String name) throws NoSuchMethodException {
    Method best = null;
    for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (!m.getName().equals(name) || m.isBridge() || m.isSynthetic()) continue;
        if (best == null || m.getParameterCount() > best.getParameterCount()) best = m;
      }
    }
    if (best == null) throw new NoSuchMethodException("No public method named " + name + " with appropriate method signature found on " + cls.getName());
    return best;
  }

  private static byte[] invoke(Object target, Method method, byte[] event, Map<String, List<String>> headers) throws Exception {
    Class<?>[] types = method.getParameterTypes();
    Object[] args = new Object[types.length];
    ByteArrayOutputStream streamOut = null;
    for (int i = 0; i < types.length; i++) {
      if (types[i] == InputStream.class) {
        args[i] = new ByteArrayInputStream(event);
      } else if (types[i] == OutputStream.class) {
        streamOut = new ByteArrayOutputStream();
        args[i] = streamOut;
      } else if (i > 0 && types[i].isInterface()) {
        args[i] = context(types[i], headers);
      } else {
        args[i] = Json.convert(Json.parse(new String(event, StandardCharsets.UTF_8)), types[i]);
      }
    }
    Object result = method.invoke(target, args);
    if (streamOut != null) return streamOut.toByteArray();
    return Json.write(result).getBytes(StandardCharsets.UTF_8);
  }

  private static String header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
    }
    return null;
  }

  private static Object context(Class<?> type, Map<String, List<String>> headers) {
    long deadline = Long.parseLong(header(headers, "Lambda-Runtime-Deadline-Ms"));
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, a) -> {
      switch (m.getName()) {
        case "getAwsRequestId": return header(headers, "Lambda-Runtime-Aws-Request-Id");
        case "getInvokedFunctionArn": return header(headers, "Lambda-Runtime-Invoked-Function-Arn");
        case "getFunctionName": return System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        case "getFunctionVersion": return System.getenv("AWS_LAMBDA_FUNCTION_VERSION");
        case "getLogGroupName": return System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
        case "getLogStreamName": return System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
        case "getMemoryLimitInMB": return Integer.parseInt(System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"));
        case "getRemainingTimeInMillis": return (int) Math.max(0, deadline - System.currentTimeMillis());
        case "getLogger": return m.getReturnType().isInterface() ? logger(m.getReturnType()) : null;
        case "toString": return "LambdaContext";
        case "hashCode": return System.identityHashCode(proxy);
        case "equals": return proxy == a[0];
        default: return null;
      }
    });
  }

  private static Object logger(Class<?> type) {
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, a) -> {
      if (m.getName().equals("log") && a != null && a.length > 0) {
        Object msg = a[0];
        System.out.println(msg instanceof byte[] ? new String((byte[]) msg, StandardCharsets.UTF_8) : String.valueOf(msg));
      }
      return m.getName().equals("hashCode") ? System.identityHashCode(proxy) : m.getName().equals("equals") ? Boolean.valueOf(proxy == a[0]) : null;
    });
  }

  private static byte[] errorJson(Throwable t) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("errorMessage", t.getMessage() == null ? t.toString() : t.getMessage());
    body.put("errorType", t.getClass().getName());
    List<Object> trace = new ArrayList<>();
    for (StackTraceElement e : t.getStackTrace()) trace.add(e.toString());
    body.put("stackTrace", trace);
    return Json.write(body).getBytes(StandardCharsets.UTF_8);
  }

  private static void post(String path, byte[] body, String errorType) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(API + path)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("Content-Type", "application/json");
    if (errorType != null) b.header("Lambda-Runtime-Function-Error-Type", errorType);
    HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding());
  }

  /** Just enough JSON for events and responses; numbers parse as Integer, Long or Double like Jackson. */
  static final class Json {
    private final String s;
    private int i;

    private Json(String s) {
      this.s = s;
    }

    static Object parse(String text) {
      Json p = new Json(text);
      p.ws();
      if (p.i >= p.s.length()) return null;
      Object v = p.value();
      p.ws();
      if (p.i != p.s.length()) throw new IllegalArgumentException("Unexpected JSON text at offset " + p.i);
      return v;
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private Object value() {
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (s.charAt(i) == '}') { i++; return m; }
        for (;;) {
          ws();
          String k = string();
          ws();
          expect(':');
          ws();
          m.put(k, value());
          ws();
          if (s.charAt(i) == ',') { i++; continue; }
          expect('}');
          return m;
        }
      }
      if (c == '[') {
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (s.charAt(i) == ']') { i++; return l; }
        for (;;) {
          ws();
          l.add(value());
          ws();
          if (s.charAt(i) == ',') { i++; continue; }
          expect(']');
          return l;
        }
      }
      if (c == '"') return string();
      if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
      if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
      if (s.startsWith("null", i)) { i += 4; return null; }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      String num = s.substring(start, i);
      if (num.isEmpty()) throw new IllegalArgumentException("Unexpected character '" + c + "' at offset " + start);
      if (num.contains(".") || num.contains("e") || num.contains("E")) return Double.valueOf(num);
      long l = Long.parseLong(num);
      return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? Integer.valueOf((int) l) : Long.valueOf(l);
    }

    private void expect(char c) {
      if (s.charAt(i) != c) throw new IllegalArgumentException("Expected '" + c + "' at offset " + i);
      i++;
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      for (;;) {
        char c = s.charAt(i++);
        if (c == '"') return b.toString();
        if (c != '\\') { b.append(c); continue; }
        char e = s.charAt(i++);
        switch (e) {
          case 'n': b.append('\n'); break;
          case 't': b.append('\t'); break;
          case 'r': b.append('\r'); break;
          case 'b': b.append('\b'); break;
          case 'f': b.append('\f'); break;
          case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
          default: b.append(e);
        }
      }
    }

    static String write(Object v) {
      StringBuilder b = new StringBuilder();
      write(v, b);
      return b.toString();
    }

    private static void write(Object v, StringBuilder b) {
      if (v == null) { b.append("null"); return; }
      if (v instanceof String || v instanceof Character || v instanceof Enum) { quote(v.toString(), b); return; }
      if (v instanceof Number || v instanceof Boolean) { b.append(v); return; }
      if (v instanceof Map) {
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          if (!first) b.append(',');
          first = false;
          quote(String.valueOf(e.getKey()), b);
          b.append(':');
          write(e.getValue(), b);
        }
        b.append('}');
        return;
      }
      if (v instanceof Collection || v.getClass().isArray()) {
        Collection<?> items = v instanceof Collection ? (Collection<?>) v : arrayItems(v);
        b.append('[');
        boolean first = true;
        for (Object o : items) {
          if (!first) b.append(',');
          first = false;
          write(o, b);
        }
        b.append(']');
        return;
      }
      write(pojoToMap(v), b);
    }

    private static List<Object> arrayItems(Object array) {
      List<Object> l = new ArrayList<>();
      for (int k = 0; k < java.lang.reflect.Array.getLength(array); k++) l.add(java.lang.reflect.Array.get(array, k));
      return l;
    }

    private static Map<String, Object> pojoToMap(Object v) {
      Map<String, Object> m = new LinkedHashMap<>();
      Method[] methods = v.getClass().getMethods();
      Arrays.sort(methods, (x, y) -> x.getName().compareTo(y.getName()));
      for (Method g : methods) {
        String n = g.getName();
        if (g.getParameterCount() != 0 || g.getDeclaringClass() == Object.class || Modifier.isStatic(g.getModifiers())) continue;
        String prop = n.startsWith("get") && n.length() > 3 ? n.substring(3) : n.startsWith("is") && n.length() > 2 ? n.substring(2) : null;
        if (prop == null) continue;
        try {
          m.put(Character.toLowerCase(prop.charAt(0)) + prop.substring(1), g.invoke(v));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("Cannot read " + n + " of " + v.getClass().getName(), e);
        }
      }
      if (m.isEmpty()) {
        for (Field f : v.getClass().getFields()) {
          if (Modifier.isStatic(f.getModifiers())) continue;
          try {
            m.put(f.getName(), f.get(v));
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      return m;
    }

    private static void quote(String str, StringBuilder b) {
      b.append('"');
      for (int k = 0; k < str.length(); k++) {
        char c = str.charAt(k);
        if (c == '"' || c == '\\') b.append('\\').append(c);
        else if (c == '\n') b.append("\\n");
        else if (c == '\r') b.append("\\r");
        else if (c == '\t') b.append("\\t");
        else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
        else b.append(c);
      }
      b.append('"');
    }

    /** A parsed JSON value as the handler's parameter type. */
    static Object convert(Object v, Class<?> type) throws ReflectiveOperationException {
      if (v == null) return type.isPrimitive() ? convert(0, type) : null;
      if (type == Object.class || type.isInstance(v) && !(v instanceof Number)) return v;
      if (type == String.class) return v instanceof String ? v : write(v);
      if (v instanceof Number) {
        Number n = (Number) v;
        if (type == int.class || type == Integer.class) return n.intValue();
        if (type == long.class || type == Long.class) return n.longValue();
        if (type == double.class || type == Double.class) return n.doubleValue();
        if (type == float.class || type == Float.class) return n.floatValue();
        if (type.isInstance(v)) return v;
      }
      if ((type == boolean.class || type == Boolean.class) && v instanceof Boolean) return v;
      if (v instanceof Map) {
        Constructor<?> ctor = type.getDeclaredConstructor();
        ctor.setAccessible(true);
        Object pojo = ctor.newInstance();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) setProperty(pojo, String.valueOf(e.getKey()), e.getValue());
        return pojo;
      }
      throw new IllegalArgumentException("Cannot convert JSON " + write(v) + " to " + type.getName());
    }

    private static void setProperty(Object pojo, String name, Object value) throws ReflectiveOperationException {
      String setter = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
      for (Method m : pojo.getClass().getMethods()) {
        if (m.getName().equals(setter) && m.getParameterCount() == 1) {
          m.invoke(pojo, convert(value, m.getParameterTypes()[0]));
          return;
        }
      }
      for (Class<?> c = pojo.getClass(); c != null; c = c.getSuperclass()) {
        try {
          Field f = c.getDeclaredField(name);
          f.setAccessible(true);
          f.set(pojo, convert(value, f.getType()));
          return;
        } catch (NoSuchFieldException ignored) {
          // look in the superclass
        }
      }
    }
  }
}
