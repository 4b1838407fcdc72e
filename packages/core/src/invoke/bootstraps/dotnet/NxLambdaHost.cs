// nx-lambda local host for Lambda's managed .NET runtimes.
//
// Handler string: "Assembly::Namespace.Type::Method". The assembly is loaded from
// LAMBDA_TASK_ROOT in its own AssemblyLoadContext (dependencies resolved from its .deps.json or
// its folder); the type is constructed once at init when the method is not static.
// Supported signatures (the ones Lambda's .NET runtime accepts):
//   parameters: ()  (T)  (T, ILambdaContext)  (Stream)  (Stream, ILambdaContext)
//     T = string (the JSON string's value, else the raw JSON text) or any type System.Text.Json
//     can deserialise (case-insensitive property names, like Lambda's DefaultLambdaJsonSerializer);
//     ILambdaContext = any interface (Amazon.Lambda.Core's when the function ships it),
//     implemented with a DispatchProxy.
//   returns: void, T, Task, Task<T> or Stream; T is serialised with System.Text.Json.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

public static class NxLambdaHost
{
    static readonly string Api = "http://" + Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime";
    static readonly HttpClient Http = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };

    public static async Task<int> Main()
    {
        object target;
        MethodInfo method;
        try
        {
            (target, method) = LoadHandler(Environment.GetEnvironmentVariable("_HANDLER") ?? "");
        }
        catch (Exception e)
        {
            var cause = Unwrap(e);
            Console.Error.WriteLine($"Init error: {cause}");
            await Post("/init/error", ErrorJson(cause), cause.GetType().Name);
            return 1;
        }
        for (;;)
        {
            using var next = await Http.GetAsync(Api + "/invocation/next");
            var requestId = next.Headers.GetValues("Lambda-Runtime-Aws-Request-Id").First();
            var headers = next.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.First());
            var body = await next.Content.ReadAsByteArrayAsync();
            try
            {
                var output = await Invoke(target, method, body, headers);
                await Post($"/invocation/{requestId}/response", output, null);
            }
            catch (Exception e)
            {
                var cause = Unwrap(e);
                Console.Error.WriteLine(cause.ToString());
                await Post($"/invocation/{requestId}/error", ErrorJson(cause), cause.GetType().Name);
            }
        }
    }

    static (object, MethodInfo) LoadHandler(string handler)
    {
        var parts = handler.Split("::");
        if (parts.Length != 3) throw new ArgumentException($"Invalid handler string '{handler}': expected Assembly::Namespace.Type::Method");
        var taskRoot = Environment.GetEnvironmentVariable("LAMBDA_TASK_ROOT");
        var assemblyPath = Path.Combine(taskRoot, parts[0] + ".dll");
        if (!File.Exists(assemblyPath)) throw new FileNotFoundException($"Could not find the assembly {parts[0]}.dll in the task root", assemblyPath);
        var assembly = new FunctionLoadContext(assemblyPath).LoadFromAssemblyPath(assemblyPath);
        var type = assembly.GetType(parts[1], throwOnError: false)
            ?? throw new TypeLoadException($"Unable to find type '{parts[1]}' in assembly {parts[0]}");
        var method = type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.Name == parts[2])
            .OrderByDescending(m => m.GetParameters().Length)
            .FirstOrDefault()
            ?? throw new MissingMethodException($"Unable to find method '{parts[2]}' in type '{parts[1]}'");
        var target = method.IsStatic ? null : Activator.CreateInstance(type, nonPublic: true);
        return (target, method);
    }

    static async Task<byte[]> Invoke(object target, MethodInfo method, byte[] body, Dictionary<string, string> headers)
    {
        var ps = method.GetParameters();
        var args = new object[ps.Length];
        for (var i = 0; i < ps.Length; i++)
        {
            var t = ps[i].ParameterType;
            if (t == typeof(Stream)) args[i] = new MemoryStream(body, writable: false);
            else if (i > 0 && t.IsInterface) args[i] = LambdaContextProxy.For(t, headers);
            else if (t == typeof(string)) args[i] = StringArgument(body);
            else args[i] = JsonSerializer.Deserialize(body, t, JsonOptions);
        }
        var result = method.Invoke(target, args);
        if (result is Task task)
        {
            await task;
            var resultType = task.GetType();
            result = resultType.IsGenericType && resultType.GetGenericArguments()[0].Name != "VoidTaskResult"
                ? resultType.GetProperty("Result").GetValue(task)
                : null;
        }
        if (result is Stream stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
        return result == null ? Encoding.UTF8.GetBytes("null") : JsonSerializer.SerializeToUtf8Bytes(result, result.GetType(), JsonOptions);
    }

    static string StringArgument(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.ValueKind == JsonValueKind.String ? doc.RootElement.GetString() : text;
    }

    static Exception Unwrap(Exception e)
    {
        while ((e is TargetInvocationException || e is AggregateException) && e.InnerException != null) e = e.InnerException;
        return e;
    }

    static byte[] ErrorJson(Exception e) => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["errorType"] = e.GetType().Name,
        ["errorMessage"] = e.Message,
        ["stackTrace"] = (e.StackTrace ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray(),
    });

    static async Task Post(string path, byte[] body, string errorType)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var req = new HttpRequestMessage(HttpMethod.Post, Api + path) { Content = content };
        if (errorType != null) req.Headers.Add("Lambda-Runtime-Function-Error-Type", errorType);
        using var res = await Http.SendAsync(req);
    }
}

/** The function's assembly and its dependencies, resolved from its own folder. */
class FunctionLoadContext : AssemblyLoadContext
{
    readonly AssemblyDependencyResolver resolver;
    readonly string dir;

    public FunctionLoadContext(string mainAssembly) : base("function")
    {
        resolver = new AssemblyDependencyResolver(mainAssembly);
        dir = Path.GetDirectoryName(mainAssembly);
    }

    protected override Assembly Load(AssemblyName name)
    {
        var path = resolver.ResolveAssemblyToPath(name);
        if (path != null) return LoadFromAssemblyPath(path);
        var local = Path.Combine(dir, name.Name + ".dll");
        return File.Exists(local) ? LoadFromAssemblyPath(local) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path != null ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}

/** ILambdaContext and ILambdaLogger for whichever Amazon.Lambda.Core the function ships. */
public class LambdaContextProxy : DispatchProxy
{
    Dictionary<string, string> headers;
    bool isLogger;

    public static object For(Type iface, Dictionary<string, string> headers)
    {
        var proxy = DispatchProxy.Create(iface, typeof(LambdaContextProxy));
        ((LambdaContextProxy)proxy).headers = headers;
        return proxy;
    }

    string Header(string name) => headers.TryGetValue(name, out var v) ? v : null;

    protected override object Invoke(MethodInfo targetMethod, object[] args)
    {
        if (isLogger)
        {
            if (args != null && args.Length > 0) Console.WriteLine(args[args.Length > 1 && args[0] is string level && args[1] is string ? 1 : 0]);
            return Default(targetMethod.ReturnType);
        }
        switch (targetMethod.Name)
        {
            case "get_AwsRequestId": return Header("lambda-runtime-aws-request-id");
            case "get_InvokedFunctionArn": return Header("lambda-runtime-invoked-function-arn");
            case "get_TraceId": return Header("lambda-runtime-trace-id");
            case "get_FunctionName": return Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME");
            case "get_FunctionVersion": return Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_VERSION");
            case "get_LogGroupName": return Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_GROUP_NAME");
            case "get_LogStreamName": return Environment.GetEnvironmentVariable("AWS_LAMBDA_LOG_STREAM_NAME");
            case "get_MemoryLimitInMB": return int.Parse(Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") ?? "128");
            case "get_RemainingTime":
                var deadline = long.Parse(Header("lambda-runtime-deadline-ms") ?? "0");
                return TimeSpan.FromMilliseconds(Math.Max(0, deadline - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            case "get_Logger":
                if (!targetMethod.ReturnType.IsInterface) return null;
                var logger = DispatchProxy.Create(targetMethod.ReturnType, typeof(LambdaContextProxy));
                ((LambdaContextProxy)logger).isLogger = true;
                return logger;
            default: return Default(targetMethod.ReturnType);
        }
    }

    static object Default(Type t) => t.IsValueType && t != typeof(void) ? Activator.CreateInstance(t) : null;
}
