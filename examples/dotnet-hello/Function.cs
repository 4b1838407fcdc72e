namespace DotnetHello;

/// <summary>The demo's C# function: greets through the workspace library, names the SDK it ships.</summary>
public class Function
{
    public string Handler(string name)
    {
        var sdk = typeof(Amazon.S3.AmazonS3Client).Assembly.GetName();
        return $"{DotnetGreeting.Greeter.Greet(name)} (with {sdk.Name} {sdk.Version})";
    }
}
