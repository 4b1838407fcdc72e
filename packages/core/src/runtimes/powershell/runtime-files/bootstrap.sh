#!/bin/sh
# Lambda starts /opt/bootstrap for a custom runtime when the function zip has none. This layer
# keeps pwsh under powershell/ and the runtime loop under powershell-runtime/, found relative to
# this file so the layer also runs when unpacked elsewhere (local invoke, tests).
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
export POWERSHELL_TELEMETRY_OPTOUT=1
export POWERSHELL_UPDATECHECK=Off
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="${DOTNET_SYSTEM_GLOBALIZATION_INVARIANT:-1}"
exec "$here/powershell/pwsh" -NoProfile -NonInteractive -NoLogo -File "$here/powershell-runtime/bootstrap.ps1"
