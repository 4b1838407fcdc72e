# Parses PowerShell files with PowerShell's own parser and prints JSON: per file its parse errors,
# top-level functions and #Requires -Modules; per requested module name, where the user's module
# path has it. Never runs the parsed code. Called by pwsh.ts, which sends the request as JSON on
# stdin: { "root": "...", "files": ["a.ps1"], "modules": ["Name"] }.
$ErrorActionPreference = 'Stop'
$request = [Console]::In.ReadToEnd() | ConvertFrom-Json
$Root = $request.root
$Files = @($request.files)
$Modules = @($request.modules)

$parsed = foreach ($file in $Files) {
  $tokens = $null
  $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseFile((Join-Path $Root $file), [ref]$tokens, [ref]$errors)
  $functions = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $false) | ForEach-Object Name
  $required = @()
  if ($ast.ScriptRequirements) {
    $required = $ast.ScriptRequirements.RequiredModules | ForEach-Object {
      [ordered]@{ name = $_.Name; version = "$($_.Version)"; requiredVersion = "$($_.RequiredVersion)"; maximumVersion = "$($_.MaximumVersion)" }
    }
  }
  [ordered]@{
    file = $file
    errors = @($errors | ForEach-Object { [ordered]@{ line = $_.Extent.StartLineNumber; column = $_.Extent.StartColumnNumber; message = $_.Message } })
    functions = @($functions)
    requiredModules = @($required)
  }
}

$builtIn = Join-Path $PSHOME 'Modules'
$found = foreach ($name in $Modules) {
  Get-Module -ListAvailable -Name $name | Sort-Object Version -Descending | ForEach-Object {
    [ordered]@{ name = $_.Name; version = "$($_.Version)"; base = $_.ModuleBase; builtIn = $_.ModuleBase.StartsWith($builtIn) }
  }
}

ConvertTo-Json -Depth 6 -Compress -InputObject ([ordered]@{ files = @($parsed); modules = @($found); pwsh = "$($PSVersionTable.PSVersion)" })
