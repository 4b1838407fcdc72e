@{
    RootModule        = 'PowerShellGreeting.psm1'
    ModuleVersion     = '1.0.0'
    GUID              = '0b6b0f55-5d0e-4a53-a3c1-7b4f7a0d2e31'
    Author            = 'nx-lambda examples'
    Description       = 'A workspace PowerShell module shared by PowerShell functions through #Requires -Modules.'
    FunctionsToExport = @('Get-Greeting')
}
