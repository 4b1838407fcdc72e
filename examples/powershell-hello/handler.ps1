#Requires -Modules PowerShellGreeting

# The demo's PowerShell function: the workspace module does the greeting.
function Invoke-Handler {
    param($LambdaInput, $LambdaContext)
    [ordered]@{
        message   = Get-Greeting -Name $LambdaInput.name
        requestId = $LambdaContext.AwsRequestId
    }
}
