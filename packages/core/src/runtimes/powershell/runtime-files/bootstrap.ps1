# The runtime loop of the PowerShell custom runtime. Handler forms (_HANDLER):
#   script.ps1                    the script runs per event, with $LambdaInput and $LambdaContext
#   script.ps1::Function          the script is dot-sourced once, Function runs per event
#   Module::ModuleName::Function  the module is imported once, Function runs per event
# Modules load from the function's modules/ folder, then the layers' /opt/modules, then pwsh's own.
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'LambdaRuntime.psm1')

$taskRoot = if ($env:LAMBDA_TASK_ROOT) { $env:LAMBDA_TASK_ROOT } else { '/var/task' }
$layerRoot = Split-Path -Parent $PSScriptRoot
$env:PSModulePath = @((Join-Path $taskRoot 'modules'), (Join-Path $layerRoot 'modules'), $env:PSModulePath) -join [System.IO.Path]::PathSeparator
Set-Location $taskRoot

try {
    $parts = "$env:_HANDLER" -split '::'
    if ($parts.Count -eq 3 -and $parts[0] -eq 'Module') {
        Import-Module $parts[1]
        $invoke = [scriptblock]::Create("param(`$LambdaInput, `$LambdaContext) $($parts[1])\$($parts[2]) `$LambdaInput `$LambdaContext")
    } elseif ($parts.Count -eq 2) {
        . (Join-Path $taskRoot $parts[0])
        $function = Get-Command -CommandType Function -Name $parts[1]
        $invoke = { param($LambdaInput, $LambdaContext) & $function $LambdaInput $LambdaContext }
    } elseif ($parts.Count -eq 1 -and $parts[0]) {
        $script = Join-Path $taskRoot $parts[0]
        if (-not (Test-Path $script)) { throw "handler script $($parts[0]) is not in $taskRoot" }
        $invoke = { param($LambdaInput, $LambdaContext) & $script }
    } else {
        throw "handler '$env:_HANDLER' is not script.ps1, script.ps1::Function or Module::ModuleName::Function"
    }
} catch {
    Send-LambdaError -ErrorRecord $_
    [Console]::Error.WriteLine("init failed: $_")
    exit 1
}

while ($true) {
    $next = Get-LambdaNextInvocation
    try {
        $LambdaInput = if ($next.Body) { ConvertFrom-Json -InputObject $next.Body } else { $null }
        $LambdaContext = $next.Context
        $output = & $invoke $LambdaInput $LambdaContext
        Send-LambdaResponse -RequestId $next.RequestId -Output $output
    } catch {
        [Console]::Error.WriteLine("invocation $($next.RequestId) failed: $_")
        Send-LambdaError -RequestId $next.RequestId -ErrorRecord $_
    }
}
