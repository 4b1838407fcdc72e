# The PowerShell side of the Lambda Runtime API (2018-06-01): fetch the next event, post the
# result or the error. One HttpClient for the process; no proxies (the API is on a local address).

$script:Client = [System.Net.Http.HttpClient]::new([System.Net.Http.HttpClientHandler]@{ UseProxy = $false })
$script:Client.Timeout = [System.Threading.Timeout]::InfiniteTimeSpan

function Get-RuntimeApiBase {
    if (-not $env:AWS_LAMBDA_RUNTIME_API) { throw 'AWS_LAMBDA_RUNTIME_API is not set: this runs only under Lambda or a local Runtime API' }
    "http://$($env:AWS_LAMBDA_RUNTIME_API)/2018-06-01/runtime"
}

function Send-RuntimeApiPost {
    param([string]$Path, [string]$Body, [hashtable]$Headers = @{})
    $content = [System.Net.Http.StringContent]::new($Body, [System.Text.Encoding]::UTF8, 'application/json')
    $request = [System.Net.Http.HttpRequestMessage]::new([System.Net.Http.HttpMethod]::Post, "$(Get-RuntimeApiBase)/$Path")
    $request.Content = $content
    foreach ($k in $Headers.Keys) { [void]$request.Headers.TryAddWithoutValidation($k, $Headers[$k]) }
    $response = $script:Client.SendAsync($request).GetAwaiter().GetResult()
    $response.Dispose()
}

function Get-LambdaNextInvocation {
    $response = $script:Client.GetAsync("$(Get-RuntimeApiBase)/invocation/next").GetAwaiter().GetResult()
    $header = { param($name) $values = $null; if ($response.Headers.TryGetValues($name, [ref]$values)) { @($values)[0] } }
    $body = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult()
    $deadline = [long](& $header 'Lambda-Runtime-Deadline-Ms')
    $context = [pscustomobject]@{
        AwsRequestId       = & $header 'Lambda-Runtime-Aws-Request-Id'
        InvokedFunctionArn = & $header 'Lambda-Runtime-Invoked-Function-Arn'
        FunctionName       = $env:AWS_LAMBDA_FUNCTION_NAME
        FunctionVersion    = $env:AWS_LAMBDA_FUNCTION_VERSION
        MemoryLimitInMB    = $env:AWS_LAMBDA_FUNCTION_MEMORY_SIZE
        LogGroupName       = $env:AWS_LAMBDA_LOG_GROUP_NAME
        LogStreamName      = $env:AWS_LAMBDA_LOG_STREAM_NAME
        DeadlineMs         = $deadline
    }
    $context | Add-Member -MemberType ScriptMethod -Name GetRemainingTimeInMillis -Value {
        $this.DeadlineMs - [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
    }
    $traceId = & $header 'Lambda-Runtime-Trace-Id'
    if ($traceId) { $env:_X_AMZN_TRACE_ID = $traceId }
    $response.Dispose()
    [pscustomobject]@{ RequestId = $context.AwsRequestId; Body = $body; Context = $context }
}

function ConvertTo-LambdaResponse {
    param($Output)
    $items = @($Output)
    if ($items.Count -eq 0) { return '' }
    if ($items.Count -eq 1 -and $items[0] -is [string]) { return $items[0] }
    if ($items.Count -eq 1) { return ConvertTo-Json -InputObject $items[0] -Depth 10 -Compress }
    ConvertTo-Json -InputObject $items -Depth 10 -Compress
}

function Send-LambdaResponse {
    param([string]$RequestId, $Output)
    Send-RuntimeApiPost -Path "invocation/$RequestId/response" -Body (ConvertTo-LambdaResponse $Output)
}

function ConvertTo-LambdaError {
    param([System.Management.Automation.ErrorRecord]$ErrorRecord)
    $exception = $ErrorRecord.Exception
    ConvertTo-Json -Compress -InputObject ([ordered]@{
        errorMessage = $exception.Message
        errorType    = $exception.GetType().Name
        stackTrace   = @("$($ErrorRecord.ScriptStackTrace)" -split "`n")
    })
}

function Send-LambdaError {
    param([string]$RequestId, [System.Management.Automation.ErrorRecord]$ErrorRecord)
    $path = if ($RequestId) { "invocation/$RequestId/error" } else { 'init/error' }
    Send-RuntimeApiPost -Path $path -Body (ConvertTo-LambdaError $ErrorRecord) -Headers @{ 'Lambda-Runtime-Function-Error-Type' = 'Unhandled' }
}

Export-ModuleMember -Function Get-LambdaNextInvocation, Send-LambdaResponse, Send-LambdaError, ConvertTo-LambdaResponse
