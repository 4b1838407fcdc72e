// Test-only stand-in for Lambda's managed .NET runtime: loads Assembly::Type::Method from an
// unzipped function folder (dependencies resolved through its deps.json), calls it with the
// input string and prints the result. Replaced by the shared local-invoke engine later.
using System.Reflection;
using System.Runtime.Loader;

var dir = Path.GetFullPath(args[0]);
var parts = args[1].Split("::");
var mainPath = Path.Combine(dir, parts[0] + ".dll");
var resolver = new AssemblyDependencyResolver(mainPath);
var context = new AssemblyLoadContext("function");
context.Resolving += (ctx, name) => resolver.ResolveAssemblyToPath(name) is string p ? ctx.LoadFromAssemblyPath(p) : null;
var type = context.LoadFromAssemblyPath(mainPath).GetType(parts[1], throwOnError: true)!;
var method = type.GetMethod(parts[2]) ?? throw new MissingMethodException(parts[1], parts[2]);
var target = method.IsStatic ? null : Activator.CreateInstance(type);
var callArgs = method.GetParameters().Select((_, i) => i == 0 ? (object?)args[2] : null).ToArray();
var result = method.Invoke(target, callArgs);
if (result is Task task)
{
    await task;
    result = task.GetType().GetProperty("Result")?.GetValue(task);
}
Console.Write(result);
