namespace DotnetGreeting;

/// <summary>A workspace class library shared by C# functions through ProjectReference.</summary>
public static class Greeter
{
    public static string Greet(string name) => $"Hello, {(string.IsNullOrWhiteSpace(name) ? "world" : name)}, from C#";
}
