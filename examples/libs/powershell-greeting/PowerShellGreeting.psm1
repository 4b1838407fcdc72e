function Get-Greeting {
    param([string]$Name)
    if ([string]::IsNullOrWhiteSpace($Name)) { $Name = 'world' }
    "Hello, $Name, from PowerShell"
}
Export-ModuleMember -Function Get-Greeting
